package middleware_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web/middleware"
)

func TestBeforeHeaders(t *testing.T) {
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter)
		refuse  bool // the hook writes its own 500
		status  int  // what the hook saw; 0: it never ran
		code    int
		body    string
	}{
		{"write", func(w http.ResponseWriter) { io.WriteString(w, "hello") }, false, 200, 200, "hello"},
		{"write header", func(w http.ResponseWriter) { w.WriteHeader(201); w.Write([]byte("made")) }, false, 201, 201, "made"},
		{"nothing written", func(w http.ResponseWriter) {}, false, 200, 200, ""},
		{"flush", func(w http.ResponseWriter) { w.(http.Flusher).Flush(); io.WriteString(w, "x") }, false, 200, 200, "x"},
		{"read from", func(w http.ResponseWriter) { io.Copy(w, strings.NewReader("copied")) }, false, 200, 200, "copied"},
		{"refused", func(w http.ResponseWriter) { w.WriteHeader(200); io.WriteString(w, "secret") }, true, 200, 500, "hook failed\n"},
		{"refused, nothing written", func(w http.ResponseWriter) {}, true, 200, 500, "hook failed\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			runs, seen := 0, 0
			w, finish := middleware.BeforeHeaders(rec, func(status int) bool {
				runs++
				seen = status
				if rec.Code != 200 || rec.Flushed || rec.Body.Len() > 0 {
					t.Error("the hook ran after the response started")
				}
				rec.Header().Set("X-Hook", "ran")
				if c.refuse {
					http.Error(rec, "hook failed", 500)
					return false
				}
				return true
			})
			c.handler(w)
			finish()
			if runs != 1 || seen != c.status {
				t.Errorf("the hook ran %d times, saw %d; want once, %d", runs, seen, c.status)
			}
			if rec.Code != c.code || rec.Body.String() != c.body || rec.Header().Get("X-Hook") != "ran" {
				t.Errorf("response %d %q (X-Hook %q), want %d %q", rec.Code, rec.Body, rec.Header().Get("X-Hook"), c.code, c.body)
			}
		})
	}
}
