package forms_test

import (
	"net/http"

	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// A view with a form: shown on GET, bound and validated on POST, and a
// redirect once it is valid, so that reloading the page does not post
// again. (Compiled, not run: it needs a site; ExampleNew runs the form.)
func Example_view() {
	var engine *templates.Engine // the project's: p.Render renders the same way
	send := func(Contact) {}

	contact := func(w http.ResponseWriter, r *http.Request) error {
		f := forms.New[Contact]()
		f.Renderer = engine // so the project's form templates win
		if r.Method == http.MethodPost {
			if err := f.Bind(r); err != nil {
				return err // a malformed body: a 400 the error handler writes
			}
			ok, err := f.IsValid(r.Context())
			if err != nil {
				return err // a hook failed in a way that is not the user's fault
			}
			if ok {
				send(f.Value) // the cleaned Contact
				return web.Redirect(w, r, "contact:thanks")
			}
		}
		return engine.Render(w, r, "contact.html", templates.Data{"form": f})
	}
	_ = web.Path("contact/", web.HandlerFunc(contact), "contact")
}

// Line is one line of an order, edited in a formset.
type Line struct {
	Product string `form:"max_length=50"`
	Qty     int    `form:"min=1"`
}

// A formset edits several forms of one kind together: the existing lines,
// two empty ones, and a box to delete each. (Compiled, not run.)
func ExampleFormSet() {
	var engine *templates.Engine
	var existing []Line
	save := func(kept []Line, deleted []int) {}

	edit := func(w http.ResponseWriter, r *http.Request) error {
		fs := &forms.FormSet[Line]{
			Initial:   existing, // one form each
			Extra:     2,        // and two empty ones
			CanDelete: true,
			Max:       50, ValidateMax: true,
		}
		if r.Method == http.MethodPost {
			if err := fs.Bind(r); err != nil {
				return err
			}
			ok, err := fs.IsValid(r.Context())
			if err != nil {
				return err
			}
			if ok {
				save(fs.Values(), fs.Deleted()) // the kept lines; the indexes of the initial ones to delete
				return web.Redirect(w, r, "orders:detail", 1)
			}
		}
		return engine.Render(w, r, "orders/edit.html", templates.Data{"formset": fs}) // {{.formset.HTML}} inside the <form>
	}
	_ = web.HandlerFunc(edit)
}
