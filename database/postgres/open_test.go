package postgres

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// These tests need no PostgreSQL server: they check that Open fails
// clearly, and never with the password in the error's text.

const secret = "s3cr3t-Pa55"

func TestOpen_ErrorsHideThePassword(t *testing.T) {
	t.Parallel()
	closed := listenAndClose(t)
	tests := []struct {
		name string
		url  string
		want string // a part of the error's text
	}{
		{"bad_sslmode", "postgres://app:" + secret + "@127.0.0.1:5432/db?sslmode=bogus", "sslmode is invalid"},
		{"bad_connect_timeout", "postgres://app:" + secret + "@127.0.0.1:5432/db?connect_timeout=soon", "invalid connect_timeout"},
		{"bad_port_option", "postgres://127.0.0.1/db?port=x&password=" + secret, "invalid port"},
		{"closed_port", "postgres://app:" + secret + "@127.0.0.1:1/db?sslmode=disable", "127.0.0.1:1"},
		{"closed_port_query_password", "postgres://" + closed + "/db?sslmode=disable&user=app&password=" + secret, "connect"},
		{"wrong_password", "postgres://app:" + secret + "@" + fakeServer(t, "password authentication failed for user \"app\"") + "/db?sslmode=disable", "password authentication failed"},
		// A server (or a proxy) that echoes the password must not leak it
		// either: Open masks it.
		{"echoed_password", "postgres://app:" + secret + "@" + fakeServer(t, "bad password "+secret) + "/db?sslmode=disable", "bad password xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			db, dia, err := Engine{}.Open(ctx, u)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded with dialect %v, want an error", tt.url, dia)
			}
			t.Log(err)
			if msg := err.Error(); strings.Contains(msg, secret) {
				t.Errorf("error holds the password: %s", msg)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "postgres: ") {
				t.Errorf("error = %v, want it to start with postgres: ", err)
			}
		})
	}
}

func TestOpen_HonoursContext(t *testing.T) {
	t.Parallel()
	// A server that accepts connections and never answers: Open must give
	// up when its context does, well before the connect timeout.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	u, _ := url.Parse("postgres://app:" + secret + "@" + ln.Addr().String() + "/db?sslmode=disable")
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = Engine{}.Open(ctx, u)
	if err == nil {
		t.Fatal("Open succeeded against a silent server")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Open took %v, want it to stop with its context (300ms)", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want it to match context.DeadlineExceeded", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error holds the password: %s", err)
	}
}

func TestRedact(t *testing.T) {
	base := context.DeadlineExceeded
	err := redact(&wrapErr{"dial postgres://u:" + url.QueryEscape("p@ss w") + "@h: p@ss w", base}, "p@ss w")
	if got, want := err.Error(), "dial postgres://u:xxxxx@h: xxxxx"; got != want {
		t.Errorf("redacted = %q, want %q", got, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("a redacted error must still match its chain with errors.Is")
	}
	var w *wrapErr
	if errors.As(err, &w) {
		t.Error("a redacted error must not let errors.As reach the unmasked error")
	}
	plain := errors.New("no secret here")
	if got := redact(plain, "p@ss w"); got != plain {
		t.Errorf("redact changed an error without the password: %v", got)
	}
}

type wrapErr struct {
	msg string
	err error
}

func (e *wrapErr) Error() string { return e.msg }
func (e *wrapErr) Unwrap() error { return e.err }

// listenAndClose returns the address of a port that was just closed.
func listenAndClose(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// fakeServer starts a server that speaks just enough of PostgreSQL's
// protocol to ask for a password and reject it with message, as a server
// with password authentication does, and returns its address.
func fakeServer(t *testing.T, message string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				b := pgproto3.NewBackend(c, c)
				if _, err := b.ReceiveStartupMessage(); err != nil {
					return
				}
				b.Send(&pgproto3.AuthenticationCleartextPassword{})
				if b.Flush() != nil || b.SetAuthType(pgproto3.AuthTypeCleartextPassword) != nil {
					return
				}
				if _, err := b.Receive(); err != nil {
					return
				}
				b.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "28P01", Message: message})
				b.Flush()
			}()
		}
	}()
	return ln.Addr().String()
}
