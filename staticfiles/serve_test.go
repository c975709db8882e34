package staticfiles_test

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages/staticfiles"
)

// get runs a request through h, as the server would parse it from target.
func get(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// collected returns a production Storage over a Root that collectstatic
// filled from site(), next to a secret file that must never be served,
// with symbolic links in Root pointing outside it and one inside.
func collected(t *testing.T) (s *staticfiles.Storage, root string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("TOP SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	root = filepath.Join(dir, "static")
	c := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
	if _, err := c.Collect(t.Context(), staticfiles.CollectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".hidden"), []byte("TOP SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"passwd":          "/etc/passwd",
		"secret.txt":      filepath.Join(dir, "secret.txt"),
		"relsecret.txt":   "../secret.txt",
		"up":              "..",
		"img/inside.png":  "bg.png",
		"css/parent.link": "../../secret.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	return mustNew(t, staticfiles.Options{Root: root}), root
}

func TestRootHandler(t *testing.T) {
	t.Parallel()
	s, root := collected(t)
	h := s.Handler()
	hashedCSS, err := s.URL("css/base.css")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := os.ReadFile(filepath.Join(root, "css", "base.css"))
	hashedBase, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(hashedCSS, "/static/"))))
	hash := strings.Split(hashedCSS, ".")[1]

	tests := []struct {
		name       string
		method     string
		target     string
		header     []string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{
			name: "hashed", method: "GET", target: hashedCSS, wantStatus: 200, wantBody: string(hashedBase),
			wantHeader: map[string]string{
				"Cache-Control":          "public, max-age=31536000, immutable",
				"ETag":                   `"` + hash + `"`,
				"Content-Type":           "text/css; charset=utf-8",
				"X-Content-Type-Options": "nosniff",
			},
		},
		{
			name: "unhashed", method: "GET", target: "/static/css/base.css", wantStatus: 200, wantBody: string(base),
			wantHeader: map[string]string{"Cache-Control": "public, max-age=60", "ETag": `"` + md5hex(string(base)) + `"`},
		},
		{
			name: "if_none_match", method: "GET", target: hashedCSS, header: []string{"If-None-Match", `"` + hash + `"`},
			wantStatus: 304, wantHeader: map[string]string{"Cache-Control": "public, max-age=31536000, immutable", "ETag": `"` + hash + `"`},
		},
		{
			name: "if_none_match_list", method: "GET", target: hashedCSS, header: []string{"If-None-Match", `"other", "` + hash + `"`},
			wantStatus: 304,
		},
		{
			name: "if_none_match_other", method: "GET", target: hashedCSS, header: []string{"If-None-Match", `"0123"`},
			wantStatus: 200, wantBody: string(hashedBase),
		},
		{
			name: "if_modified_since", method: "GET", target: "/static/css/base.css",
			header:     []string{"If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)},
			wantStatus: 304,
		},
		{
			name: "range", method: "GET", target: "/static/css/base.css", header: []string{"Range", "bytes=0-3"},
			wantStatus: 206, wantBody: string(base[:4]),
			wantHeader: map[string]string{"Content-Range": "bytes 0-3/" + strconv.Itoa(len(base))},
		},
		{
			name: "if_range_stale", method: "GET", target: "/static/css/base.css", header: []string{"Range", "bytes=0-3", "If-Range", `"stale"`},
			wantStatus: 200, wantBody: string(base),
		},
		{
			name: "head", method: "HEAD", target: hashedCSS, wantStatus: 200,
			wantHeader: map[string]string{"Content-Length": strconv.Itoa(len(hashedBase))},
		},
		{
			name: "post", method: "POST", target: hashedCSS, wantStatus: 405,
			wantHeader: map[string]string{"Allow": "GET, HEAD"}, wantBody: "405 method not allowed\n",
		},
		{name: "symlink_inside_root", method: "GET", target: "/static/img/inside.png", wantStatus: 200, wantBody: "PNG bg"},
		{name: "unknown", method: "GET", target: "/static/css/nope.css", wantStatus: 404, wantBody: "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, h, tt.method, tt.target, tt.header...)
			if w.Code != tt.wantStatus {
				t.Fatalf("%s %s: status %d, want %d (body %q)", tt.method, tt.target, w.Code, tt.wantStatus, w.Body)
			}
			if w.Body.String() != tt.wantBody {
				t.Errorf("body %q, want %q", w.Body, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
}

// traversals are requests that must never reach a file outside Root, a
// hidden file or a directory listing.
var traversals = []struct{ name, target string }{
	{"dotdot", "/static/../secret.txt"},
	{"dotdot_nested", "/static/css/../../secret.txt"},
	{"dotdot_encoded", "/static/%2e%2e/secret.txt"},
	{"dotdot_encoded_upper", "/static/%2E%2E/secret.txt"},
	{"dotdot_half_encoded", "/static/.%2e/secret.txt"},
	{"dotdot_encoded_nested", "/static/css/%2e%2e/%2e%2e/secret.txt"},
	{"dotdot_encoded_slash", "/static/..%2fsecret.txt"},
	{"dotdot_double_encoded", "/static/%252e%252e/secret.txt"},
	{"dotdot_overlong_utf8", "/static/%c0%ae%c0%ae/secret.txt"},
	{"dotdot_semicolon", "/static/..;/secret.txt"},
	{"backslash", "/static/..\\secret.txt"},
	{"backslash_encoded", "/static/..%5csecret.txt"},
	{"backslash_encoded_nested", "/static/css%5c..%5c..%5csecret.txt"},
	{"absolute", "/static//etc/passwd"},
	{"absolute_encoded", "/static/%2fetc/passwd"},
	{"windows_drive", "/static/C:%5cWindows%5cwin.ini"},
	{"nul", "/static/css/base.css%00"},
	{"nul_extension", "/static/css/base.css%00.png"},
	{"dot_element", "/static/./css/base.css"},
	{"empty_element", "/static/css//base.css"},
	{"trailing_slash", "/static/css/base.css/"},
	{"hidden_file", "/static/.hidden"},
	{"hidden_encoded", "/static/%2ehidden"},
	{"symlink_to_etc_passwd", "/static/passwd"},
	{"symlink_absolute_outside", "/static/secret.txt"},
	{"symlink_relative_outside", "/static/relsecret.txt"},
	{"symlink_dir_outside", "/static/up/secret.txt"},
	{"symlink_dir_outside_etc", "/static/up/static/passwd"},
	{"symlink_nested_outside", "/static/css/parent.link"},
	{"listing_root", "/static/"},
	{"listing_dir", "/static/css/"},
	{"dir_no_slash", "/static/css"},
	{"prefix_no_slash", "/static"},
	{"outside_prefix", "/secret.txt"},
	{"prefix_lookalike", "/staticx/css/base.css"},
}

func TestRootHandler_Traversal(t *testing.T) {
	t.Parallel()
	s, root := collected(t)
	// The fixtures are real: read naively, the links do lead out of Root.
	for _, link := range []string{"secret.txt", "relsecret.txt", "up/secret.txt", "css/parent.link"} {
		if data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(link))); err != nil || string(data) != "TOP SECRET" {
			t.Fatalf("fixture %s: %q, %v", link, data, err)
		}
	}
	h := s.Handler()
	for _, tt := range traversals {
		t.Run(tt.name, func(t *testing.T) {
			checkRefused(t, h, tt.target)
		})
	}
}

// TestRootHandler_TraversalOverTCP sends the traversal requests as raw
// bytes to a real server, so that no client cleans the paths on the way.
func TestRootHandler_TraversalOverTCP(t *testing.T) {
	t.Parallel()
	s, _ := collected(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, tt := range traversals {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", tt.target)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %s: status %d, want 404 or 400", tt.target, resp.StatusCode)
			}
			if strings.Contains(string(body), "SECRET") || strings.Contains(string(body), "root:") {
				t.Errorf("GET %s leaked %q", tt.target, body)
			}
		})
	}
}

func checkRefused(t *testing.T, h http.Handler, target string) {
	t.Helper()
	w := get(t, h, "GET", target)
	if w.Code != http.StatusNotFound && w.Code != http.StatusBadRequest {
		t.Errorf("GET %s: status %d, want 404 or 400", target, w.Code)
	}
	if body := w.Body.String(); strings.Contains(body, "SECRET") || strings.Contains(body, "root:") || strings.Contains(body, "<a href") {
		t.Errorf("GET %s leaked %q", target, body)
	}
}

func TestRootHandler_BeforeCollect(t *testing.T) {
	root := filepath.Join(t.TempDir(), "static")
	s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
	h := s.Handler()
	if w := get(t, h, "GET", "/static/img/bg.png"); w.Code != 404 {
		t.Fatalf("before collectstatic: %d, want 404", w.Code)
	}
	if _, err := s.Collect(t.Context(), staticfiles.CollectOptions{}); err != nil {
		t.Fatal(err)
	}
	u, err := s.URL("img/bg.png")
	if err != nil {
		t.Fatal(err)
	}
	w := get(t, h, "GET", u)
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("after collectstatic: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
	s.Close()
	if w := get(t, h, "GET", u); w.Code != 404 {
		t.Errorf("after Close: %d, want 404", w.Code)
	}
}

func TestRootHandler_ETagFollowsContent(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "a.txt")
	os.WriteFile(name, []byte("one"), 0o644)
	s := mustNew(t, staticfiles.Options{Root: root})
	h := s.Handler()
	if got, want := get(t, h, "GET", "/static/a.txt").Header().Get("ETag"), `"`+md5hex("one")+`"`; got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
	os.WriteFile(name, []byte("two!"), 0o644)
	if got, want := get(t, h, "GET", "/static/a.txt").Header().Get("ETag"), `"`+md5hex("two!")+`"`; got != want {
		t.Errorf("ETag after a change %s, want %s", got, want)
	}
}

func TestDevHandler(t *testing.T) {
	mod := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	dirs := layers()
	dirs[0].(fstest.MapFS)["css/app.css"].ModTime = mod
	dirs = append(dirs, noSeekFS{fstest.MapFS{"big.txt": {Data: []byte("0123456789")}}})
	s := mustNew(t, staticfiles.Options{Dirs: dirs, Debug: true, URL: "/assets/"})
	h := s.Handler()
	tests := []struct {
		name       string
		target     string
		header     []string
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{
			name: "project_overrides_apps", target: "/assets/css/app.css", wantStatus: 200, wantBody: "/* project */",
			wantHeader: map[string]string{"Cache-Control": "no-cache", "Content-Type": "text/css; charset=utf-8", "Last-Modified": mod.Format(http.TimeFormat)},
		},
		{name: "first_app", target: "/assets/css/admin.css", wantStatus: 200, wantBody: "/* app one admin */"},
		{name: "last_app", target: "/assets/fonts/f.woff", wantStatus: 200, wantBody: "WOFF"},
		{name: "range", target: "/assets/js/site.js", header: []string{"Range", "bytes=3-"}, wantStatus: 206, wantBody: "project"},
		{name: "range_without_seek", target: "/assets/big.txt", header: []string{"Range", "bytes=2-4"}, wantStatus: 206, wantBody: "234"},
		{name: "if_modified_since", target: "/assets/css/app.css", header: []string{"If-Modified-Since", mod.Format(http.TimeFormat)}, wantStatus: 304},
		{name: "unknown", target: "/assets/nope.css", wantStatus: 404, wantBody: "404 page not found\n"},
		{name: "directory", target: "/assets/img", wantStatus: 404, wantBody: "404 page not found\n"},
		{name: "hashed_name_not_in_debug", target: "/assets/css/app.3f2a9c1e0b7d.css", wantStatus: 404, wantBody: "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, h, "GET", tt.target, tt.header...)
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody {
				t.Fatalf("GET %s: %d %q, want %d %q", tt.target, w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestDevHandler_Traversal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("TOP SECRET"), 0o600)
	project := filepath.Join(dir, "static")
	os.MkdirAll(filepath.Join(project, "css"), 0o755)
	os.WriteFile(filepath.Join(project, "css", "base.css"), []byte("h1{}"), 0o644)
	os.WriteFile(filepath.Join(project, ".hidden"), []byte("TOP SECRET"), 0o600)
	osRoot, err := os.OpenRoot(project)
	if err != nil {
		t.Fatal(err)
	}
	defer osRoot.Close()
	os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(project, "secret.txt"))
	os.Symlink("/etc/passwd", filepath.Join(project, "passwd"))
	os.Symlink("..", filepath.Join(project, "up"))
	s := mustNew(t, staticfiles.Options{Dirs: []fs.FS{osRoot.FS(), fstest.MapFS{".hidden": {Data: []byte("TOP SECRET")}}}, Debug: true})
	h := s.Handler()
	if w := get(t, h, "GET", "/static/css/base.css"); w.Code != 200 {
		t.Fatalf("GET /static/css/base.css: %d", w.Code)
	}
	for _, tt := range traversals {
		t.Run(tt.name, func(t *testing.T) {
			checkRefused(t, h, tt.target)
		})
	}
}

// noSeekFS wraps an fs.FS so that its files cannot seek, as some
// file systems' files cannot.
type noSeekFS struct{ fs fs.FS }

func (n noSeekFS) Open(name string) (fs.File, error) {
	f, err := n.fs.Open(name)
	if err != nil {
		return nil, err
	}
	return noSeekFile{f}, nil
}

type noSeekFile struct{ f fs.File }

func (f noSeekFile) Stat() (fs.FileInfo, error) { return f.f.Stat() }
func (f noSeekFile) Read(b []byte) (int, error) { return f.f.Read(b) }
func (f noSeekFile) Close() error               { return f.f.Close() }

var _ io.Reader = noSeekFile{}
