package views

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// FormView shows a form on GET and handles its POST, as Django's
// FormView: an invalid form is shown again with the user's input and the
// errors (200); a valid one goes to Valid, then the browser is redirected
// to Success (a route name or an on-site URL, as web.Redirect takes),
// so that reloading the page does not post again. The template gets the
// form as "form". Other methods are 405.
type FormView[T any] struct {
	Renderer Renderer
	Template string
	// Form builds the form (with its initial values); forms.New[T]()
	// when nil.
	Form func(r *http.Request) (*forms.Form[T], error)
	// Valid acts on a valid form: its cleaned values are in f.Value. To
	// refuse it after all, add an error (f.AddError) and return
	// ErrInvalid: the form is shown again.
	Valid   func(w http.ResponseWriter, r *http.Request, f *forms.Form[T]) error
	Success string
	Data    func(r *http.Request, data templates.Data) error
}

// ErrInvalid, returned by a Valid hook, shows the form again with the
// errors the hook added.
var ErrInvalid = errors.New("views: the form is invalid")

func (v FormView[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		f := forms.New[T]()
		if v.Form != nil {
			var err error
			if f, err = v.Form(r); err != nil {
				return err
			}
		}
		f.Renderer = v.Renderer
		show := func() error { return render(w, r, v.Renderer, v.Template, templates.Data{"form": f}, v.Data) }
		return handleForm(r, f, show, func() error {
			if v.Valid != nil {
				if err := v.Valid(w, r, f); err != nil {
					return err
				}
			}
			return web.Redirect(w, r, v.Success)
		})
	}).ServeHTTP(w, r)
}

// boundForm is what handleForm needs of a form or a model form.
type boundForm interface {
	Bind(r *http.Request) error
	IsValid(ctx context.Context) (bool, error)
}

// handleForm is the GET/POST cycle of the editing views: show on GET;
// on POST, bind and validate, then valid() or show again. A valid()
// returning ErrInvalid shows the form again too.
func handleForm(r *http.Request, f boundForm, show, valid func() error) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return show()
	case http.MethodPost:
	default:
		return web.MethodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost)
	}
	if err := f.Bind(r); err != nil {
		return err // a malformed or oversized body: the *web.Error says which
	}
	ok, err := f.IsValid(r.Context())
	if err != nil {
		return err
	}
	if ok {
		if err = valid(); !errors.Is(err, ErrInvalid) {
			return err
		}
	}
	return show()
}

// CreateView shows an empty model form for T and, on a valid POST, saves
// the new row and redirects to Success with SuccessArgs of the row, as
// Django's CreateView. The template gets "form".
type CreateView[T any] struct {
	Renderer Renderer
	Template string
	DB       func(r *http.Request) (*database.DB, error)
	// Options chooses the fields (Django's fields = [...]).
	Options modelform.Options
	// Valid runs on a valid form before the row is saved: set the fields
	// the form does not show (the owner), or return ErrInvalid after
	// f.AddError.
	Valid       func(r *http.Request, f *modelform.Form[T]) error
	Success     string
	SuccessArgs func(obj *T) []any
	Data        func(r *http.Request, data templates.Data) error
}

func (v CreateView[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return v.serve(w, r, nil, templates.Data{})
	}).ServeHTTP(w, r)
}

// UpdateView is CreateView for the existing row found as DetailView
// finds it (PKParam, SlugParam): the form starts from the row, which the
// template also gets as "object". No such row is a 404.
type UpdateView[T any] struct {
	Renderer    Renderer
	Template    string
	DB          func(r *http.Request) (*database.DB, error)
	Query       func(r *http.Request) orm.QuerySet[T]
	PKParam     string
	SlugParam   string
	SlugField   string
	Options     modelform.Options
	Valid       func(r *http.Request, f *modelform.Form[T]) error
	Success     string
	SuccessArgs func(obj *T) []any
	Data        func(r *http.Request, data templates.Data) error
}

func (v UpdateView[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		obj, err := DetailView[T]{Query: v.Query, PKParam: v.PKParam, SlugParam: v.SlugParam, SlugField: v.SlugField}.object(r)
		if err != nil {
			return err
		}
		create := CreateView[T]{v.Renderer, v.Template, v.DB, v.Options, v.Valid, v.Success, v.SuccessArgs, v.Data}
		return create.serve(w, r, &obj, templates.Data{"object": &obj})
	}).ServeHTTP(w, r)
}

// serve is what CreateView and UpdateView share: a model form on instance
// (a new row when nil), shown, validated, saved.
func (v CreateView[T]) serve(w http.ResponseWriter, r *http.Request, instance *T, data templates.Data) error {
	db, err := v.DB(r)
	if err != nil {
		return err
	}
	f, err := modelform.New(r.Context(), db, instance, v.Options)
	if err != nil {
		return err
	}
	f.Renderer = v.Renderer
	data["form"] = f
	show := func() error { return render(w, r, v.Renderer, v.Template, data, v.Data) }
	return handleForm(r, f, show, func() error {
		if v.Valid != nil {
			if err := v.Valid(r, f); err != nil {
				return err
			}
		}
		obj, err := f.Save(r.Context())
		if err != nil {
			return err
		}
		var args []any
		if v.SuccessArgs != nil {
			args = v.SuccessArgs(obj)
		}
		return web.Redirect(w, r, v.Success, args...)
	})
}

// DeleteView asks for confirmation on GET (the template gets "object")
// and deletes the row on POST, then redirects to Success, as Django's
// DeleteView: a GET never deletes. Other methods are 405.
type DeleteView[T any] struct {
	Renderer  Renderer
	Template  string
	DB        func(r *http.Request) (*database.DB, error)
	Query     func(r *http.Request) orm.QuerySet[T]
	PKParam   string
	SlugParam string
	SlugField string
	Success   string
	Data      func(r *http.Request, data templates.Data) error
}

func (v DeleteView[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		obj, err := DetailView[T]{Query: v.Query, PKParam: v.PKParam, SlugParam: v.SlugParam, SlugField: v.SlugField}.object(r)
		if err != nil {
			return err
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			return render(w, r, v.Renderer, v.Template, templates.Data{"object": &obj}, v.Data)
		case http.MethodPost:
		default:
			return web.MethodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost)
		}
		db, err := v.DB(r)
		if err != nil {
			return err
		}
		if err := orm.Delete(r.Context(), db, &obj); err != nil {
			if errors.Is(err, orm.ErrProtected) {
				return &web.Error{Status: http.StatusConflict, Message: fmt.Sprintf("This cannot be deleted: %v", err), Err: err}
			}
			return err
		}
		return web.Redirect(w, r, v.Success)
	}).ServeHTTP(w, r)
}

// render renders template with data, after the view's Data hook.
func render(w http.ResponseWriter, r *http.Request, rd Renderer, template string, data templates.Data, hook func(*http.Request, templates.Data) error) error {
	if hook != nil {
		if err := hook(r, data); err != nil {
			return err
		}
	}
	return rd.Render(w, r, template, data)
}
