package middleware_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web/middleware"
)

// multipartBody is a form with a field and a file of size bytes.
func multipartBody(t *testing.T, size int) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("title", "report"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "report.txt")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte("x"), size))
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func TestForms(t *testing.T) {
	limits := middleware.FormLimits{MaxMemory: 100, MaxFields: 5, MaxFileMemory: 50, MaxUpload: 2000}
	h := middleware.Forms(limits)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		file := ""
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File["file"]; len(fhs) == 1 {
				file = fmt.Sprint(fhs[0].Size)
			}
		}
		fmt.Fprintf(w, "a=%s title=%s file=%s body=%s", r.FormValue("a"), r.FormValue("title"), file, body)
	}))
	smallCT, small := multipartBody(t, 500)
	bigCT, big := multipartBody(t, 5000)
	cases := []struct {
		name, method, target, contentType, body string
		status                                  int
		want                                    string
	}{
		{"form", "POST", "/", "application/x-www-form-urlencoded", "a=1&b=2", 200, "a=1 title= file= body="},
		{"form too large", "POST", "/", "application/x-www-form-urlencoded", "a=" + strings.Repeat("x", 200), 413, "The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (100 bytes)."},
		{"too many fields", "POST", "/?q=1&r=2", "application/x-www-form-urlencoded", "a=1&b=2&c=3&d=4", 400, "The number of GET/POST parameters exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS (5)."},
		{"too many in the query", "GET", "/?a=1&a=2&a=3&a=4&a=5&a=6", "", "", 400, "DATA_UPLOAD_MAX_NUMBER_FIELDS (5)"},
		{"a query within", "GET", "/?a=1", "", "", 200, "a=1"},
		{"malformed form", "POST", "/", "application/x-www-form-urlencoded", "a=%zz", 400, "The form could not be read."},
		{"upload", "POST", "/", smallCT, small.String(), 200, "title=report file=500"},
		{"upload too large", "POST", "/", bigCT, big.String(), 413, "The request body is larger than the upload limit (2000 bytes)."},
		{"broken multipart", "POST", "/", "multipart/form-data; boundary=x", "--y\r\nnope", 400, "The form could not be read."},
		{"JSON passes untouched", "POST", "/", "application/json", `{"a": 1}`, 200, `body={"a": 1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("%d %q; want %d with %q", rec.Code, rec.Body, c.status, c.want)
			}
		})
	}
}

// An upload beyond MaxFileMemory goes to a temporary file, which is gone
// once the response is sent.
func TestFormsTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // multipart writes to os.TempDir: cannot be parallel
	var during []os.DirEntry
	h := middleware.Forms(middleware.FormLimits{MaxFileMemory: 10})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		during, _ = os.ReadDir(dir)
		fmt.Fprint(w, len(r.MultipartForm.File["file"]))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	ct, body := multipartBody(t, 10000)
	resp, err := http.Post(srv.URL, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	srv.Close() // waits for the handler's end, and net/http's cleanup
	after, _ := os.ReadDir(dir)
	if string(got) != "1" || len(during) == 0 || len(after) != 0 {
		t.Errorf("got %q; temporary files during %d, after %d", got, len(during), len(after))
	}
}
