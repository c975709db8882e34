// Package autoreload is runserver's parent process, as Django's
// autoreloader: it runs the site in a child process and, when a Go file, a
// template or a static file of the project changes, rebuilds the binary
// with the go command and restarts the child. While the build fails, the
// compiler's errors are printed and served on the site's address instead.
package autoreload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// ErrUnavailable says the binary cannot be rebuilt here (not built from a
// package, no go command, not run from the project's directory): Run has
// said why on Options.Err, and the caller serves without reloading.
var ErrUnavailable = errors.New("autoreload: unavailable")

// poll is how often the files are looked at.
const poll = 400 * time.Millisecond

// Options say how to run the site's child process.
type Options struct {
	// Args are the arguments of the child, the running binary's command
	// that serves without reloading ("runserver", "-noreload", addr).
	Args []string
	// Addr is the site's address, where a failed build's errors are
	// served.
	Addr string
	// Out and Err receive the reloader's messages and the child's output.
	Out, Err io.Writer
}

// ChildExitError reports a child that stopped by itself before any reload
// (the address is in use, the settings are wrong): runserver ends with
// its exit code, as it would without the reloader.
type ChildExitError struct{ Code int }

func (e *ChildExitError) Error() string {
	return fmt.Sprintf("autoreload: the site exited with status %d", e.Code)
}

// Run runs the site in a child process until ctx ends, rebuilding and
// restarting it when the project's files change. It returns
// ErrUnavailable at once when the binary cannot be rebuilt here.
func Run(ctx context.Context, opts Options) error {
	src, err := findSource(ctx)
	if err != nil {
		fmt.Fprintf(opts.Err, "Not watching for changes: %v. Serving without autoreload (-noreload).\n", err)
		return ErrUnavailable
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(opts.Err, "Not watching for changes: %v.\n", err)
		return ErrUnavailable
	}
	tmp, err := os.MkdirTemp("", "nuages-runserver-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(opts.Out, "Watching for file changes in %s\n", src.root)
	r := &reloader{opts: opts, tmp: tmp}
	seen := src.snapshot()
	r.start(exe)
	defer r.stop()
	reloaded := false
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-r.exited():
			// The site stopped by itself: at first (the address is in
			// use, the settings are wrong), runserver ends as it would
			// without the reloader; later, it waits for a fix.
			code := r.child.ProcessState.ExitCode()
			r.child = nil
			if !reloaded {
				return &ChildExitError{Code: max(code, 1)}
			}
			fmt.Fprintf(opts.Err, "The site stopped (exit status %d): waiting for a change.\n", code)
			continue
		case <-time.After(poll):
		}
		now := src.snapshot()
		changed := changedFiles(seen, now)
		if len(changed) == 0 {
			continue
		}
		seen, reloaded = now, true
		fmt.Fprintf(opts.Out, "%s changed, reloading.\n", strings.Join(changed, ", "))
		bin := filepath.Join(tmp, fmt.Sprintf("site-%d", n))
		out, err := src.build(ctx, bin)
		if ctx.Err() != nil {
			return nil
		}
		r.stop()
		if err != nil {
			fmt.Fprintf(opts.Err, "The build failed:\n%s", out)
			r.serveBuildError(out)
			continue
		}
		r.start(bin)
	}
}

// source is the project's code: its main package and module.
type source struct {
	pkg  string // the main package's import path
	dir  string // its directory
	root string // the module's directory, watched
}

// findSource finds the source of the running binary with the go command.
func findSource(ctx context.Context) (*source, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Path == "" || bi.Path == "command-line-arguments" {
		return nil, errors.New("this binary was not built from a package (go run file.go): build it with go run . or go build")
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, errors.New("the go command is not on the PATH")
	}
	out, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}\n{{.Module.Dir}}", bi.Path).Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) != 2 {
		return nil, fmt.Errorf("the source of %s is not found from this directory (run runserver from the project's directory)", bi.Path)
	}
	return &source{pkg: bi.Path, dir: lines[0], root: lines[1]}, nil
}

// build compiles the main package into bin; out has the compiler's report.
func (s *source) build(ctx context.Context, bin string) (out []byte, err error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// watched reports whether a change of the file at rel matters to the site:
// Go code (not tests), the module's files, templates and static files.
func watched(rel string) bool {
	base := filepath.Base(rel)
	switch {
	case strings.HasSuffix(base, "_test.go"):
		return false
	case strings.HasSuffix(base, ".go"), base == "go.mod", base == "go.sum":
		return true
	}
	for _, dir := range strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/") {
		if dir == "templates" || dir == "static" {
			return true
		}
	}
	return false
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// snapshot stamps every watched file of the module, skipping hidden
// directories, testdata and node_modules.
func (s *source) snapshot() map[string]fileStamp {
	files := map[string]fileStamp{}
	_ = filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a file removed while walking: the next look sees it gone
		}
		name := d.Name()
		if d.IsDir() {
			if path != s.root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(s.root, path)
		if !watched(rel) {
			return nil
		}
		if info, err := d.Info(); err == nil {
			files[rel] = fileStamp{info.ModTime(), info.Size()}
		}
		return nil
	})
	return files
}

// changedFiles lists the files added, removed or changed, at most three.
func changedFiles(before, after map[string]fileStamp) []string {
	var out []string
	for name, st := range after {
		if before[name] != st {
			out = append(out, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, name)
		}
	}
	if len(out) > 3 {
		out = append(out[:3], fmt.Sprintf("and %d more", len(out)-3))
	}
	return out
}

// reloader runs the child, or the page of a failed build.
type reloader struct {
	opts  Options
	tmp   string // where the rebuilds go
	child *exec.Cmd
	bin   string        // the child's binary
	exit  chan struct{} // closed when the child has exited
	page  *http.Server  // the build errors, while the build fails
}

func (r *reloader) start(bin string) {
	cmd := exec.Command(bin, r.opts.Args...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = r.opts.Out, r.opts.Err, nil
	cmd.Env = os.Environ()
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(r.opts.Err, "Cannot start the site: %v\n", err)
		return
	}
	r.child, r.bin, r.exit = cmd, bin, make(chan struct{})
	go func(exit chan struct{}) { _ = cmd.Wait(); close(exit) }(r.exit)
}

// exited is closed when the running child has exited; nil (never ready)
// when there is none.
func (r *reloader) exited() <-chan struct{} {
	if r.child == nil {
		return nil
	}
	return r.exit
}

// stop ends the child (SIGTERM, then SIGKILL after 10 seconds: requests
// in flight finish) and removes its binary if it was a rebuild, or stops
// the build errors page.
func (r *reloader) stop() {
	if r.page != nil {
		_ = r.page.Close()
		r.page = nil
	}
	if r.child != nil {
		_ = r.child.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exit:
		case <-time.After(10 * time.Second):
			_ = r.child.Process.Kill()
			<-r.exit
		}
		r.child = nil
	}
	if r.bin != "" && filepath.Dir(r.bin) == r.tmp {
		_ = os.Remove(r.bin) // some 30 MB each: never keep the old builds
	}
	r.bin = ""
}

var buildErrorPage = template.Must(template.New("build").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:0}header{background:#fdd;padding:1em 2em}
pre{margin:1em 2em;background:#f6f6f6;padding:1em;overflow:auto}</style></head>
<body><header><h1>The build failed</h1><p>Fix the code: the site comes back when it builds.</p></header>
<pre>{{.}}</pre></body></html>
`))

// serveBuildError answers every request with the build's errors, on the
// site's address, until the next build.
func (r *reloader) serveBuildError(out []byte) {
	ln, err := net.Listen("tcp", r.opts.Addr)
	if err != nil {
		return // the terminal has the errors
	}
	var page bytes.Buffer
	_ = buildErrorPage.Execute(&page, string(out))
	r.page = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(page.Bytes())
	})}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(r.page)
}
