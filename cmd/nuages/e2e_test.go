package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests make a project and an app with the command, build them with
// the go command offline (GOPROXY=off, -mod=readonly), run go vet and the
// generated tests, and run the project's binary as a user would.

// newProject makes the project mysite with the app polls in a temporary
// directory, as the command run from this checkout does, and returns its
// directory and the environment for the go command: offline.
func newProject(t *testing.T) (dir string, env []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a project (skipped with -short)")
	}
	goCommand(t)
	src := checkout(t)
	wd := t.TempDir()
	if code, stdout, stderr := runCLI(t, wd, src, "startproject", "mysite"); code != exitOK {
		t.Fatalf("startproject = %d: %s%s", code, stdout, stderr)
	}
	dir = filepath.Join(wd, "mysite")
	if code, stdout, stderr := runCLI(t, dir, src, "startapp", "polls"); code != exitOK {
		t.Fatalf("startapp = %d: %s%s", code, stdout, stderr)
	}
	env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=readonly"), "GOPROXY=off", "GOWORK=off",
		"TMPDIR="+t.TempDir()) // what a killed reloader leaves goes with the test
	return dir, env
}

// goRun runs the go command in dir and fails the test when it fails.
func goRun(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
}

// installPolls adds polls.App{} to the apps of main.go, as startapp says.
func installPolls(t *testing.T, dir string) {
	t.Helper()
	mainGo := readFile(t, dir, "main.go")
	edited := strings.Replace(mainGo, "\"github.com/nuages-go/nuages/contrib/messages\"\n)", "\"github.com/nuages-go/nuages/contrib/messages\"\n\n\t\"mysite/polls\"\n)", 1)
	edited = strings.Replace(edited, "return []nuages.App{&auth.App{}, messages.App{}}", "return []nuages.App{&auth.App{}, messages.App{}, polls.App{}}", 1)
	if !strings.Contains(edited, `"mysite/polls"`) || !strings.Contains(edited, "polls.App{}}") {
		t.Fatalf("main.go is not as startproject writes it:\n%s", mainGo)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// freeAddr returns an address on the loopback interface no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// server is a running project binary.
type server struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error // receives Wait's result
}

// startServer runs bin with args in dir, in a process group of its own so
// that the autoreloader's child is signaled with it; the test's end kills
// what is left.
func startServer(t *testing.T, dir string, env []string, bin string, args ...string) *server {
	t.Helper()
	s := &server{out: &lockedBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir, s.cmd.Env = dir, env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(bin), s.out)
		}
	})
	return s
}

// stop sends SIGTERM to the server's process group and waits for the
// server's exit, which must be a success.
func (s *server) stop(t *testing.T) {
	t.Helper()
	start := time.Now()
	if err := syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("the server exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server still runs 30 s after SIGTERM")
	}
	t.Logf("stopped in %v", time.Since(start).Round(time.Millisecond))
}

// response is what a GET answered.
type response struct {
	status int
	body   string
	err    error
}

func (r response) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %q", r.status, r.body)
}

func get(url string) response {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(body), err: err}
}

// waitFor polls url until ok accepts its answer, for at most timeout, and
// returns how long it took.
func waitFor(t *testing.T, s *server, timeout time.Duration, url, what string, ok func(response) bool) time.Duration {
	t.Helper()
	start := time.Now()
	var last response
	for time.Since(start) < timeout {
		select {
		case err := <-s.done:
			t.Fatalf("the server exited (%v) while waiting for GET %s to answer %s", err, url, what)
		default:
		}
		if last = get(url); last.err == nil && ok(last) {
			t.Logf("GET %s answered %s after %v", url, what, time.Since(start).Round(time.Millisecond))
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s did not answer %s within %v; last: %v", url, what, timeout, last)
	return 0
}

const welcome = "The install worked successfully! Congratulations!"

func isWelcome(r response) bool {
	return r.status == http.StatusOK && strings.Contains(r.body, welcome)
}

// startproject -> build -> runserver -> GET / answers the welcome page,
// and SIGTERM stops the server with exit code 0; runserver on an address
// already in use says so and exits with a failure, with or without
// autoreload, as Django's does.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	dir, env := newProject(t)
	// One build of every package (go build ./...) that keeps the binary:
	// linking is most of a build's time.
	goRun(t, dir, env, "build", "-o", "bin/", "./...")
	goRun(t, dir, env, "vet", "./...")
	goRun(t, dir, env, "test", "-count=1", "./...")
	bin := filepath.Join(dir, "bin", "mysite")

	addr := freeAddr(t)
	s := startServer(t, dir, env, bin, "runserver", addr, "-noreload")
	waitFor(t, s, 30*time.Second, "http://"+addr+"/", "the welcome page", isWelcome)
	s.stop(t)
	if !strings.Contains(s.out.String(), "Starting development server at http://"+addr+"/") {
		t.Errorf("runserver did not say where it serves:\n%s", s.out)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"address_in_use_noreload", []string{"runserver", ln.Addr().String(), "-noreload"}},
		{"address_in_use_autoreload", []string{"runserver", ln.Addr().String()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, dir, env, bin, tt.args...)
			select {
			case err := <-s.done:
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 {
					t.Errorf("runserver exited with %v, want exit status 1", err)
				}
				if !strings.Contains(s.out.String(), "address already in use") {
					t.Errorf("runserver did not say the address is in use:\n%s", s.out)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("runserver still runs 5 s after failing to listen:\n%s", s.out)
			}
		})
	}
}

// runserver with autoreload: a change to the code is served after a
// rebuild, a build error is shown in the browser until it is fixed, and
// SIGTERM stops the reloader and its child.
func TestEndToEnd_Autoreload(t *testing.T) {
	t.Parallel()
	dir, env := newProject(t)
	goRun(t, dir, env, "build", "-o", "mysite", ".")
	addr := freeAddr(t)
	site := "http://" + addr
	tmp := t.TempDir() // where the reloader keeps its builds
	s := startServer(t, dir, append(env[:len(env):len(env)], "TMPDIR="+tmp), filepath.Join(dir, "mysite"), "runserver", addr)
	waitFor(t, s, 30*time.Second, site+"/", "the welcome page", isWelcome)
	if !strings.Contains(s.out.String(), "Watching for file changes in "+dir) {
		t.Fatalf("runserver does not watch the project:\n%s", s.out)
	}

	// Install the app as startapp says, and add a page of the project's.
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	installPolls(t, dir)
	urls := func(hello string) string {
		return `package main

import (
	"fmt"
	"net/http"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/web"

	"mysite/polls"
)

func urls(p *nuages.Project) ([]web.Pattern, error) {
	return []web.Pattern{
		web.Include("polls/", "polls", polls.URLs(p)...),
		web.Path("hello/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, ` + hello + `)
		}), "hello"),
	}, nil
}
`
	}
	write("urls.go", urls(`"hello"`))
	waitFor(t, s, 90*time.Second, site+"/hello/", `"hello"`, func(r response) bool { return r.status == 200 && r.body == "hello" })
	if r := get(site + "/polls/"); r.status != 200 || !strings.Contains(r.body, "Hello from the polls app.") {
		t.Errorf("GET /polls/ = %v, want the polls app's index", r)
	}

	// A syntax error: the build fails and the browser says why.
	write("urls.go", urls(`"hello`))
	waitFor(t, s, 90*time.Second, site+"/", "the build's failure", func(r response) bool {
		return r.status == http.StatusInternalServerError && strings.Contains(r.body, "The build failed") &&
			strings.Contains(r.body, "urls.go:") && strings.Contains(r.body, "newline in string")
	})

	// Fixed, the site comes back.
	write("urls.go", urls(`"hello again"`))
	waitFor(t, s, 90*time.Second, site+"/hello/", `"hello again"`, func(r response) bool { return r.status == 200 && r.body == "hello again" })

	// Each rebuild makes a binary of some 30 MB: those of the children that
	// stopped should go.
	t.Run("old_builds_removed", func(t *testing.T) {
		builds, err := filepath.Glob(filepath.Join(tmp, "nuages-runserver-*", "site-*"))
		if err != nil {
			t.Fatal(err)
		}
		if len(builds) > 1 {
			t.Errorf("the binaries of stopped children stay: %d builds kept, want the running one only", len(builds))
		}
	})

	s.stop(t)
	if left, _ := filepath.Glob(filepath.Join(tmp, "nuages-runserver-*")); len(left) > 0 {
		t.Errorf("runserver left its builds after SIGTERM: %v", left)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("something still listens on %s after SIGTERM", addr)
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Logf("dialing %s after SIGTERM: %v", addr, err)
	}
}

// An app made by startapp takes its first model as Django's does:
// makemigrations adds to the migrations index startapp wrote, migrate
// applies the migration, and then nothing is left to detect.
func TestEndToEnd_Migrations(t *testing.T) {
	t.Parallel()
	dir, env := newProject(t)
	installPolls(t, dir)
	model := `package polls

import (
	"time"

	"github.com/nuages-go/nuages/orm"
)

// Question is a poll's question.
type Question struct {
	orm.Model
	Text    string    ` + "`orm:\"max_length=200\"`" + `
	PubDate time.Time ` + "`orm:\"verbose_name=date published\"`" + `
}
`
	if err := os.WriteFile(filepath.Join(dir, "polls", "models.go"), []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	app := readFile(t, dir, "polls/app.go")
	if err := os.WriteFile(filepath.Join(dir, "polls", "app.go"), []byte(strings.Replace(app, "return []any{}", "return []any{Question{}}", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	goRun(t, dir, env, "build", "-o", "mysite", ".")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(dir, "mysite"), args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mysite %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := run("makemigrations"); !strings.Contains(out, "polls/migrations/0001_initial.go") {
		t.Errorf("makemigrations wrote no polls.0001_initial:\n%s", out)
	}
	if got := readFile(t, dir, "polls/migrations/all.go"); !strings.Contains(got, "m0001Initial,") {
		t.Errorf("the migrations index does not list the new migration:\n%s", got)
	}
	goRun(t, dir, env, "build", "-o", "mysite", ".")
	if out := run("migrate"); !strings.Contains(out, "Applying polls.0001_initial... OK") || !strings.Contains(out, "Applying auth.0001_initial... OK") {
		t.Errorf("migrate did not apply polls.0001_initial and auth.0001_initial:\n%s", out)
	}
	env = append(env, "NUAGES_SUPERUSER_PASSWORD=a long enough passphrase")
	if out := run("createsuperuser", "-noinput", "-username", "admin", "-email", "admin@example.com"); !strings.Contains(out, "Superuser created successfully.") {
		t.Errorf("createsuperuser in a new project:\n%s", out)
	}
	run("makemigrations", "-check")
	goRun(t, dir, env, "vet", "./...")
	goRun(t, dir, env, "test", "-count=1", "./...")
}
