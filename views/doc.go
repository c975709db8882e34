// Package views has Django's generic views and paginator: TemplateView,
// RedirectView, ListView and DetailView over the ORM's querysets, the
// editing views FormView, CreateView, UpdateView and DeleteView, and
// Paginate. Each view is an http.Handler whose errors (a page or an object
// that does not exist, a form that cannot be read) go to the site's one
// ErrorHandler, as web.HandlerFunc's do.
//
//	web.Path("", views.ListView[Question]{
//		Renderer: p, Template: "polls/index.html", ContextName: "latest_question_list",
//		Query: func(r *http.Request) orm.QuerySet[Question] { return orm.Query[Question](db).OrderBy("-pub_date").Limit(5) },
//	}, "index"),
//	web.Path("<int:pk>/", views.DetailView[Question]{Renderer: p, Template: "polls/detail.html", Query: ...}, "detail"),
//
// A Renderer is what renders templates: the project (nuages.Project) or a
// templates.Engine. The package's examples run these views on an
// in-memory database.
package views
