package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
)

// Error is an error that answers with an HTTP status. Message is shown to
// the client, also in production, so it must hold nothing internal; Err,
// the cause, is only logged and shown on the Debug page.
type Error struct {
	Status  int
	Message string // default: the status text
	Err     error
	allow   []string // a 405's Allow header
	tried   []string // a router's 404 with Debug: the routes tried
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("web: %d %s", e.Status, e.text())
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// text is what the client reads.
func (e *Error) text() string {
	if e.Message != "" {
		return e.Message
	}
	return http.StatusText(e.Status)
}

// BadRequest (400), Forbidden (403), NotFound (404) and Gone (410) are
// errors a handler returns to answer with that status; msg, shown to the
// client, may be "" for the status text.
func BadRequest(msg string) error { return &Error{Status: http.StatusBadRequest, Message: msg} }

// Forbidden is a 403: Django's PermissionDenied.
func Forbidden(msg string) error { return &Error{Status: http.StatusForbidden, Message: msg} }

// NotFound is a 404: Django's Http404.
func NotFound(msg string) error { return &Error{Status: http.StatusNotFound, Message: msg} }

// Gone is a 410.
func Gone(msg string) error { return &Error{Status: http.StatusGone, Message: msg} }

// MethodNotAllowed is a 405 whose Allow header lists allowed.
func MethodNotAllowed(allowed ...string) error {
	return &Error{Status: http.StatusMethodNotAllowed, allow: allowed}
}

// PanicError is a panic recovered while serving a request, with the stack
// of the goroutine that panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic's value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// HandlerFunc is a handler that returns its error instead of writing it,
// as Django's views raise: the error becomes a response in one place, the
// router's ErrorHandler (an *Error its status, anything else a 500).
//
//	func detail(w http.ResponseWriter, r *http.Request) error {
//		q, err := orm.Query[Question](db).Filter("pk", web.Param[int](r, "id")).Get(r.Context())
//		if errors.Is(err, orm.ErrDoesNotExist) {
//			return web.NotFound("No such question.")
//		}
//		...
//	}
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and hands its error to ServeError.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{ResponseWriter: w}
	if err := f(tw, r); err != nil {
		ServeError(tw, r, err)
	}
}

// trackingWriter notes whether the response has started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	if code >= 200 {
		t.wrote = true
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// ResponseStarted reports whether the response has sent its status, so
// that an ErrorHandler can only log. It asks the writer, or the writers it
// wraps (through Unwrap), for a ResponseStarted() bool method: a
// HandlerFunc's writer has one, and so do web/middleware's.
func ResponseStarted(w http.ResponseWriter) bool {
	for w != nil {
		if s, ok := w.(interface{ ResponseStarted() bool }); ok {
			return s.ResponseStarted()
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

// ResponseStarted reports whether the status is sent.
func (t *trackingWriter) ResponseStarted() bool { return t.wrote }

// Unwrap lets http.ResponseController reach the Flusher and Hijacker.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// ErrorHandler turns an error into a response.
type ErrorHandler interface {
	ServeError(w http.ResponseWriter, r *http.Request, err error)
}

// ServeError answers r with err through ErrorHandlerOf(r), or a plain
// *Errors when there is none: for middleware and handlers that write
// their own errors.
func ServeError(w http.ResponseWriter, r *http.Request, err error) {
	if h := ErrorHandlerOf(r); h != nil {
		h.ServeError(w, r, err)
		return
	}
	(&Errors{}).ServeError(w, r, err)
}

// ErrorHandlerOf returns the ErrorHandler of r: the router's that routed
// it, or the one WithErrors set for the middleware before the router; nil
// if none.
func ErrorHandlerOf(r *http.Request) ErrorHandler {
	if m := MatchOf(r); m != nil {
		return m.router.errors
	}
	h, _ := r.Context().Value(errorsKey{}).(ErrorHandler)
	return h
}

type errorsKey struct{}

// WithErrors makes h answer the errors of the middleware below it, which
// run before any router: put it first in the chain, with the router's
// ErrorHandler, so that one place answers every error of the site.
func WithErrors(h ErrorHandler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), errorsKey{}, h)))
		})
	}
}

// recoverPanic turns a handler's panic into a 500 (http.ErrAbortHandler
// goes on up, as net/http wants).
func (rt *Router) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	rt.errors.ServeError(w, r, &PanicError{Value: v, Stack: debug.Stack()})
}

// Errors is the default ErrorHandler, Django's handling of exceptions: an
// *Error answers with its status and message; a canceled request with
// nothing; anything else is a 500 whose cause is logged, never shown
// unless Debug. With Debug, the technical pages; without, Page.
type Errors struct {
	Debug bool
	// Logger receives the 5xx at Error level and the 4xx at Warn, as
	// Django's django.request logger; slog.Default() when nil.
	Logger *slog.Logger
	// Page writes the production page of a status (the project's
	// 404.html, 500.html templates); when nil or failing, a plain built-in
	// page. msg is the *Error's message for a 4xx, "" for a 5xx.
	Page func(w http.ResponseWriter, r *http.Request, status int, msg string) error
	// Settings are shown on the Debug 500 page, with the values of names
	// like KEY, SECRET, PASSWORD or TOKEN masked.
	Settings func() map[string]any
}

// ServeError writes the response for err.
func (e *Errors) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away: nobody to answer
	}
	he := asHTTPError(err)
	log := logger(e.Logger)
	if ResponseStarted(w) {
		// Too late for an error page: the status is sent.
		log.ErrorContext(r.Context(), "error after the response started", "method", r.Method, "path", r.URL.Path, "error", err)
		return
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", he.Status, "error", err}
	if he.Status >= 500 {
		if p, ok := errors.AsType[*PanicError](err); ok {
			attrs = append(attrs, "stack", string(p.Stack))
		}
		log.ErrorContext(r.Context(), "server error", attrs...)
	} else {
		log.WarnContext(r.Context(), http.StatusText(he.Status), attrs...)
	}
	h := w.Header()
	if len(he.allow) > 0 {
		h.Set("Allow", strings.Join(he.allow, ", "))
	}
	// The failed response's representation is not the error page's.
	for _, name := range []string{"Content-Length", "Content-Encoding", "Content-Disposition", "Content-Range", "Content-Language", "ETag", "Last-Modified", "Accept-Ranges"} {
		h.Del(name)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if e.Debug {
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(he.Status)
		if r.Method != http.MethodHead {
			writeDebugPage(w, r, he, err, e.Settings)
		}
		return
	}
	msg := ""
	if he.Status < 500 && he.Message != "" {
		msg = he.Message
	}
	if e.Page != nil {
		if e.Page(w, r, he.Status, msg) == nil {
			return
		}
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(he.Status)
	if r.Method != http.MethodHead {
		writePlainPage(w, he.Status, msg)
	}
}

// asHTTPError is err's *Error, or a 500 (413 for a body over its limit).
func asHTTPError(err error) *Error {
	if he, ok := errors.AsType[*Error](err); ok {
		return he
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &Error{Status: http.StatusRequestEntityTooLarge, Message: "The request body is too large.", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Err: err}
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
