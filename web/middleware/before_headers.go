package middleware

import (
	"io"
	"net/http"
)

// BeforeHeaders wraps w so that hook runs once, just before the response's
// status and headers are sent: at the handler's first WriteHeader, Write,
// ReadFrom or Flush, or when finish is called if the handler wrote
// nothing. It is how a middleware sets a cookie or a header that depends
// on what the handler did (Django's process_response), without buffering
// the body.
//
// hook gets the status about to be sent and may change w's headers. When
// it returns false, it has written a response of its own (an error page)
// on w: the status is not sent and what the handler writes afterwards is
// discarded. Call finish after the handler returns.
func BeforeHeaders(w http.ResponseWriter, hook func(status int) bool) (wrapped http.ResponseWriter, finish func()) {
	hw := &hookWriter{ResponseWriter: w, hook: hook}
	return hw, func() { hw.fire(http.StatusOK) }
}

type hookWriter struct {
	http.ResponseWriter
	hook    func(status int) bool
	fired   bool
	discard bool
}

// fire runs the hook the first time; it reports whether the handler's
// response goes on.
func (hw *hookWriter) fire(status int) bool {
	if !hw.fired {
		hw.fired = true
		hw.discard = !hw.hook(status)
	}
	return !hw.discard
}

// ResponseStarted tells web.ResponseStarted whether the headers are sent.
func (hw *hookWriter) ResponseStarted() bool { return hw.fired }

func (hw *hookWriter) WriteHeader(code int) {
	if code < 200 { // informational: the final status comes later
		if !hw.fired {
			hw.ResponseWriter.WriteHeader(code)
		}
		return
	}
	if hw.fire(code) {
		hw.ResponseWriter.WriteHeader(code)
	}
}

func (hw *hookWriter) Write(b []byte) (int, error) {
	if !hw.fire(http.StatusOK) {
		return len(b), nil
	}
	return hw.ResponseWriter.Write(b)
}

func (hw *hookWriter) WriteString(s string) (int, error) {
	if !hw.fire(http.StatusOK) {
		return len(s), nil
	}
	return io.WriteString(hw.ResponseWriter, s)
}

// ReadFrom keeps net/http's sendfile path (see responseWriter.ReadFrom).
func (hw *hookWriter) ReadFrom(src io.Reader) (int64, error) {
	if !hw.fire(http.StatusOK) {
		return io.Copy(io.Discard, src)
	}
	return io.Copy(hw.ResponseWriter, src)
}

func (hw *hookWriter) Flush() { hw.FlushError() }

func (hw *hookWriter) FlushError() error {
	if !hw.fire(http.StatusOK) {
		return nil
	}
	return http.NewResponseController(hw.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the writer below.
func (hw *hookWriter) Unwrap() http.ResponseWriter { return hw.ResponseWriter }

var (
	_ http.Flusher    = (*hookWriter)(nil)
	_ io.ReaderFrom   = (*hookWriter)(nil)
	_ io.StringWriter = (*hookWriter)(nil)
)
