package nuages

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nuages-go/nuages/database"
)

// pollsApp is an app with commands, checks, a ready hook and files.
type pollsApp struct {
	ready    *[]string
	readyErr error
	msgs     []Message
}

func (pollsApp) Name() string { return "polls" }

func (a pollsApp) Commands() []*Command {
	return []*Command{
		{
			Name:    "greet",
			Summary: "Greet someone.",
			Usage:   "<name>",
			Flags: func(fs *flag.FlagSet) {
				fs.Bool("loud", false, "shout")
				fs.Int("times", 1, "how many times")
			},
			Run: func(_ context.Context, inv *Invocation) error {
				if len(inv.Args) != 1 {
					return Usagef("greet takes one name, got %d", len(inv.Args))
				}
				msg := "hello " + inv.Args[0]
				if inv.Bool("loud") {
					msg = strings.ToUpper(msg)
				}
				for range inv.Int("times") {
					fmt.Fprintln(inv.Out, msg)
				}
				return nil
			},
		},
		{Name: "pretend", Summary: "Pretend to work.", Run: func(context.Context, *Invocation) error { return errors.New("nothing to do") }},
	}
}

func (a pollsApp) Checks() []Check {
	return []Check{Tagged(CheckFunc(func(context.Context, CheckInput) []Message { return a.msgs }), "polls")}
}

func (a pollsApp) Ready(context.Context, *Project) error {
	if a.ready != nil {
		*a.ready = append(*a.ready, "polls")
	}
	return a.readyErr
}

func (pollsApp) Templates() fs.FS { return fstest.MapFS{"polls/index.html": {Data: []byte("hi")}} }

type named string

func (n named) Name() string { return string(n) }

// devSettings are valid settings on a fresh SQLite file.
func devSettings(t *testing.T) Settings {
	s := DefaultSettings()
	s.Debug = true
	s.SecretKey = InsecureKeyPrefix + "test"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite:///" + t.TempDir() + "/db.sqlite3"}}
	return s
}

func newProject(t *testing.T, s Settings, apps ...App) *Project {
	t.Helper()
	p, err := New(t.Context(), s, apps...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// runCLI runs args against p and returns the exit code and outputs.
func runCLI(t *testing.T, p *Project, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = p.Run(t.Context(), append([]string{"/tmp/go-build/mysite"}, args...), IO{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestRun(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), pollsApp{})
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    []string
		notWantOut []string
	}{
		{"no_args_is_help", nil, 0, []string{"Type 'mysite help <command>'", "[nuages]\n    check ", "[polls]\n    greet            Greet someone.\n    pretend "}, nil, nil},
		{"help", []string{"help"}, 0, []string{"[nuages]", "[polls]"}, nil, nil},
		{"help_flag", []string{"--help"}, 0, []string{"Available commands:"}, nil, nil},
		{"help_command", []string{"help", "greet"}, 0, []string{"usage: mysite greet [flags] <name>", "Greet someone.", "-loud", "-times int"}, nil, nil},
		{"command_dash_h", []string{"greet", "-h"}, 0, []string{"usage: mysite greet [flags] <name>"}, nil, nil},
		{"help_unknown_command", []string{"help", "gret"}, 2, nil, []string{`help: unknown command "gret"; did you mean "greet"?`}, nil},
		{"run_with_flags", []string{"greet", "-loud", "-times", "2", "ada"}, 0, []string{"HELLO ADA\nHELLO ADA\n"}, nil, nil},
		{"flags_do_not_leak_between_runs", []string{"greet", "ada"}, 0, []string{"hello ada\n"}, nil, []string{"HELLO"}},
		{"unknown_command_suggests", []string{"mirgate"}, 2, nil, []string{`Unknown command: "mirgate". Did you mean "migrate"?`, `Type "mysite help" for usage.`}, nil},
		{"unknown_command_far_from_all", []string{"xyzzyplugh"}, 2, nil, []string{`Unknown command: "xyzzyplugh".` + "\n"}, nil},
		{"bad_flag", []string{"greet", "-shout", "ada"}, 2, nil, []string{"flag provided but not defined: -shout", "usage: mysite greet"}, nil},
		{"usage_error_from_command", []string{"greet"}, 2, nil, []string{"greet: greet takes one name, got 0", "usage: mysite greet"}, nil},
		{"failing_command", []string{"pretend"}, 1, nil, []string{"pretend: nothing to do\n"}, nil},
		{"version", []string{"version"}, 0, []string{"nuages " + Version, "go1."}, nil, nil},
		{"check_takes_no_args", []string{"check", "extra"}, 2, nil, []string{"check: check takes no arguments"}, nil},
		{"check_bad_fail_level", []string{"check", "-fail-level", "LOUD"}, 2, nil, []string{`-fail-level "LOUD": use CRITICAL, ERROR, WARNING, INFO or DEBUG`}, nil},
		{"check_unknown_database", []string{"check", "-database", "replica"}, 2, nil, []string{`-database "replica": no such database alias`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, p, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout = %q, want it to contain %q", out, w)
				}
			}
			for _, w := range tt.notWantOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout = %q, want it not to contain %q", out, w)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr = %q, want it to contain %q", errOut, w)
				}
			}
		})
	}
}

func TestNew_Errors(t *testing.T) {
	dup := &Command{Name: "check", Run: func(context.Context, *Invocation) error { return nil }}
	tests := []struct {
		name string
		apps []App
		want []string
	}{
		{"invalid_name", []App{named("Polls!")}, []string{`has name "Polls!": an app name is a lower-case identifier`}},
		{"reserved_name", []App{named("nuages")}, []string{`has the reserved name "nuages"`}},
		{"duplicate_apps", []App{named("blog"), named("blog")}, []string{`two apps are named "blog"`}},
		{"nil_app", []App{nil}, []string{"app #1 is nil"}},
		{"command_clash_with_builtin", []App{commander{"blog", dup}}, []string{`apps "nuages" and "blog" both provide the command "check"`}},
		{"command_clash_between_apps", []App{pollsApp{}, commander{"blog", &Command{Name: "greet", Run: dup.Run}}}, []string{`apps "polls" and "blog" both provide the command "greet"`}},
		{"command_without_run", []App{commander{"blog", &Command{Name: "x"}}}, []string{`app "blog": command "x" has no Run function`}},
		{"ready_fails", []App{pollsApp{readyErr: errors.New("broken")}}, []string{`app "polls" is not ready: broken`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(t.Context(), devSettings(t), tt.apps...)
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("New error = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

type commander struct {
	name string
	cmd  *Command
}

func (c commander) Name() string         { return c.name }
func (c commander) Commands() []*Command { return []*Command{c.cmd} }

func TestProject(t *testing.T) {
	t.Parallel()
	var ready []string
	s := devSettings(t)
	s.Databases["replica"] = database.Config{URL: "sqlite:///" + t.TempDir() + "/replica.sqlite3"}
	p := newProject(t, s, named("blog"), pollsApp{ready: &ready})
	if fmt.Sprint(ready) != "[polls]" {
		t.Errorf("Ready hooks ran: %v, want [polls]", ready)
	}
	if n := len(p.Templates()); n != 1 {
		t.Errorf("Templates() has %d file systems, want 1", n)
	}
	if n := len(p.Static()); n != 0 {
		t.Errorf("Static() has %d file systems, want 0", n)
	}
	db1, err := p.DB(t.Context(), "default")
	if err != nil {
		t.Fatal(err)
	}
	db2, err := p.DB(t.Context(), "default")
	if err != nil || db1 != db2 {
		t.Errorf("DB(default) twice: %p, %p, %v; want the same DB", db1, db2, err)
	}
	if replica, err := p.DB(t.Context(), "replica"); err != nil || replica.Alias() != "replica" {
		t.Errorf("DB(replica) = %v, %v", replica, err)
	}
	if _, err := p.DB(t.Context(), "analytics"); err == nil || !strings.Contains(err.Error(), `no database "analytics": the configured ones are default, replica`) {
		t.Errorf("DB(analytics) error = %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db1.Ping(t.Context()); !errors.Is(err, database.ErrClosed) {
		t.Errorf("Ping after Close = %v, want ErrClosed", err)
	}
	if _, err := p.DB(t.Context(), "default"); !errors.Is(err, database.ErrClosed) {
		t.Errorf("DB after Close = %v, want ErrClosed", err)
	}
}

func TestDBShell(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t))
	t.Run("missing_program", func(t *testing.T) {
		p.lookPath = func(string) (string, error) { return "", exec.ErrNotFound }
		code, _, errOut := runCLI(t, p, "dbshell")
		if code != 1 || !strings.Contains(errOut, "dbshell: sqlite3 is not installed or not on PATH: install it with apt-get install sqlite3") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("client_exit_status_passes_through", func(t *testing.T) {
		// A stand-in client that reports its arguments and exits with 3.
		client := filepath.Join(t.TempDir(), "sqlite3")
		script := "#!/bin/sh\necho \"$@\"\nexit 3\n"
		if err := os.WriteFile(client, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		p.lookPath = func(string) (string, error) { return client, nil }
		code, out, _ := runCLI(t, p, "dbshell", "--", "-bail")
		if code != 3 {
			t.Errorf("exit code = %d, want the client's 3", code)
		}
		if !strings.HasSuffix(out, "/db.sqlite3 -bail\n") {
			t.Errorf("client got arguments %q, want the database path then -bail", out)
		}
	})
	t.Run("unknown_alias", func(t *testing.T) {
		code, _, errOut := runCLI(t, p, "dbshell", "-database", "nope")
		if code != 2 || !strings.Contains(errOut, `-database "nope": no such database alias`) {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
