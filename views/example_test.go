package views_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

type Question struct {
	orm.Model
	Text    string    `orm:"max_length=200"`
	PubDate time.Time `orm:"verbose_name=date published"`
}

// openQuestions opens an in-memory database with n questions, as the
// polls app's migrations and a few saves would.
func openQuestions(ctx context.Context, n int) *database.DB {
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		log.Fatal(err)
	}
	m, err := orm.MetaOf[Question]()
	if err != nil {
		log.Fatal(err)
	}
	schema, err := m.TableSchema(db.Dialect())
	if err != nil {
		log.Fatal(err)
	}
	stmts, err := db.Dialect().CreateTable(schema)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s); err != nil {
			log.Fatal(err)
		}
	}
	for i := range n {
		q := Question{Text: fmt.Sprintf("Question %d?", i+1), PubDate: time.Date(2026, 1, i+1, 12, 0, 0, 0, time.UTC)}
		if err := orm.Insert(ctx, db, &q); err != nil {
			log.Fatal(err)
		}
	}
	return db
}

// pollsPages are the polls' templates, as an app ships them.
var pollsPages = templates.New(templates.Options{Dirs: []fs.FS{fstest.MapFS{
	"polls/index.html": {Data: []byte(`{{range .latest_question_list}}<li>{{.Text}}</li>{{end}}` +
		`{{if .is_paginated}} page {{.page_obj.Number}} of {{.page_obj.NumPages}}{{end}}`)},
	"polls/detail.html": {Data: []byte(`<h1>{{.question.Text}}</h1>`)},
	"about.html":        {Data: []byte(`About {{.site}}`)},
}}})

// show serves a GET of target with h and prints the answer.
func show(h http.Handler, target string) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	fmt.Print(target, " → ", w.Code)
	if loc := w.Header().Get("Location"); loc != "" {
		fmt.Print(" ", loc)
	}
	if w.Code == http.StatusOK {
		fmt.Print(" ", w.Body.String())
	}
	fmt.Println()
}

// The polls' views of Django's tutorial, part 4: generic views over
// querysets, each an http.Handler in a route.
func Example() {
	ctx := context.Background()
	db := openQuestions(ctx, 3)
	defer db.Close()

	latest := func(*http.Request) orm.QuerySet[Question] {
		return orm.Query[Question](db).OrderBy("-pub_date")
	}
	router, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: slog.New(slog.DiscardHandler)}},
		web.Include("polls/", "polls",
			web.Path("", views.ListView[Question]{
				Renderer: pollsPages, Template: "polls/index.html", ContextName: "latest_question_list",
				Query:      latest,
				PaginateBy: 2, // "page_obj", "is_paginated", ?page=N or ?page=last
			}, "index"),
			web.Path("<int:pk>/", views.DetailView[Question]{
				Renderer: pollsPages, Template: "polls/detail.html", ContextName: "question", Query: latest,
			}, "detail"),
			web.Path("old/<int:pk>/", views.RedirectView{Name: "polls:detail", Permanent: true}, ""),
		),
		web.Path("about/", views.TemplateView{Renderer: pollsPages, Template: "about.html",
			Data: func(*http.Request) (templates.Data, error) { return templates.Data{"site": "Polls"}, nil },
		}, "about"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	show(router, "/polls/")
	show(router, "/polls/?page=last")
	show(router, "/polls/?page=9") // past the end: a 404
	show(router, "/polls/2/")
	show(router, "/polls/7/") // no such question: a 404
	show(router, "/polls/old/2/")
	show(router, "/about/")
	// Output:
	// /polls/ → 200 <li>Question 3?</li><li>Question 2?</li> page 1 of 2
	// /polls/?page=last → 200 <li>Question 1?</li> page 2 of 2
	// /polls/?page=9 → 404
	// /polls/2/ → 200 <h1>Question 2?</h1>
	// /polls/7/ → 404
	// /polls/old/2/ → 301 /polls/2/
	// /about/ → 200 About Polls
}

// A view written by hand: a web.HandlerFunc returns the ORM's "does not
// exist" as a 404, and any other error as a 500.
func Example_handlerFunc() {
	ctx := context.Background()
	db := openQuestions(ctx, 1)
	defer db.Close()

	detail := func(w http.ResponseWriter, r *http.Request) error {
		q, err := orm.Query[Question](db).Filter("pk", web.Param[int](r, "pk")).Get(r.Context())
		if errors.Is(err, orm.ErrDoesNotExist) {
			return web.NotFound("No question found matching the query")
		}
		if err != nil {
			return err // a 500: logged, never shown without Debug
		}
		return pollsPages.Render(w, r, "polls/detail.html", templates.Data{"question": q})
	}
	router, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: slog.New(slog.DiscardHandler)}},
		web.Path("polls/<int:pk>/", web.HandlerFunc(detail), "detail"))
	if err != nil {
		fmt.Println(err)
		return
	}
	show(router, "/polls/1/")
	show(router, "/polls/2/")
	// Output:
	// /polls/1/ → 200 <h1>Question 1?</h1>
	// /polls/2/ → 404
}

// Paginate is Django's Paginator: the page of a queryset, with what a
// template needs to link the others.
func ExamplePaginate() {
	ctx := context.Background()
	db := openQuestions(ctx, 5)
	defer db.Close()

	page, err := views.Paginate(ctx, orm.Query[Question](db).OrderBy("pk"), 2, "2")
	if err != nil {
		fmt.Println(err)
		return
	}
	var texts []string
	for _, q := range page.Items {
		texts = append(texts, q.Text)
	}
	fmt.Println(strings.Join(texts, " "))
	fmt.Println(page.Number, page.NumPages, page.PageRange(), page.StartIndex(), page.EndIndex(), page.HasPrevious(), page.HasNext())

	_, err = views.Paginate(ctx, orm.Query[Question](db), 2, "4")
	var he *web.Error
	fmt.Println(errors.As(err, &he), he.Status)
	// Output:
	// Question 3? Question 4?
	// 2 3 [1 2 3] 3 4 true true
	// true 404
}

// CreateView is a model form: shown on GET, saved on a valid POST, which
// redirects; an invalid one shows the form again with its errors.
func ExampleCreateView() {
	ctx := context.Background()
	db := openQuestions(ctx, 1)
	defer db.Close()

	form := templates.New(templates.Options{Dirs: []fs.FS{fstest.MapFS{
		"polls/question_form.html": {Data: []byte(`{{range $name, $errs := .form.Errors}}{{$name}}: {{index $errs 0}}{{end}}`)},
	}}})
	router, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: slog.New(slog.DiscardHandler)}},
		web.Path("polls/new/", views.CreateView[Question]{
			Renderer: form, Template: "polls/question_form.html",
			DB:      func(*http.Request) (*database.DB, error) { return db, nil },
			Options: modelform.Options{Fields: []string{"text", "pub_date"}},
			Success: "detail", SuccessArgs: func(q *Question) []any { return []any{q.ID} },
		}, "new"),
		web.Path("polls/<int:pk>/", http.NotFoundHandler(), "detail"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, body := range []string{"text=New%3F&pub_date=2026-02-01+12%3A00", "text=&pub_date=2026-02-01+12%3A00"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/polls/new/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		router.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Location")+w.Body.String())
	}
	n, err := orm.Query[Question](db).Count(ctx)
	fmt.Println(n, "questions", err)
	// Output:
	// 302 /polls/2/
	// 200 text: This field is required.
	// 2 questions <nil>
}

// The editing views side by side, as in a urls.go. (Compiled, not run:
// ExampleCreateView runs one.)
func Example_editing() {
	var db *database.DB
	var p views.Renderer // the project: *nuages.Project
	type Contact struct {
		Email   string `form:"type=email"`
		Message string `form:"widget=textarea"`
	}
	published := func(*http.Request) orm.QuerySet[Question] {
		return orm.Query[Question](db).Filter("pub_date__lte", time.Now())
	}
	dbOf := func(*http.Request) (*database.DB, error) { return db, nil }
	_ = []web.Pattern{
		web.Path("new/", views.CreateView[Question]{
			Renderer: p, Template: "polls/question_form.html", DB: dbOf,
			Options: modelform.Options{Fields: []string{"text", "pub_date"}},
			Success: "polls:detail", SuccessArgs: func(q *Question) []any { return []any{q.ID} },
		}, "new"),
		web.Path("<int:pk>/edit/", views.UpdateView[Question]{
			Renderer: p, Template: "polls/question_form.html", DB: dbOf, Query: published,
			Options: modelform.Options{Fields: []string{"text"}}, Success: "polls:index",
		}, "edit"),
		web.Path("<int:pk>/delete/", views.DeleteView[Question]{
			Renderer: p, Template: "polls/question_confirm_delete.html", DB: dbOf, Query: published, Success: "polls:index",
		}, "delete"),
		web.Path("contact/", views.FormView[Contact]{
			Renderer: p, Template: "contact.html", Success: "thanks",
			Valid: func(w http.ResponseWriter, r *http.Request, f *forms.Form[Contact]) error { return nil }, // send f.Value
		}, "contact"),
	}
}
