package nuages

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/nuages-go/nuages/internal/autoreload"
	"github.com/nuages-go/nuages/staticfiles"
)

var welcomePage = template.Must(template.New("welcome").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nuages: the install worked successfully!</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
main{max-width:40em;margin:10vh auto;padding:0 1.5em;text-align:center}
.cloud{font-size:5em;line-height:1}h1{font-weight:600;margin:.3em 0}
p{color:#4b5563}code{background:#e5e7eb;padding:.1em .3em;border-radius:3px}
</style></head><body><main>
<div class="cloud" aria-hidden="true">☁️</div>
<h1>The install worked successfully! Congratulations!</h1>
<p>You are seeing this page because <code>Debug</code> is on and your project has no URLs yet.
Add some in <code>Settings.URLs</code> (your project's <code>urls.go</code>).</p>
<p>Nuages {{.}}</p>
</main></body></html>
`))

// welcome is the page of a new project, Django's rocket.
func welcome(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = welcomePage.Execute(w, Version)
}

// runServer serves the site on the address until the context ends (SIGINT
// or SIGTERM), letting requests in flight finish.
func runServer(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) > 1 {
		return Usagef("runserver takes at most one address, got %q", inv.Args)
	}
	addr := "127.0.0.1:8000"
	if len(inv.Args) == 1 {
		var err error
		if addr, err = serverAddr(inv.Args[0]); err != nil {
			return Usagef("%v", err)
		}
	}
	if inv.Bool("migrate") {
		if code := inv.Project.Run(ctx, []string{inv.Program, "migrate"}, inv.IO); code != ExitOK {
			return &ExitError{Code: code}
		}
	}
	if !inv.Bool("noreload") {
		err := autoreload.Run(ctx, autoreload.Options{Args: []string{"runserver", "-noreload", addr}, Addr: addr, Out: inv.Out, Err: inv.Err})
		var exit *autoreload.ChildExitError
		switch {
		case errors.As(err, &exit):
			return &ExitError{Code: exit.Code}
		case !errors.Is(err, autoreload.ErrUnavailable):
			return err
		}
	}
	p := inv.Project
	msgs, silenced := p.Check(ctx, CheckOptions{})
	fmt.Fprintln(inv.Out, "Performing system checks...")
	report(inv.Out, msgs, silenced)
	h, err := p.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot serve on %s: %w", addr, err)
	}
	fmt.Fprintf(inv.Out, "\n%s\nNuages version %s\nStarting development server at http://%s/\nQuit the server with CONTROL-C.\n",
		time.Now().Format("January 02, 2006 - 15:04:05"), Version, ln.Addr())
	return serve(ctx, h, ln, p.logger)
}

// serve serves h on ln until ctx ends, then lets the requests in flight
// finish (for at most 30 seconds).
func serve(ctx context.Context, h http.Handler, ln net.Listener, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stopping the server: %w", err)
	}
	return nil
}

// serverAddr reads runserver's address: "8000", "0.0.0.0:8000", "[::1]:8000".
func serverAddr(s string) (string, error) {
	if !strings.Contains(s, ":") {
		s = "127.0.0.1:" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a port or an address:port", s)
	}
	if n, err := net.LookupPort("tcp", port); err != nil || n == 0 {
		return "", fmt.Errorf("%q is not a valid port number", port)
	}
	return net.JoinHostPort(host, port), nil
}

func runserverCommand() *Command {
	return &Command{
		Name:    "runserver",
		Summary: "Serve the site for development, rebuilding and restarting it when files change.",
		Usage:   "[addr:port]",
		Flags: func(fs *flag.FlagSet) {
			fs.Bool("noreload", false, "do not watch the files and restart")
			fs.Bool("migrate", false, "apply the migrations first")
		},
		Run: runServer,
	}
}

func collectstaticCommand() *Command {
	return &Command{
		Name:    "collectstatic",
		Summary: "Copy the static files into StaticRoot, with content-hashed names and a manifest.",
		Flags: func(fs *flag.FlagSet) {
			fs.Bool("noinput", false, "do not ask for confirmation")
			fs.Bool("dry-run", false, "say what would be done, and do nothing")
			fs.Bool("clear", false, "delete the files in StaticRoot first")
			fs.String("ignore", "", "also ignore these comma-separated glob patterns")
			fs.Int("verbosity", 1, "2 lists every file")
		},
		Run: runCollectStatic,
	}
}

func runCollectStatic(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) > 0 {
		return Usagef("collectstatic takes no arguments, got %q", inv.Args)
	}
	st, err := inv.Project.StaticFiles()
	if err != nil {
		return err
	}
	root := inv.Project.settings.StaticRoot
	if !inv.Bool("noinput") && !inv.Bool("dry-run") {
		action := "Existing files will be overwritten!"
		if inv.Bool("clear") {
			action = "This will DELETE ALL FILES in this location!"
		}
		fmt.Fprintf(inv.Out, "You have requested to collect static files at the destination location as specified in your settings:\n\n    %s\n\n%s\nAre you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: ", root, action)
		var answer string
		if _, err := fmt.Fscanln(inv.In, &answer); err != nil || answer != "yes" {
			return errors.New("collecting static files cancelled")
		}
	}
	_, err = st.Collect(ctx, staticfiles.CollectOptions{
		Out: inv.Out, Verbose: inv.Int("verbosity") >= 2, DryRun: inv.Bool("dry-run"), Clear: inv.Bool("clear"), Ignore: splitList(inv.String("ignore")),
	})
	return err
}
