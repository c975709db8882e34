package nuages_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// blogApp ships templates and static files, and a view that renders.
type blogApp struct{}

func (blogApp) Name() string { return "blog" }
func (blogApp) Templates() fs.FS {
	return fstest.MapFS{
		"blog/base.html":  {Data: []byte(`<title>{{block "title" .}}Blog{{end}}</title>{{block "content" .}}{{end}}`)},
		"blog/index.html": {Data: []byte(`{{/* extends "blog/base.html" */}}{{define "content"}}<a href="{{url "blog:post" 7}}">{{.title}}</a><link href="{{static "blog/site.css"}}">{{.site}} {{.request.URL.Path}}{{end}}`)},
	}
}
func (blogApp) Static() fs.FS {
	return fstest.MapFS{"blog/site.css": {Data: []byte("body { color: navy }")}}
}

// devSettings are the settings of a project in development.
func devSettings() nuages.Settings {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"test"
	return s
}

// runCLI runs args against p and returns the exit code and outputs.
func runCLI(t *testing.T, p *nuages.Project, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = p.Run(t.Context(), append([]string{"mysite"}, args...), nuages.IO{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestSite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "404.html"), []byte(`<h1>Lost: {{.message}}</h1>`), 0o644); err != nil {
		t.Fatal(err)
	}
	var p *nuages.Project
	s := devSettings()
	s.AllowedHosts = []string{"example.com"}
	s.TemplateDirs = []string{dir}
	s.ContextProcessors = []templates.Processor{func(*http.Request) templates.Data { return templates.Data{"site": "Blogs"} }}
	s.URLs = func(p *nuages.Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Include("blog/", "blog",
			web.Path("", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return p.Render(w, r, "blog/index.html", templates.Data{"title": "<Hello>"})
			}), "index"),
			web.Path("<int:id>/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return web.NotFound("no post " + r.PathValue("id"))
			}), "post"),
		)}, nil
	}
	p = nuagestest.New(t, s, blogApp{})
	c := nuagestest.NewSiteClient(t, p)
	c.Get("/blog/").AssertContains(`<title>Blog</title><a href="/blog/7/">&lt;Hello&gt;</a><link href="/static/blog/site.css">Blogs /blog/`).
		AssertHeader("X-Frame-Options", "DENY").AssertHeader("X-Content-Type-Options", "nosniff")
	c.Get("/static/blog/site.css").AssertContains("body { color: navy }").AssertHeader("Content-Type", "text/css; charset=utf-8")
	c.Get("/blog/7/").AssertStatus(404).AssertNotContains("Lost") // Debug: the technical page
	c.Get("/static/../settings.go").AssertStatus(404)

	prod := s
	prod.Debug, prod.SecretKey = false, "a-real-secret-key-of-some-length-0123456789"
	p = nuagestest.New(t, prod, blogApp{})
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	c = nuagestest.NewClient(t, h)
	if got := c.Get("/blog/7/").AssertStatus(404).Body; got != "<h1>Lost: no post 7</h1>" {
		t.Errorf("the project's 404.html: %q", got)
	}
	if path, err := p.Reverse("blog:post", 3); err != nil || path != "/blog/3/" {
		t.Errorf("Reverse = %q, %v", path, err)
	}
	// A bad Host is answered by the project's error pages too.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://evil.example/blog/", nil))
	if rec.Code != 400 {
		t.Errorf("a bad Host: %d", rec.Code)
	}
}

func TestCollectStaticCommand(t *testing.T) {
	t.Parallel()
	s := devSettings()
	s.Debug, s.SecretKey = false, "a-real-secret-key-of-some-length-0123456789"
	s.StaticRoot = t.TempDir()
	p := nuagestest.New(t, s, blogApp{})
	if code, out, errOut := runCLI(t, p, "collectstatic"); code != 1 || !strings.Contains(errOut, "collecting static files cancelled") || !strings.Contains(out, "Type 'yes' to continue") {
		t.Errorf("without an answer: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, p, "collectstatic", "-noinput")
	if code != 0 || !strings.Contains(out, "1 static file copied to") {
		t.Fatalf("%d\n%s%s", code, out, errOut)
	}
	st, err := p.StaticFiles()
	if err != nil {
		t.Fatal(err)
	}
	if u, err := st.URL("blog/site.css"); err != nil || !strings.HasPrefix(u, "/static/blog/site.") || u == "/static/blog/site.css" {
		t.Errorf("the hashed URL: %q, %v", u, err)
	}
}
