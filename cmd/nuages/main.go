package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/nuages-go/nuages/internal/version"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usage = `usage: nuages <command> [arguments]

Commands:
  startproject [-database sqlite|postgres|mysql] [-cache memory|redis] NAME [DIR]
                           create a project: the Go module NAME in DIR (default ./NAME),
                           on SQLite and an in-memory cache unless told otherwise
  startapp NAME            create an app NAME in the project of the current directory
  version                  print the versions of Nuages and Go
  help                     print this help

A project's own binary runs the rest: go run . help
`

func main() {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "nuages: %v\n", err)
		os.Exit(exitFailure)
	}
	c := &cli{wd: wd, out: os.Stdout, err: os.Stderr, source: findSource}
	os.Exit(c.run(os.Args[1:]))
}

// cli is one run of the command.
type cli struct {
	wd       string              // the working directory
	out, err io.Writer           // standard output and error
	source   func() nuagesSource // where new projects get Nuages from
}

// usageError is a command line the command cannot run: exit 2 with the
// usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// run runs the command line args (without the program's name) and returns
// the exit code.
func (c *cli) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.err, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.out, usage)
		return exitOK
	case "version":
		if len(rest) > 0 {
			err = usagef("version takes no arguments")
			break
		}
		fmt.Fprintf(c.out, "nuages %s, %s\n", version.Version, runtime.Version())
		if src := c.source(); src.checkout != "" {
			fmt.Fprintf(c.out, "from the checkout at %s\n", src.checkout)
		} else if src.version != "" {
			fmt.Fprintf(c.out, "module %s %s\n", modulePath, src.version)
		}
	case "startproject":
		err = c.startProject(rest)
	case "startapp":
		err = c.startApp(rest)
	case "runserver", "migrate", "makemigrations", "showmigrations", "sqlmigrate", "check", "dbshell",
		"dumpdata", "loaddata", "flush", "inspectdb", "createsuperuser", "collectstatic":
		err = usagef("%[1]s is a command of a project's binary: run it in the project's directory, as go run . %[1]s", cmd)
	default:
		err = usagef("unknown command %q", cmd)
	}
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(c.err, "nuages: %s\n\n%s", ue.msg, usage)
		return exitUsage
	}
	fmt.Fprintf(c.err, "nuages: %v\n", err)
	return exitFailure
}
