package views_test

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

type Contact struct {
	Email   string `form:"type=email"`
	Message string `form:"widget=textarea,min_length=5"`
}

var editPages = fstest.MapFS{
	"form.html":    {Data: []byte(`<form method="post">{{.form.HTML}}</form>{{with .object}}editing {{.Title}}{{end}}`)},
	"confirm.html": {Data: []byte(`Delete {{.object.Title}}?`)},
	"detail.html":  {Data: []byte(`<h1>{{.object.Title}}</h1>`)},
}

func editSite(t *testing.T, db *database.DB, sent *[]Contact) http.Handler {
	t.Helper()
	engine := templates.New(templates.Options{Dirs: []fs.FS{editPages, forms.Templates()}})
	all := func(*http.Request) orm.QuerySet[Article] { return orm.Query[Article](db) }
	dbOf := func(*http.Request) (*database.DB, error) { return db, nil }
	fields := modelform.Options{Fields: []string{"title", "slug"}}
	rt, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: quiet}},
		web.Path("contact/", views.FormView[Contact]{Renderer: engine, Template: "form.html", Success: "thanks",
			Valid: func(w http.ResponseWriter, r *http.Request, f *forms.Form[Contact]) error {
				if strings.HasSuffix(f.Value.Email, "@spam.example") {
					f.AddError("email", errors.New("We do not answer this address."))
					return views.ErrInvalid
				}
				*sent = append(*sent, f.Value)
				return nil
			}}, "contact"),
		web.Path("thanks/", views.TemplateView{Renderer: engine, Template: "confirm.html"}, "thanks"),
		web.Path("articles/", http.NotFoundHandler(), "list"),
		web.Path("articles/new/", views.CreateView[Article]{Renderer: engine, Template: "form.html", DB: dbOf, Options: fields,
			Success: "detail", SuccessArgs: func(a *Article) []any { return []any{a.ID} }}, "create"),
		web.Path("articles/<int:pk>/", views.DetailView[Article]{Renderer: engine, Template: "detail.html", Query: all}, "detail"),
		web.Path("articles/<int:pk>/edit/", views.UpdateView[Article]{Renderer: engine, Template: "form.html", DB: dbOf, Query: all, Options: fields,
			Success: "detail", SuccessArgs: func(a *Article) []any { return []any{a.ID} }}, "update"),
		web.Path("articles/<int:pk>/delete/", views.DeleteView[Article]{Renderer: engine, Template: "confirm.html", DB: dbOf, Query: all, Success: "list"}, "delete"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestFormView(t *testing.T) {
	var sent []Contact
	c := nuagestest.NewClient(t, editSite(t, nuagestest.OpenDB(t, nuagestest.SQLite), &sent))
	c.Run(t,
		nuagestest.Scenario{Name: "empty form", Path: "/contact/", WantContains: []string{`name="email"`, `<textarea`}},
		nuagestest.Scenario{Name: "invalid", Path: "/contact/", Form: url.Values{"email": {"not an address"}, "message": {"hi"}},
			WantContains: []string{"Enter a valid email address.", "Ensure this value has at least 5 characters (it has 2).", `value="not an address"`}},
		nuagestest.Scenario{Name: "refused by the hook", Path: "/contact/", Form: url.Values{"email": {"a@spam.example"}, "message": {"hello there"}},
			WantContains: []string{"We do not answer this address."}},
		nuagestest.Scenario{Name: "valid", Path: "/contact/", Form: url.Values{"email": {"a@example.com"}, "message": {"hello there"}}, WantRedirect: "/thanks/"},
		nuagestest.Scenario{Name: "other methods", Method: "PUT", Path: "/contact/", WantStatus: 405},
	)
	if len(sent) != 1 || sent[0].Email != "a@example.com" || sent[0].Message != "hello there" {
		t.Errorf("the valid form reached Valid as %+v", sent)
	}
}

func TestModelEditingViews(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, Article{})
		c := nuagestest.NewClient(t, editSite(t, db, nil))
		count := func() int64 {
			n, err := orm.Query[Article](db).Count(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		c.Get("/articles/new/").AssertContains(`name="title"`, `name="slug"`)
		c.Post("/articles/new/", url.Values{"title": {""}, "slug": {"x"}}).AssertContains("This field is required.")
		if count() != 0 {
			t.Fatal("an invalid form saved a row")
		}
		c.Post("/articles/new/", url.Values{"title": {"First <b>"}, "slug": {"first"}}).AssertRedirects("/articles/1/")
		c.Post("/articles/new/", url.Values{"title": {"Again"}, "slug": {"first"}}).AssertContains("already exists")
		if count() != 1 {
			t.Fatalf("%d rows after a duplicate slug", count())
		}
		c.Get("/articles/1/edit/").AssertContains(`value="First &lt;b&gt;"`, "editing First &lt;b&gt;")
		c.Post("/articles/1/edit/", url.Values{"title": {"Renamed"}, "slug": {"first"}}).AssertRedirects("/articles/1/")
		if a, err := orm.Query[Article](db).Get(t.Context()); err != nil || a.Title != "Renamed" {
			t.Errorf("after the update: %+v, %v", a, err)
		}
		c.Get("/articles/9/edit/").AssertStatus(404)
		c.Get("/articles/1/delete/").AssertContains("Delete Renamed?")
		if count() != 1 {
			t.Fatal("a GET deleted the row")
		}
		c.Do("PUT", "/articles/1/delete/", nil, "", false).AssertStatus(405)
		c.Post("/articles/1/delete/", nil).AssertRedirects("/articles/")
		if count() != 0 {
			t.Error("the POST did not delete the row")
		}
		c.Post("/articles/1/delete/", nil).AssertStatus(404)
	})
}
