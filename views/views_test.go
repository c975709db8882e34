package views_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

type Article struct {
	orm.Model
	Title string `orm:"max_length=50"`
	Slug  string `orm:"max_length=50,unique"`
}

func (Article) Meta() orm.Options { return orm.Options{Ordering: []string{"id"}} }

var pages = fstest.MapFS{
	"list.html":   {Data: []byte(`{{range .articles}}[{{.Title}}]{{end}}{{with .page_obj}} page {{.Number}}/{{.NumPages}} of {{.Count}} ({{.StartIndex}}-{{.EndIndex}}){{if .HasNext}} next={{.NextNumber}}{{end}}{{if .HasPrevious}} prev={{.PreviousNumber}}{{end}} {{.PageRange}}{{end}} paginated={{.is_paginated}}`)},
	"detail.html": {Data: []byte(`<h1>{{.object.Title}}</h1>{{.extra}}`)},
	"about.html":  {Data: []byte(`About {{.who}}`)},
}

func site(t *testing.T, db *database.DB) http.Handler {
	t.Helper()
	engine := templates.New(templates.Options{Dirs: []fs.FS{pages}})
	all := func(*http.Request) orm.QuerySet[Article] { return orm.Query[Article](db) }
	rt, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: quiet}},
		web.Path("articles/", views.ListView[Article]{Renderer: engine, Template: "list.html", Query: all, PaginateBy: 2, ContextName: "articles"}, "list"),
		web.Path("all/", views.ListView[Article]{Renderer: engine, Template: "list.html", Query: all, ContextName: "articles"}, ""),
		web.Path("articles/<int:pk>/", views.DetailView[Article]{Renderer: engine, Template: "detail.html", Query: all,
			Data: func(r *http.Request, d templates.Data) error { d["extra"] = "!"; return nil }}, "detail"),
		web.Path("by-slug/<slug:slug>/", views.DetailView[Article]{Renderer: engine, Template: "detail.html", Query: all, SlugParam: "slug"}, ""),
		web.Path("wrong/<int:id>/", views.DetailView[Article]{Renderer: engine, Template: "detail.html", Query: all}, ""),
		web.Path("about/", views.TemplateView{Renderer: engine, Template: "about.html", Data: func(*http.Request) (templates.Data, error) { return templates.Data{"who": "us"}, nil }}, ""),
		web.Path("go/<int:pk>/", views.RedirectView{Name: "detail", QueryString: true}, ""),
		web.Path("old/", views.RedirectView{URL: "/about/", Permanent: true}, ""),
		web.Path("gone/", views.RedirectView{}, ""),
	)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

var quiet = slog.New(slog.DiscardHandler)

func TestGenericViews(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		nuagestest.CreateTables(t, db, Article{})
		for i := 1; i <= 5; i++ {
			if err := orm.Insert(ctx, db, &Article{Title: fmt.Sprint("A", i), Slug: fmt.Sprint("a-", i)}); err != nil {
				t.Fatal(err)
			}
		}
		nuagestest.NewClient(t, site(t, db)).Run(t,
			nuagestest.Scenario{Name: "first page", Path: "/articles/", WantContains: []string{"[A1][A2] page 1/3 of 5 (1-2) next=2 [1 2 3] paginated=true"}},
			nuagestest.Scenario{Name: "middle page", Path: "/articles/?page=2", WantContains: []string{"[A3][A4] page 2/3 of 5 (3-4) next=3 prev=1"}},
			nuagestest.Scenario{Name: "last page", Path: "/articles/?page=last", WantContains: []string{"[A5] page 3/3 of 5 (5-5) prev=2"}},
			nuagestest.Scenario{Name: "past the end", Path: "/articles/?page=4", WantStatus: 404, WantContains: []string{"That page contains no results"}},
			nuagestest.Scenario{Name: "not a number", Path: "/articles/?page=x", WantStatus: 404},
			nuagestest.Scenario{Name: "unpaginated", Path: "/all/", WantContains: []string{"[A1][A2][A3][A4][A5] paginated=false"}},
			nuagestest.Scenario{Name: "detail", Path: "/articles/3/", WantContains: []string{"<h1>A3</h1>!"}},
			nuagestest.Scenario{Name: "no such row", Path: "/articles/99/", WantStatus: 404, WantContains: []string{"No article found matching the query"}},
			nuagestest.Scenario{Name: "by slug", Path: "/by-slug/a-4/", WantContains: []string{"<h1>A4</h1>"}},
			nuagestest.Scenario{Name: "misconfigured", Path: "/wrong/1/", WantStatus: 500},
			nuagestest.Scenario{Name: "template view", Path: "/about/", WantContains: []string{"About us"}},
			nuagestest.Scenario{Name: "redirect by name", Path: "/go/2/?x=1", WantRedirect: "/articles/2/?x=1"},
			nuagestest.Scenario{Name: "permanent", Path: "/old/", WantStatus: 301, WantRedirect: "/about/"},
			nuagestest.Scenario{Name: "gone", Path: "/gone/", WantStatus: 410},
		)
	})
}

func TestPaginateEmpty(t *testing.T) {
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	nuagestest.CreateTables(t, db, Article{})
	p, err := views.Paginate(t.Context(), orm.Query[Article](db), 10, "")
	if err != nil || p.NumPages != 1 || len(p.Items) != 0 || p.StartIndex() != 0 || p.EndIndex() != 0 || p.HasNext() || p.HasPrevious() {
		t.Errorf("%+v, %v", p, err)
	}
}
