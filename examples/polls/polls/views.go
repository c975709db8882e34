package polls

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/messages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

// Renderer renders the app's templates: the project.
type Renderer interface {
	Render(w io.Writer, r *http.Request, name string, data templates.Data) error
}

// URLs are the app's routes, Django's polls/urls.py (app_name = "polls"):
// include them under a prefix with the namespace "polls".
//
//	web.Include("polls/", "polls", polls.URLs(db, project)...)
func URLs(db *database.DB, pages Renderer) []web.Pattern {
	h := &handlers{db: db, pages: pages}
	return []web.Pattern{
		web.Path("", views.ListView[Question]{
			Renderer: pages, Template: "polls/index.html", ContextName: "latest_question_list",
			Query: func(*http.Request) orm.QuerySet[Question] { return h.published().OrderBy("-pub_date").Limit(5) },
		}, "index"),
		web.Path("<int:pk>/", views.DetailView[Question]{
			Renderer: pages, Template: "polls/detail.html", ContextName: "question",
			Query: func(*http.Request) orm.QuerySet[Question] { return h.published() }, Data: h.choices,
		}, "detail"),
		web.Path("<int:pk>/results/", views.DetailView[Question]{
			Renderer: pages, Template: "polls/results.html", ContextName: "question",
			Query: func(*http.Request) orm.QuerySet[Question] { return h.published() }, Data: h.choices,
		}, "results"),
		// Voting needs a user, as the "login-protected voting".
		web.Path("POST <int:question_id>/vote/", auth.LoginRequired(web.HandlerFunc(h.vote)), "vote"),
		// Beyond the tutorial: a question asked through a model form.
		web.Path("new/", views.CreateView[Question]{
			Renderer: pages, Template: "polls/question_form.html",
			DB:      func(*http.Request) (*database.DB, error) { return db, nil },
			Options: modelform.Options{Fields: []string{"text", "pub_date"}},
			Success: "polls:detail", SuccessArgs: func(q *Question) []any { return []any{q.ID} },
		}, "new"),
	}
}

type handlers struct {
	db    *database.DB
	pages Renderer
}

// published are the questions published by now: those of the future stay
// hidden, as in the tutorial's part 5.
func (h *handlers) published() orm.QuerySet[Question] {
	return orm.Query[Question](h.db).Filter("pub_date__lte", time.Now())
}

// choices adds the question's choices to a detail page's data.
func (h *handlers) choices(r *http.Request, data templates.Data) error {
	q := data["question"].(Question)
	choices, err := orm.Query[Choice](h.db).Filter("question", q.ID).OrderBy("id").All(r.Context())
	data["choices"] = choices
	return err
}

// vote counts a vote for the chosen choice, with an F update in a
// transaction so that two votes at once both count, then redirects to the
// results (so that reloading the page does not vote again). Without a
// valid choice, the question's page again, with a message.
func (h *handlers) vote(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, err := h.published().Filter("pk", web.Param[int](r, "question_id")).Get(ctx)
	if errors.Is(err, orm.ErrDoesNotExist) {
		return web.NotFound("No question found matching the query")
	} else if err != nil {
		return err
	}
	choice, err := strconv.ParseInt(r.PostFormValue("choice"), 10, 64)
	var voted int64
	if err == nil {
		err = h.db.Atomic(ctx, func(ctx context.Context) error {
			voted, err = orm.Query[Choice](h.db).Filter("pk", choice).Filter("question", q.ID).
				Update(ctx, orm.Set{"votes": orm.F("votes").Add(1)})
			return err
		})
		if err != nil {
			return err
		}
	}
	if voted == 0 {
		data := templates.Data{"question": q, "error_message": "You didn't select a choice."}
		if err := h.choices(r, data); err != nil {
			return err
		}
		return h.pages.Render(w, r, "polls/detail.html", data)
	}
	if err := messages.AddSuccess(r, "Your vote was counted."); err != nil && !errors.Is(err, messages.ErrNotInstalled) {
		return err
	}
	return web.Redirect(w, r, "polls:results", q.ID)
}
