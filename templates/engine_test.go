package templates_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages/templates"
)

// files makes a MapFS from name, content pairs.
func files(nameContent ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i < len(nameContent); i += 2 {
		m[nameContent[i]] = &fstest.MapFile{Data: []byte(nameContent[i+1])}
	}
	return m
}

// render renders name and returns the output, failing the test on error.
func render(t *testing.T, e *templates.Engine, r *http.Request, name string, data templates.Data) string {
	t.Helper()
	var b bytes.Buffer
	if err := e.Render(&b, r, name, data); err != nil {
		t.Fatalf("Render(%q): %v", name, err)
	}
	return b.String()
}

// renderErr renders name and returns its error, failing the test if there
// is none or if anything was written.
func renderErr(t *testing.T, e *templates.Engine, name string, data templates.Data) error {
	t.Helper()
	var b bytes.Buffer
	err := e.Render(&b, nil, name, data)
	if err == nil {
		t.Fatalf("Render(%q) = %q, want an error", name, b.String())
	}
	if b.Len() > 0 {
		t.Errorf("Render(%q) wrote %q before failing; want nothing written", name, b.String())
	}
	return err
}

var (
	// project and app are two template directories: the project's
	// overrides the app's.
	project = files(
		"polls/detail.html", `{{/* extends "polls/base.html" */}}{{define "title"}}Project detail{{end}}`,
		"partials/nav.html", `<nav>project nav</nav>`,
	)
	app = files(
		"polls/detail.html", `{{/* extends "polls/base.html" */}}{{define "title"}}App detail{{end}}`,
		"polls/index.html", `{{/* extends "polls/base.html" */}}{{define "title"}}Index{{end}}`,
		"polls/base.html", `<title>{{block "title" .}}Polls{{end}}</title>{{template "partials/nav.html" .}}{{template "partials/footer.html" .}}`,
		"partials/nav.html", `<nav>app nav</nav>`,
		"partials/footer.html", `<footer>app footer</footer>`,
	)
)

func TestRender_OverrideOrder(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{project, app}})
	tests := []struct{ name, want string }{
		{"polls/detail.html", "<title>Project detail</title><nav>project nav</nav><footer>app footer</footer>"},
		{"polls/index.html", "<title>Index</title><nav>project nav</nav><footer>app footer</footer>"},
		{"polls/base.html", "<title>Polls</title><nav>project nav</nav><footer>app footer</footer>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, e, nil, tc.name, nil); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	// With the app first, the app's files win.
	e = templates.New(templates.Options{Dirs: []fs.FS{app, project}})
	if got, want := render(t, e, nil, "polls/detail.html", nil), "<title>App detail</title><nav>app nav</nav><footer>app footer</footer>"; got != want {
		t.Errorf("app first: got %q, want %q", got, want)
	}
}

var inheritance = files(
	"base.html", `<title>{{block "title" .}}Site{{end}}</title>`+
		`<main>{{block "content" .}}base content{{end}}</main>`+
		`<aside>{{block "sidebar" .}}base sidebar{{end}}</aside>`,
	"section.html", "{{/* extends \"base.html\" */}}\n"+
		`{{define "title"}}Section{{end}}`+
		`{{define "content"}}<section>{{block "inner" .}}section inner{{end}}</section>{{end}}`,
	"page.html", "{{- /* extends \"section.html\" */ -}}\n"+
		`{{define "title"}}{{.title}} | Section{{end}}`+
		`{{define "inner"}}<ul>{{range .rows}}{{block "row" .}}<li>{{.}}</li>{{end}}{{end}}</ul>{{end}}`+
		`{{define "sidebar"}}{{end}}`+
		`text outside blocks is ignored, as in Django`,
	"other.html", `{{/* extends "base.html" */}}{{define "content"}}other{{end}}`,
	"boom.html", `<p>start</p>{{index .rows 9}}`,
	"flat.html", `<ul>{{range .rows}}{{block "row" .}}<li>{{.}}</li>{{end}}{{end}}</ul>`,
)

func TestRender_Inheritance(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{inheritance}})
	data := templates.Data{"title": "Hello", "rows": []string{"a", "<b>"}}
	tests := []struct{ name, want string }{
		{"base.html", "<title>Site</title><main>base content</main><aside>base sidebar</aside>"},
		{"section.html", "<title>Section</title><main><section>section inner</section></main><aside>base sidebar</aside>"},
		// Three levels; the page empties the sidebar block.
		{"page.html", "<title>Hello | Section</title><main><section><ul><li>a</li><li>&lt;b&gt;</li></ul></section></main><aside></aside>"},
		// Blocks of one page do not leak into another page.
		{"other.html", "<title>Site</title><main>other</main><aside>base sidebar</aside>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 { // the cached set renders the same
				if got := render(t, e, nil, tc.name, data); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}

func TestRender_Partial(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{inheritance}})
	tests := []struct {
		name string
		data templates.Data
		want string
	}{
		{"page.html#row", templates.Data{"x": 1}, "<li>map[x:1]</li>"},
		{"page.html#inner", templates.Data{"rows": []int{1, 2}}, "<ul><li>1</li><li>2</li></ul>"},
		{"page.html#title", templates.Data{"title": "<T>"}, "&lt;T&gt; | Section"},
		{"page.html#content", templates.Data{"rows": []int{3}}, "<section><ul><li>3</li></ul></section>"},
		{"flat.html#row", nil, "<li>map[]</li>"},
		{"base.html#sidebar", nil, "base sidebar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, e, nil, tc.name, tc.data); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// A partial rendered alone and the page rendered whole share one set.
	if got, want := render(t, e, nil, "page.html", templates.Data{"rows": []int{4}}), "<li>4</li>"; !strings.Contains(got, want) {
		t.Errorf("page after partial: got %q, want it to contain %q", got, want)
	}
}

func TestRender_Errors(t *testing.T) {
	dir := files(
		"syntax.html", "<p>one</p>\n<p>two</p>\n<p>{{.x</p>\n",
		"nofunc.html", "line 1\n{{nope .x}}\n",
		"child.html", `{{/* extends "broken_base.html" */}}{{define "b"}}x{{end}}`,
		"broken_base.html", "<html>\n<body>\n{{block \"b\" .}}{{end}}{{index .list 5}}\n</body>",
		"cycle_a.html", `{{/* extends "cycle_b.html" */}}`,
		"cycle_b.html", `{{/* extends "cycle_c.html" */}}`,
		"cycle_c.html", `{{/* extends "cycle_a.html" */}}`,
		"self.html", `{{/* extends "self.html" */}}`,
		"badquote.html", "\n  {{/* extends \"a\\qb.html\" */}}",
		"orphan.html", `{{/* extends "missing_base.html" */}}`,
		"late.html", "<p>hi</p>\n{{/* extends \"base.html\" */}}",
		"include.html", "a\nb\n  {{template \"partials/missing.html\" .}}",
		"sidebar.html", "{{template \"sidebar\" .}}",
		"incl_extends.html", `{{template "child.html" .}}`,
		"badattr.html", "<a href=\"{{.x}}\n",
	)
	e := templates.New(templates.Options{Dirs: []fs.FS{dir, files()}})
	tests := []struct {
		name     string
		data     templates.Data
		want     string // the whole message, or its start with prefix
		prefix   bool   // the rest is html/template's and may change
		notExist bool   // errors.Is(err, fs.ErrNotExist)
	}{
		{name: "missing.html", notExist: true,
			want: `templates: rendering "missing.html": no template "missing.html" in Dirs[0], Dirs[1]: file does not exist`},
		{name: "../secret.html",
			want: `templates: rendering "../secret.html": "../secret.html" is not a template file name (a slash-separated path inside Dirs, without . or .. elements)`},
		{name: "syntax.html",
			want: `templates: syntax.html:3 in Dirs[0]: template: syntax.html:3: bad character U+003C '<'`},
		{name: "nofunc.html",
			want: `templates: nofunc.html:2 in Dirs[0]: template: nofunc.html:2: function "nope" not defined`},
		{name: "child.html", data: templates.Data{"list": []int{1}},
			want: `templates: broken_base.html:3 in Dirs[0]: rendering "child.html": template: broken_base.html:3:24: executing "broken_base.html" at <index .list 5>: error calling index: index out of range: 5`},
		{name: "cycle_a.html",
			want: `templates: rendering "cycle_a.html": extends cycle: cycle_a.html → cycle_b.html → cycle_c.html → cycle_a.html`},
		{name: "badquote.html",
			want: `templates: badquote.html:2 in Dirs[0]: extends "a\qb.html": invalid syntax`},
		{name: "self.html",
			want: `templates: self.html:1 in Dirs[0]: extends "self.html", its own name, which no directory after Dirs[0] holds (a template extends one of its name from a lower directory only)`},
		{name: "orphan.html", notExist: true,
			want: `templates: orphan.html:1 in Dirs[0]: extends "missing_base.html": no template "missing_base.html" in Dirs[0], Dirs[1]: file does not exist`},
		{name: "late.html",
			want: `templates: late.html:2 in Dirs[0]: the extends comment must open the file, before any other text or action`},
		{name: "include.html", notExist: true,
			want: `templates: include.html:3 in Dirs[0]: {{template "partials/missing.html"}}: no {{define}} or {{block}} "partials/missing.html" in the page's files, and no template "partials/missing.html" in Dirs[0], Dirs[1]: file does not exist`},
		{name: "sidebar.html", notExist: true,
			want: `templates: sidebar.html:1 in Dirs[0]: {{template "sidebar"}}: no {{define}} or {{block}} "sidebar" in the page's files, and no template "sidebar" in Dirs[0], Dirs[1]: file does not exist`},
		{name: "incl_extends.html",
			want: `templates: child.html:1 in Dirs[0]: rendering "incl_extends.html": an included file cannot extend another (it extends "broken_base.html")`},
		{name: "child.html#nope",
			want: `templates: rendering "child.html#nope": child.html has no {{define}} or {{block}} "nope"; it has "b", "broken_base.html"`},
		{name: "badattr.html", prefix: true,
			want: `templates: badattr.html in Dirs[0]: html/template:badattr.html: ends in a non-text context: `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := renderErr(t, e, tc.name, tc.data)
			if got := err.Error(); got != tc.want && !(tc.prefix && strings.HasPrefix(got, tc.want)) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			var te *templates.Error
			if !errors.As(err, &te) {
				t.Errorf("error is %T, want *templates.Error", err)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tc.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", got, tc.notExist)
			}
		})
	}
}

func TestError_NamesOSDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.html"), []byte("ok\n{{if}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := templates.New(templates.Options{Dirs: []fs.FS{os.DirFS(dir)}})
	err := renderErr(t, e, "bad.html", nil)
	want := "templates: bad.html:2 in Dirs[0] (" + dir + "): template: bad.html:2: missing value for if"
	if got := err.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRender_ResponseWriter(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{inheritance}})

	rec := httptest.NewRecorder()
	if err := e.Render(rec, httptest.NewRequest("GET", "/", nil), "base.html#title", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Body.String(), "Site"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}

	// A Content-Type the view set stays.
	rec = httptest.NewRecorder()
	rec.Header().Set("Content-Type", "image/svg+xml")
	if err := e.Render(rec, nil, "base.html#title", nil); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.Header().Get("Content-Type"), "image/svg+xml"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}

	// An error sends nothing, headers included.
	rec = httptest.NewRecorder()
	if err := e.Render(rec, nil, "boom.html", nil); err == nil {
		t.Fatal("boom.html: no error")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("after an error: body %q, Content-Type %q; want neither", rec.Body.String(), rec.Header().Get("Content-Type"))
	}
}

func TestRender_Processors(t *testing.T) {
	dir := files("p.html", `{{.request.URL.Path}} {{.debug}} {{.user}} {{.messages}} {{.title}}`)
	user := func(r *http.Request) templates.Data {
		return templates.Data{"user": "ann", "title": "from processor"}
	}
	messages := func(r *http.Request) templates.Data {
		return templates.Data{"messages": "saved", "user": "bob"}
	}
	r := httptest.NewRequest("GET", "/polls/", nil)
	tests := []struct {
		name  string
		debug bool
		r     *http.Request
		data  templates.Data
		want  string
	}{
		{"request", false, r, nil, "/polls/  bob saved from processor"},
		{"view wins", false, r, templates.Data{"title": "from view", "user": "eve"}, "/polls/  eve saved from view"},
		{"debug", true, r, nil, "/polls/ true bob saved from processor"},
		{"no request", false, nil, templates.Data{"title": "t"}, "    t"},
		{"no request debug", true, nil, nil, " true   "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := templates.New(templates.Options{Dirs: []fs.FS{dir}, Debug: tc.debug, Processors: []templates.Processor{user, messages}})
			if got := render(t, e, tc.r, "p.html", tc.data); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRender_ProjectHooks(t *testing.T) {
	dir := files(
		"url.html", `<a href="{{url "polls:detail" 3}}">`,
		"static.html", `<img src="{{static "logo.png"}}">`,
		"csrf.html", `<form>{{csrf_field .request}}</form>`,
		"csrf_token.html", `<meta name="csrf" content="{{csrf_token .request}}">`,
		"csp_nonce.html", `<script nonce="{{csp_nonce .request}}"></script>`,
	)
	bare := templates.New(templates.Options{Dirs: []fs.FS{dir}})
	for _, name := range []string{"url", "static", "csrf_field", "csrf_token", "csp_nonce"} {
		file := strings.TrimSuffix(name, "_field") + ".html"
		err := renderErr(t, bare, file, nil)
		if want := "the " + name + " function is not configured"; !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want it to contain %q", file, err, want)
		}
	}

	hooked := templates.New(templates.Options{Dirs: []fs.FS{dir}, Funcs: template.FuncMap{
		"url": func(name string, args ...any) (string, error) {
			return fmt.Sprintf("/%s/%v/", strings.ReplaceAll(name, ":", "/"), args[0]), nil
		},
		"static": func(path string) string { return "/static/" + path },
		"csrf_field": func(r *http.Request) template.HTML {
			return template.HTML(`<input type="hidden" name="csrfmiddlewaretoken" value="` + r.Header.Get("X-Token") + `">`)
		},
	}})
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Token", "tok")
	tests := []struct{ name, want string }{
		{"url.html", `<a href="/polls/detail/3/">`},
		{"static.html", `<img src="/static/logo.png">`},
		{"csrf.html", `<form><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>`},
	}
	for _, tc := range tests {
		if got := render(t, hooked, r, tc.name, nil); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNew_BadFunc(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New with a FuncMap value that is not a function did not panic")
		}
	}()
	templates.New(templates.Options{Funcs: template.FuncMap{"x": 3}})
}

// write writes a file for the reload tests, with a modification time that
// differs from the last one even on coarse file systems.
func write(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func TestRender_Reload(t *testing.T) {
	t.Parallel()
	then := time.Now().Add(-time.Hour)
	for _, debug := range []bool{true, false} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			projectDir, appDir := t.TempDir(), t.TempDir()
			write(t, filepath.Join(appDir, "base.html"), `<h1>{{block "title" .}}{{end}}</h1>`, then)
			write(t, filepath.Join(appDir, "page.html"), `{{/* extends "base.html" */}}{{define "title"}}one{{end}}`, then)
			e := templates.New(templates.Options{Dirs: []fs.FS{os.DirFS(projectDir), os.DirFS(appDir)}, Debug: debug})
			if got, want := render(t, e, nil, "page.html", nil), "<h1>one</h1>"; got != want {
				t.Fatalf("first render: got %q, want %q", got, want)
			}

			// Change the page, the parent, then override the parent in
			// the project's directory.
			steps := []struct {
				path, content, want string
			}{
				{filepath.Join(appDir, "page.html"), `{{/* extends "base.html" */}}{{define "title"}}two{{end}}`, "<h1>two</h1>"},
				{filepath.Join(appDir, "base.html"), `<h2>{{block "title" .}}{{end}}</h2>`, "<h2>two</h2>"},
				{filepath.Join(projectDir, "base.html"), `<h3>{{block "title" .}}{{end}}</h3>`, "<h3>two</h3>"},
			}
			for i, s := range steps {
				write(t, s.path, s.content, then.Add(time.Duration(i+1)*time.Minute))
				want := s.want
				if !debug {
					want = "<h1>one</h1>" // parsed once, kept
				}
				if got := render(t, e, nil, "page.html", nil); got != want {
					t.Errorf("after step %d: got %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

// RenderText keeps what it parsed, as Render does, and re-reads with Debug.
func TestRenderText_Reload(t *testing.T) {
	then := time.Now().Add(-time.Hour)
	for _, debug := range []bool{true, false} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "subject.txt")
			write(t, path, "one {{.n}}", then)
			e := templates.New(templates.Options{Dirs: []fs.FS{os.DirFS(dir)}, Debug: debug})
			text := func() string {
				t.Helper()
				var b strings.Builder
				if err := e.RenderText(&b, "subject.txt", templates.Data{"n": 1}); err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			if got := text(); got != "one 1" {
				t.Fatalf("first RenderText: got %q, want %q", got, "one 1")
			}
			write(t, path, "two {{.n}}", then.Add(time.Minute))
			want := "two 1"
			if !debug {
				want = "one 1" // parsed once, kept
			}
			if got := text(); got != want {
				t.Errorf("after an edit: got %q, want %q", got, want)
			}
		})
	}
}

func TestRender_Concurrent(t *testing.T) {
	t.Parallel()
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			e := templates.New(templates.Options{Dirs: []fs.FS{project, app, inheritance}, Debug: debug})
			names := []string{"polls/detail.html", "polls/index.html", "page.html", "page.html#inner", "other.html", "section.html"}
			want := map[string]string{}
			for _, n := range names {
				want[n] = render(t, e, nil, n, templates.Data{"rows": []int{1, 2}, "title": "T"})
			}
			e = templates.New(templates.Options{Dirs: []fs.FS{project, app, inheritance}, Debug: debug})
			var wg sync.WaitGroup
			for i := range 64 {
				wg.Go(func() {
					n := names[i%len(names)]
					var b bytes.Buffer
					if err := e.Render(&b, httptest.NewRequest("GET", "/", nil), n, templates.Data{"rows": []int{1, 2}, "title": "T"}); err != nil {
						t.Errorf("%s: %v", n, err)
					} else if b.String() != want[n] {
						t.Errorf("%s: got %q, want %q", n, b.String(), want[n])
					}
				})
			}
			wg.Wait()
		})
	}
}

// Record notes what an engine rendered for a request, for test clients.
func TestRecord(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{fstest.MapFS{
		"base.html":       {Data: []byte(`<b>{{block "x" .}}{{end}}</b>`)},
		"part.html":       {Data: []byte(`p`)},
		"polls/page.html": {Data: []byte(`{{/* extends "base.html" */}}{{define "x"}}{{template "part.html"}}{{end}}`)},
	}}})
	ctx, rec := templates.Record(context.Background())
	r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	for _, name := range []string{"polls/page.html", "part.html"} {
		if err := e.Render(io.Discard, r, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := fmt.Sprint(rec.Names()); got != "[polls/page.html base.html part.html part.html]" {
		t.Errorf("Names = %s", got)
	}
	if err := e.Render(io.Discard, httptest.NewRequest("GET", "/", nil), "part.html", nil); err != nil {
		t.Error(err) // no recorder: nothing noted, nothing fails
	}
}

// {{template "super" .}} is Django's {{ block.super }}: the parent's
// block, at every level of the chain.
func TestBlockSuper(t *testing.T) {
	e := templates.New(templates.Options{Dirs: []fs.FS{fstest.MapFS{
		"base.html":    {Data: []byte(`<nav>{{block "nav" .}}Home{{end}}</nav>`)},
		"section.html": {Data: []byte(`{{/* extends "base.html" */}}{{define "nav"}}{{template "super" .}} › Polls{{end}}`)},
		"page.html":    {Data: []byte(`{{/* extends "section.html" */}}{{define "nav"}}{{template "super" .}} › {{.q}}{{end}}`)},
		"twice.html":   {Data: []byte(`{{/* extends "base.html" */}}{{define "nav"}}{{template "super" .}}{{if .q}}|{{template "super" .}}{{end}}{{end}}`)},
		"nosuper.html": {Data: []byte(`{{/* extends "base.html" */}}{{define "other"}}{{template "super" .}}{{end}}`)},
		"root.html":    {Data: []byte(`{{block "x" .}}{{template "super" .}}{{end}}`)},
	}}})
	for _, c := range []struct{ name, want string }{
		{"page.html", "<nav>Home › Polls › &lt;Q&gt;</nav>"},
		{"section.html", "<nav>Home › Polls</nav>"},
		{"twice.html", "<nav>Home|Home</nav>"},
	} {
		var b strings.Builder
		if err := e.Render(&b, nil, c.name, templates.Data{"q": "<Q>"}); err != nil || b.String() != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, b.String(), err, c.want)
		}
	}
	for _, name := range []string{"nosuper.html", "root.html"} {
		if err := e.Render(io.Discard, nil, name, nil); err == nil || !strings.Contains(err.Error(), `{{template "super" .}} in`) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A project's template may extend the app's template of the same name, as
// with Django's loaders (the admin override trick).
func TestExtendsSameNameBelow(t *testing.T) {
	project := fstest.MapFS{"admin/base.html": {Data: []byte(`{{/* extends "admin/base.html" */}}{{define "brand"}}My site ({{template "super" .}}){{end}}`)}}
	app := fstest.MapFS{"admin/base.html": {Data: []byte(`<h1>{{block "brand" .}}Admin{{end}}</h1>`)}}
	loop := fstest.MapFS{"a.html": {Data: []byte(`{{/* extends "a.html" */}}`)}}
	e := templates.New(templates.Options{Dirs: []fs.FS{project, app}})
	var b strings.Builder
	if err := e.Render(&b, nil, "admin/base.html", nil); err != nil || b.String() != "<h1>My site (Admin)</h1>" {
		t.Errorf("%q, %v", b.String(), err)
	}
	e = templates.New(templates.Options{Dirs: []fs.FS{loop}})
	if err := e.Render(io.Discard, nil, "a.html", nil); err == nil || !strings.Contains(err.Error(), `extends "a.html", its own name`) {
		t.Errorf("a file extending itself with nothing below: %v", err)
	}
}

// RenderText writes plain text as it is (an e-mail body), finds the file
// as Render does (the first dir wins) and names what failed.
func TestRenderText(t *testing.T) {
	app := files("mail/body.txt", `Hello {{.name}} & welcome to {{.site}}: {{truncatechars 2 .site}}`, "mail/subject.txt", "app subject")
	project := files("mail/subject.txt", `Project subject for {{.name}}`, "mail/bad.txt", `{{.name`, "mail/fails.txt", `{{index .list 3}}`)
	e := templates.New(templates.Options{Dirs: []fs.FS{project, app}})
	cases := []struct {
		name    string
		want    string
		wantErr string
	}{
		{"mail/body.txt", `Hello <O'Brien> & welcome to a&b: a…`, ""},
		{"mail/subject.txt", `Project subject for <O'Brien>`, ""},
		{"mail/missing.txt", "", `no template "mail/missing.txt"`},
		{"mail/bad.txt", "", "mail/bad.txt"},
		{"mail/fails.txt", "", "index out of range"},
	}
	for _, c := range cases {
		var out strings.Builder
		err := e.RenderText(&out, c.name, templates.Data{"name": "<O'Brien>", "site": "a&b", "list": []int{1}})
		if c.wantErr == "" && (err != nil || out.String() != c.want) || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("RenderText(%s) = %q, %v; want %q, error %q", c.name, out.String(), err, c.want, c.wantErr)
		}
	}
}
