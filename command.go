package nuages

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Command is a subcommand of the project binary, like a Django management
// command. It is a registration, as the go command's own commands are
// (cmd/go/internal/base.Command): the name, usage and flags are data that
// help reads without running anything, and the behaviour is the one Run
// function, which a method value gives (Run: a.publish) and a wrapper
// decorates (cmd.Run = withLock(cmd.Run)).
type Command struct {
	Name    string // what users type, e.g. "migrate"
	Summary string // one line for help
	Usage   string // positional arguments, e.g. "[app_label] [migration_name]"
	// Flags declares the command's flags on a fresh FlagSet for each run;
	// read their values through the Invocation.
	Flags func(fs *flag.FlagSet)
	// Run does the work. Returning a *UsageError prints the usage and
	// exits with 2, an *ExitError exits with its code, any other error is
	// printed and exits with 1.
	Run func(ctx context.Context, inv *Invocation) error
}

func (c *Command) validate() error {
	switch {
	case c == nil:
		return errors.New("nil command")
	case c.Name == "" || c.Name[0] == '-':
		return fmt.Errorf("command %q: a command needs a name that does not start with '-'", c.Name)
	case c.Run == nil:
		return fmt.Errorf("command %q has no Run function", c.Name)
	}
	return nil
}

// IO is where a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Invocation is one run of a command.
type Invocation struct {
	Project *Project
	Program string // the binary's name, for messages
	Command *Command
	Flags   *flag.FlagSet // parsed
	Args    []string      // positional arguments, after the flags
	IO
}

// value returns the parsed value of the flag name, which the command must
// have declared: reading an undeclared flag is a programming error.
func (inv *Invocation) value(name string) any {
	f := inv.Flags.Lookup(name)
	if f == nil {
		panic(fmt.Sprintf("nuages: command %s reads flag -%s, which it did not declare", inv.Flags.Name(), name))
	}
	return f.Value.(flag.Getter).Get()
}

// Bool returns the value of a flag declared with fs.Bool.
func (inv *Invocation) Bool(name string) bool { return inv.value(name).(bool) }

// String returns the value of a flag declared with fs.String.
func (inv *Invocation) String(name string) string { return inv.value(name).(string) }

// Int returns the value of a flag declared with fs.Int.
func (inv *Invocation) Int(name string) int { return inv.value(name).(int) }

// UsageError reports a command line the command cannot run: exit code 2,
// with the usage printed.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ExitError ends the command with Code, printing nothing more: the command
// has already said what went wrong.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }
