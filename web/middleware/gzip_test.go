package middleware_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web/middleware"
)

func TestGzip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Nuages, Django's batteries in Go. ", 20) // 680 bytes
	short := "hello"
	cases := []struct {
		name     string
		method   string
		accept   string
		ctype    string // "" for none (sniffed)
		body     string
		status   int
		setup    func(h http.Header)
		gzipped  bool
		vary     bool
		wantETag string
	}{
		{name: "html", accept: "gzip, deflate, br", ctype: "text/html; charset=utf-8", body: long, gzipped: true, vary: true},
		{name: "json", accept: "gzip", ctype: "application/json", body: long, gzipped: true, vary: true},
		{name: "problem_json", accept: "gzip", ctype: "application/problem+json", body: long, gzipped: true, vary: true},
		{name: "javascript", accept: "gzip", ctype: "text/javascript", body: long, gzipped: true, vary: true},
		{name: "svg", accept: "gzip", ctype: "image/svg+xml", body: long, gzipped: true, vary: true},
		{name: "sniffed_text", accept: "gzip", body: long, gzipped: true, vary: true},
		{name: "x_gzip", accept: "x-gzip", ctype: "text/plain", body: long, gzipped: true, vary: true},
		{name: "q_zero", accept: "gzip;q=0, deflate", ctype: "text/plain", body: long, vary: true},
		{name: "q_half", accept: "deflate, gzip;q=0.5", ctype: "text/plain", body: long, gzipped: true, vary: true},
		{name: "not_accepted", accept: "br", ctype: "text/plain", body: long, vary: true},
		{name: "no_accept", ctype: "text/plain", body: long, vary: true},
		{name: "short", accept: "gzip", ctype: "text/plain", body: short},
		{name: "exactly_199", accept: "gzip", ctype: "text/plain", body: long[:199]},
		{name: "exactly_200", accept: "gzip", ctype: "text/plain", body: long[:200], gzipped: true, vary: true},
		{name: "png", accept: "gzip", ctype: "image/png", body: long},
		{name: "already_encoded", accept: "gzip", ctype: "text/plain", body: long, setup: func(h http.Header) { h.Set("Content-Encoding", "br") }},
		{name: "no_content", accept: "gzip", ctype: "text/plain", status: 204},
		{name: "partial", accept: "gzip", ctype: "text/plain", body: long, status: 206},
		{name: "head", method: "HEAD", accept: "gzip", ctype: "text/plain", body: long},
		{name: "error_page", accept: "gzip", ctype: "text/html", body: long, status: 500, gzipped: true, vary: true},
		{name: "content_length_known", accept: "gzip", ctype: "text/plain", body: long, gzipped: true, vary: true,
			setup: func(h http.Header) { h.Set("Content-Length", strconv.Itoa(len(long))) }},
		{name: "content_length_short", accept: "gzip", ctype: "text/plain", body: short,
			setup: func(h http.Header) { h.Set("Content-Length", "5") }},
		{name: "strong_etag_weakened", accept: "gzip", ctype: "text/plain", body: long, gzipped: true, vary: true,
			setup: func(h http.Header) { h.Set("ETag", `"v1"`) }, wantETag: `W/"v1"`},
		{name: "weak_etag_kept", accept: "gzip", ctype: "text/plain", body: long, gzipped: true, vary: true,
			setup: func(h http.Header) { h.Set("ETag", `W/"v1"`) }, wantETag: `W/"v1"`},
		{name: "etag_kept_uncompressed", ctype: "text/plain", body: long, vary: true,
			setup: func(h http.Header) { h.Set("ETag", `"v1"`) }, wantETag: `"v1"`},
		{name: "vary_merged", accept: "gzip", ctype: "text/plain", body: long, gzipped: true, vary: true,
			setup: func(h http.Header) { h.Set("Vary", "Cookie") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := middleware.Gzip(gzip.DefaultCompression)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.ctype != "" {
					w.Header().Set("Content-Type", c.ctype)
				}
				w.Header().Set("Accept-Ranges", "bytes")
				if c.setup != nil {
					c.setup(w.Header())
				}
				if c.status != 0 {
					w.WriteHeader(c.status)
				}
				// In pieces, as templates write.
				for i := 0; i < len(c.body); i += 64 {
					io.WriteString(w, c.body[i:min(i+64, len(c.body))])
				}
			}))
			method := c.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, "/", nil)
			if c.accept != "" {
				req.Header.Set("Accept-Encoding", c.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			hdr := rec.Header()
			if gz := hdr.Get("Content-Encoding") == "gzip"; gz != c.gzipped {
				t.Fatalf("gzipped %v, want %v (headers %v)", gz, c.gzipped, hdr)
			}
			body := rec.Body.String()
			if c.gzipped {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				if zr.Name != strings.Repeat("a", len(zr.Name)) || len(zr.Name) >= 100 {
					t.Errorf("the padding is %q", zr.Name)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
				if hdr.Get("Content-Length") != "" || hdr.Get("Accept-Ranges") != "" {
					t.Errorf("Content-Length %q, Accept-Ranges %q on a compressed response", hdr.Get("Content-Length"), hdr.Get("Accept-Ranges"))
				}
			}
			if method != "HEAD" && body != c.body {
				t.Errorf("body %q, want %q", body, c.body)
			}
			vary := strings.Join(hdr["Vary"], ", ")
			if strings.Contains(vary, "Accept-Encoding") != c.vary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", vary, c.vary)
			}
			if c.name == "vary_merged" && vary != "Cookie, Accept-Encoding" {
				t.Errorf("Vary %q, want both", vary)
			}
			if c.wantETag != "" && hdr.Get("ETag") != c.wantETag {
				t.Errorf("ETag %q, want %q", hdr.Get("ETag"), c.wantETag)
			}
			if c.status != 0 && rec.Code != c.status {
				t.Errorf("status %d, want %d", rec.Code, c.status)
			}
		})
	}
}

// A flushed response streams: each flush reaches the client, decodable
// so far.
func TestGzip_Flush(t *testing.T) {
	next := make(chan struct{})
	h := middleware.Gzip(gzip.BestSpeed)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 1\n\n")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		<-next
		io.WriteString(w, "data: 2\n\n")
		w.(http.Flusher).Flush()
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport then leaves the body compressed
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 9)
	if _, err := io.ReadFull(zr, first); err != nil || string(first) != "data: 1\n\n" {
		t.Fatalf("before the second event: %q, %v", first, err)
	}
	close(next)
	rest, err := io.ReadAll(zr)
	if err != nil || string(rest) != "data: 2\n\n" {
		t.Errorf("the rest: %q, %v", rest, err)
	}
}

func TestGzip_BadLevel(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "middleware: Gzip(42)") {
			t.Errorf("panic %v", v)
		}
	}()
	middleware.Gzip(42)
}

// Writers go back to the pool and serve other responses correctly.
func TestGzip_Reuse(t *testing.T) {
	h := middleware.Gzip(gzip.BestSpeed)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, strings.Repeat(r.URL.Path, 100))
	}))
	for _, p := range []string{"/a", "/bb", "/ccc", "/a"} {
		req := httptest.NewRequest("GET", p, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(b, []byte(strings.Repeat(p, 100))) {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
}
