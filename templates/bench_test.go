package templates_test

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/nuages-go/nuages/templates"
)

// The benchmark page: a base with three blocks and a page that extends it
// with a loop of 20 rows, as a list view renders. The baseline is the same
// markup written for plain html/template, executed straight into the
// ResponseWriter as a hand-written handler would.
const (
	benchBase = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{block "title" .}}Site{{end}}</title></head>
<body><header><a href="/">Home</a></header>
<main>{{block "content" .}}{{end}}</main>
<footer>{{block "footer" .}}&copy; Nuages{{end}}</footer></body></html>`
	benchPage = `{{define "title"}}{{.title}}{{end}}
{{define "content"}}<h1>{{.title}}</h1>
<table>{{range .rows}}<tr><td><a href="/items/{{.ID}}/">{{.Name}}</a></td><td>{{.Qty}}</td></tr>
{{end}}</table>{{end}}`
)

type benchRow struct {
	ID   int
	Name string
	Qty  int
}

func benchData() templates.Data {
	rows := make([]benchRow, 20)
	for i := range rows {
		rows[i] = benchRow{ID: i + 1, Name: "Item <" + strings.Repeat("x", i%5) + ">", Qty: i * 7}
	}
	return templates.Data{"title": "Items & more", "rows": rows}
}

// discard is a ResponseWriter that keeps nothing, so that both benchmarks
// measure rendering and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func BenchmarkRender(b *testing.B) {
	e := templates.New(templates.Options{Dirs: []fs.FS{files(
		"base.html", benchBase,
		"page.html", `{{/* extends "base.html" */}}`+benchPage,
	)}})
	w, r, data := &discard{h: http.Header{}}, httptest.NewRequest("GET", "/items/", nil), benchData()
	if err := e.Render(w, r, "page.html", data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		if err := e.Render(w, r, "page.html", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderBaseline(b *testing.B) {
	t := template.Must(template.New("base.html").Parse(benchBase))
	template.Must(t.New("page.html").Parse(benchPage))
	w, data := &discard{h: http.Header{}}, map[string]any(benchData())
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := t.ExecuteTemplate(w, "base.html", data); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMail is an e-mail body as contrib/auth's password reset sends.
const benchMail = `Hello {{.name}},

You asked to reset your password on {{.site}}. Follow this link within {{.days}} days:

{{.link}}

{{range .rows}}- {{.Name}}: {{.Qty}}
{{end}}
The {{.site}} team`

func benchMailData() templates.Data {
	d := benchData()
	d["name"], d["site"], d["days"], d["link"] = "Ada", "example.com", 3, "https://example.com/reset/MQ/abc-123/"
	return d
}

// BenchmarkRenderText renders a plain-text e-mail body; the baseline is the
// same text/template parsed once by hand and executed into a buffer.
//
//	go test -run '^$' -bench 'RenderText' -benchmem -count 6 ./templates/ | benchstat -col /impl
func BenchmarkRenderText(b *testing.B) {
	data := benchMailData()
	b.Run("impl=baseline", func(b *testing.B) {
		t := texttemplate.Must(texttemplate.New("mail/body.txt").Parse(benchMail))
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := t.Execute(&buf, map[string]any(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=nuages", func(b *testing.B) {
		e := templates.New(templates.Options{Dirs: []fs.FS{files("mail/body.txt", benchMail)}})
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := e.RenderText(&buf, "mail/body.txt", data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
