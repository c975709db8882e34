package nuages

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/web"
)

func TestParseInterleaved(t *testing.T) {
	cases := []struct {
		args       []string
		positional string
		noreload   bool
		name       string
	}{
		{[]string{"8000", "-noreload"}, "[8000]", true, ""},
		{[]string{"-noreload", "8000"}, "[8000]", true, ""},
		{[]string{"--noreload", "a", "-name", "x", "b"}, "[a b]", true, "x"},
		{[]string{"a", "--", "-noreload"}, "[a -noreload]", false, ""},
		{[]string{}, "[]", false, ""},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		noreload := fs.Bool("noreload", false, "")
		name := fs.String("name", "", "")
		got, err := parseInterleaved(fs, c.args)
		if err != nil || fmt.Sprint(got) != c.positional || *noreload != c.noreload || *name != c.name {
			t.Errorf("%q: %q %v noreload=%v name=%q", c.args, got, err, *noreload, *name)
		}
	}
}

func TestServerAddr(t *testing.T) {
	cases := map[string]string{
		"8000": "127.0.0.1:8000", "0.0.0.0:8080": "0.0.0.0:8080", "[::1]:9000": "[::1]:9000", ":8000": ":8000",
		"eighty": "error", "127.0.0.1:99999": "error", "1.2.3.4:": "error", "0": "error",
	}
	for in, want := range cases {
		got, err := serverAddr(in)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("serverAddr(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	get := func(h http.Handler, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+path, nil))
		return rec.Code, rec.Body.String()
	}
	// A new project, in Debug: the welcome page.
	h, err := newProject(t, devSettings(t)).Handler()
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(h, "/"); code != 200 || !strings.Contains(body, "The install worked successfully!") {
		t.Errorf("welcome: %d %s", code, body)
	}
	// Without Debug, no welcome page: a 404 that says nothing.
	s := devSettings(t)
	s.Debug, s.SecretKey = false, "a-real-secret-key-of-some-length-0123456789"
	s.AllowedHosts = []string{"localhost"}
	h, err = newProject(t, s).Handler()
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(h, "/"); code != 404 || strings.Contains(body, "install") {
		t.Errorf("production without URLs: %d %s", code, body)
	}
	// The project's URLs, and the debug 404 that lists them.
	s = devSettings(t)
	s.URLs = func(p *Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("hello/<slug:name>/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			_, err := fmt.Fprintf(w, "hello %s", web.Param[string](r, "name"))
			return err
		}), "hello")}, nil
	}
	h, err = newProject(t, s).Handler()
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(h, "/hello/world/"); code != 200 || body != "hello world" {
		t.Errorf("hello: %d %s", code, body)
	}
	if code, body := get(h, "/nope/"); code != 404 || !strings.Contains(body, "hello/&lt;slug:name&gt;/ [name=&#39;hello&#39;]") {
		t.Errorf("debug 404: %d %s", code, body)
	}
	s.URLs = func(*Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("<nope:x>/", http.NotFoundHandler(), "")}, nil
	}
	if _, err := newProject(t, s).Handler(); err == nil || !strings.Contains(err.Error(), `nuages: the URLs: web: route "<nope:x>/" uses the unknown converter "nope"`) {
		t.Errorf("bad URLs: %v", err)
	}
	s.URLs = func(*Project) ([]web.Pattern, error) { return nil, errors.New("no database") }
	if _, err := newProject(t, s).Handler(); err == nil || err.Error() != "nuages: the URLs: no database" {
		t.Errorf("failing URLs: %v", err)
	}
}

// runserver -noreload serves the site until its context ends, and lets a
// request in flight finish.
func TestRunServerNoReload(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	started, release := make(chan struct{}), make(chan struct{})
	s := devSettings(t)
	s.URLs = func(p *Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("slow/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-release
			io.WriteString(w, "done")
		}), "")}, nil
	}
	p := newProject(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut strings.Builder
	exited := make(chan int)
	go func() {
		exited <- p.Run(ctx, []string{"mysite", "runserver", addr, "--noreload"}, IO{In: strings.NewReader(""), Out: &out, Err: &errOut})
	}()
	// The server starts in the background: poll until it answers.
	var resp *http.Response
	for range 100 {
		if resp, err = http.Get("http://" + addr + "/nope/"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the server never answered: %v\n%s%s", err, out.String(), errOut.String())
	}
	resp.Body.Close()
	slow := make(chan string)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow/")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- fmt.Sprint(resp.StatusCode, " ", string(b))
	}()
	<-started // the slow request is in flight
	cancel()
	// The listener closes as the shutdown begins: wait for new connections
	// to be refused, while the request is still in flight.
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if i == 500 {
			t.Fatal("new connections are still accepted 5s after the shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case code := <-exited:
		t.Fatalf("runserver exited (%d) with a request in flight", code)
	default:
	}
	close(release)
	if got := <-slow; got != "200 done" {
		t.Errorf("the request in flight got %q", got)
	}
	if code := <-exited; code != 0 || !strings.Contains(out.String(), "Starting development server at http://"+addr+"/") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
