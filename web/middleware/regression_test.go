package middleware_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web/middleware"
)

// Regression tests of the bugs a review of the web core found (each
// comment says what was wrong and what is right).

// Forms parses a multipart upload on the *http.Request it receives; when a
// middleware before it replaced the request (RequestID, web.WithErrors:
// r.WithContext, as in the project's default stack), that is a copy, and
// net/http's cleanup, which calls RemoveAll on its own request's
// MultipartForm only, never sees the form: every upload above
// MaxFileMemory leaves its temporary file behind (a disk-filling leak).
// Forms should remove the files itself once next returns:
// defer r.MultipartForm.RemoveAll().
func TestReviewFormsTemporaryFilesLeakBehindRequestID(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // multipart writes to os.TempDir: cannot be parallel
	h := middleware.Chain(middleware.RequestID, middleware.Forms(middleware.FormLimits{MaxFileMemory: 10}))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv := httptest.NewServer(h)
	defer srv.Close()
	ct, body := multipartBody(t, 10000)
	resp, err := http.Post(srv.URL, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	srv.Close() // waits for the handler and net/http's cleanup
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("status %d; %d temporary upload file(s) left in TMPDIR after the response (%s); want none", resp.StatusCode, len(left), left[0].Name())
	}
}

// With SSLRedirect and no SSLHost, SecurityHeaders redirects a plain-HTTP
// request to https:// plus whatever Host the client sent, before
// AllowedHosts (which comes after it in the project's default order) can
// refuse it: "Host: evil.example" gets a 301 to https://evil.example/,
// a redirect that a shared cache may store for the real host. Django's
// SecurityMiddleware builds the target with request.get_host(), which
// validates ALLOWED_HOSTS and answers 400 (DisallowedHost). The redirect
// should only be built for an allowed host (e.g. let the request go on to
// AllowedHosts when the host is not checked yet, or take the list).
func TestReviewSSLRedirectToDisallowedHost(t *testing.T) {
	h := middleware.Chain(
		middleware.SecurityHeaders(middleware.SecurityOptions{SSLRedirect: true}),
		middleware.AllowedHosts([]string{"example.com"}, false),
	)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	req := httptest.NewRequest("GET", "http://evil.example/account/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("Host evil.example, not allowed: %d to %q; want 400 as Django's DisallowedHost", rec.Code, rec.Header().Get("Location"))
	}
}

// If-None-Match sent as two header lines is one list (RFC 9110 section
// 5.3; WSGI joins them with ", ", so Django sees both). ConditionalGet
// reads only the first line (conditional_get.go: r.Header.Get), so a
// cache revalidating two stored variants with the second one's ETag gets
// a full 200 instead of a 304. Join r.Header.Values(...) with ", " (for
// If-Match too).
func TestReviewConditionalGetIfNoneMatchLines(t *testing.T) {
	h := middleware.ConditionalGet(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"b"`)
		io.WriteString(w, "body")
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Add("If-None-Match", `"a"`)
	req.Header.Add("If-None-Match", `"b"`)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf(`If-None-Match: "a" and If-None-Match: "b" for ETag "b": %d; want 304`, rec.Code)
	}
}

// A first write of 200 bytes or more without a Content-Type is sniffed
// from those bytes and compressed (it went out uncompressed, typed by
// net/http after the fact, because the sample held was empty).
func TestGzipSniffsALargeFirstWrite(t *testing.T) {
	page := "<!DOCTYPE html><html><body>" + strings.Repeat("<p>hello</p>", 100) + "</body></html>"
	h := middleware.Gzip(gzip.DefaultCompression)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, page)
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("headers %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || string(b) != page {
		t.Errorf("body %q, %v", b, err)
	}
}
