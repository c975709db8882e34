package templates_test

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"testing/fstest"

	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

func ExampleEngine_Render() {
	// The app ships its templates; the project overrides one of them.
	app := fstest.MapFS{
		"polls/base.html": {Data: []byte(
			`<title>{{block "title" .}}Polls{{end}}</title>` +
				`<ul>{{block "list" .}}{{end}}</ul>`)},
		"polls/index.html": {Data: []byte(`{{/* extends "polls/base.html" */}}` +
			`{{define "title"}}{{len .questions}} question{{len .questions | pluralize}}{{end}}` +
			`{{define "list"}}{{range .questions}}` +
			`{{block "row" .}}<li id="q{{.id}}">{{.text}}</li>{{end}}` +
			`{{end}}{{end}}`)},
	}
	project := fstest.MapFS{
		"polls/base.html": {Data: []byte(
			`<title>{{block "title" .}}{{end}} | My site</title>` +
				`<ul>{{block "list" .}}{{end}}</ul>`)},
	}
	e := templates.New(templates.Options{Dirs: []fs.FS{project, app}})

	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/polls/", nil)
	err := e.Render(w, r, "polls/index.html", templates.Data{"questions": []templates.Data{
		{"id": 1, "text": "What's up?"},
		{"id": 2, "text": "<b>Bold?</b>"},
	}})
	fmt.Println(w.Header().Get("Content-Type"))
	fmt.Println(w.Body.String(), err)

	// An htmx request asks for one row only: its dot is the Data.
	err = e.Render(os.Stdout, r, "polls/index.html#row", templates.Data{"id": 3, "text": "New?"})
	fmt.Println()
	fmt.Println(err)
	// Output:
	// text/html; charset=utf-8
	// <title>2 questions | My site</title><ul><li id="q1">What&#39;s up?</li><li id="q2">&lt;b&gt;Bold?&lt;/b&gt;</li></ul> <nil>
	// <li id="q3">New?</li>
	// <nil>
}

// An engine outside a project, wired by hand as the project wires its own:
// url reverses the router's names, static names the static files, and a
// processor adds to the data of every page.
func ExampleOptions() {
	index := func(w http.ResponseWriter, r *http.Request) {}
	router, err := web.NewRouter(web.Options{},
		web.Include("polls/", "polls", web.Path("<int:id>/", http.HandlerFunc(index), "detail")))
	if err != nil {
		fmt.Println(err)
		return
	}
	static := func(name string) (string, error) { return "/static/" + name, nil } // staticfiles.Storage.URL
	e := templates.New(templates.Options{
		Dirs: []fs.FS{fstest.MapFS{"polls/index.html": {Data: []byte(
			`<link rel="stylesheet" href="{{static "polls/style.css"}}">` +
				`<a href="{{url "polls:detail" .id}}">{{.site}}</a>`)}}},
		Funcs: template.FuncMap{"url": router.Reverse, "static": static},
		Processors: []templates.Processor{func(*http.Request) templates.Data {
			return templates.Data{"site": "Polls"}
		}},
	})
	r := httptest.NewRequest("GET", "/", nil)
	err = e.Render(os.Stdout, r, "polls/index.html", templates.Data{"id": 5})
	fmt.Println()
	fmt.Println(err)
	// Output:
	// <link rel="stylesheet" href="/static/polls/style.css"><a href="/polls/5/">Polls</a>
	// <nil>
}
