package web_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nuages-go/nuages/web"
)

// serve starts s on a free port of 127.0.0.1; the channel receives what
// Serve returns.
func serve(t *testing.T, ctx context.Context, s *web.Server) (addr string, done <-chan error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- s.Serve(ctx, l) }()
	return l.Addr().String(), ch
}

// TestServer_GracefulShutdown: a request in flight when the shutdown
// begins gets its whole response; new connections are refused; Serve
// returns nil.
func TestServer_GracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first half, ")
		close(started)
		<-release
		io.WriteString(w, "second half")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := serve(t, ctx, &web.Server{Handler: handler, Logger: quiet})

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	cancel()

	// The listener closes as the shutdown begins: wait for new
	// connections to be refused, while the request is still in flight.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections are still accepted 5s after the shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v before the request in flight finished", err)
	default:
	}

	close(release)
	r := <-got
	if r.err != nil || r.status != 200 || r.body != "first half, second half" {
		t.Errorf("the request in flight: status %d, body %q, error %v; want 200 %q", r.status, r.body, r.err, "first half, second half")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request finished")
	}
}

// TestServer_ShutdownTimeout: a request that never ends is cut off after
// ShutdownTimeout, and Serve says so.
func TestServer_ShutdownTimeout(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	ctx, cancel := context.WithCancel(context.Background())
	addr, done := serve(t, ctx, &web.Server{Handler: handler, Logger: quiet, ShutdownTimeout: 100 * time.Millisecond})
	clientErr := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	<-started
	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "still in flight after 100ms") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Serve returned %v, want the shutdown timeout", err)
		}
		if d := time.Since(begin); d < 100*time.Millisecond {
			t.Errorf("Serve returned after %v, before ShutdownTimeout", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after ShutdownTimeout")
	}
	if err := <-clientErr; err == nil {
		t.Error("the request cut off got a response")
	}
}

func TestServer_Errors(t *testing.T) {
	if err := (&web.Server{Addr: "127.0.0.1:0"}).ListenAndServe(context.Background()); err == nil || err.Error() != "web: Server has no Handler" {
		t.Errorf("no handler: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = (&web.Server{Addr: l.Addr().String(), Handler: http.NotFoundHandler(), Logger: quiet}).ListenAndServe(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "web: listen tcp") {
		t.Errorf("address in use: %v", err)
	}
}

// TestServer_Timeouts: a client that sends its headers too slowly is cut
// off (the defaults are production's; here a short one).
func TestServer_Timeouts(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, _ := serve(t, ctx, &web.Server{Handler: http.NotFoundHandler(), Logger: quiet, ReadHeaderTimeout: 50 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Errorf("the slow client was not cut off: %v", err)
	}
}

// The server of a project: it serves until SIGINT (Ctrl-C) or SIGTERM
// (a deployment stopping it), then lets the requests in flight finish.
func ExampleServer() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "Hello") })

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	srv := &web.Server{Addr: ":8000", Handler: mux}
	if err := srv.ListenAndServe(ctx); err != nil {
		os.Exit(1)
	}
}
