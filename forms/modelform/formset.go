package modelform

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/orm"
)

// FormSetOptions configures a FormSet: the fields of each form, and the
// formset's counts and abilities (see forms.FormSet).
type FormSetOptions struct {
	Options
	Extra, Min, Max          int
	ValidateMin, ValidateMax bool
	CanDelete                bool
	// ParentField names the ForeignKey of T to a parent row, for an
	// inline formset (Django's inlineformset_factory): the field is left
	// out of the forms and set to ParentID on every row saved.
	ParentField string
	ParentID    int64
}

// FormSet edits rows of T together, Django's model formset (and, with a
// ParentField, inline formset): one form per existing row, Extra empty
// forms for new rows, deletion of rows. Its embedded forms.FormSet binds,
// validates and renders.
type FormSet[T any] struct {
	*forms.FormSet[forms.Values]

	db     *database.DB
	opts   FormSetOptions
	rows   []*T
	byForm map[int]*Form[T]
	parent *orm.Field
}

// NewFormSet returns a formset over rows (the existing ones, which it
// edits in place). Options are checked as New checks them.
func NewFormSet[T any](ctx context.Context, db *database.DB, rows []*T, opts FormSetOptions) (*FormSet[T], error) {
	fs := &FormSet[T]{db: db, opts: opts, rows: rows, byForm: map[int]*Form[T]{}}
	if opts.ParentField != "" {
		m, err := orm.MetaOf[T]()
		if err != nil {
			return nil, err
		}
		pf, ok := m.Field(opts.ParentField)
		if !ok || !pf.IsRelation() {
			return nil, fmt.Errorf("modelform: %s has no ForeignKey %q for an inline formset", m.Name, opts.ParentField)
		}
		fs.parent = pf
		fs.opts.Exclude = append(slices.Clone(opts.Exclude), opts.ParentField)
		if len(opts.Fields) > 0 {
			fs.opts.Fields = slices.DeleteFunc(slices.Clone(opts.Fields), func(n string) bool { return n == opts.ParentField })
		}
	}
	initial := make([]forms.Values, len(rows))
	for i, row := range rows {
		f, err := New(ctx, db, row, fs.opts.Options)
		if err != nil {
			return nil, err
		}
		fs.byForm[i] = f
		initial[i] = maps.Clone(f.Initial) // the form keeps its own; SetInitial fills Value from this
	}
	if len(rows) == 0 { // check the options once even without rows
		if _, err := New[T](ctx, db, nil, fs.opts.Options); err != nil {
			return nil, err
		}
	}
	fs.FormSet = &forms.FormSet[forms.Values]{
		Initial: initial, Extra: opts.Extra, Min: opts.Min, Max: opts.Max,
		ValidateMin: opts.ValidateMin, ValidateMax: opts.ValidateMax, CanDelete: opts.CanDelete,
		New: fs.form,
	}
	return fs, nil
}

// form builds form i: the existing row's, or a new row's (which needs no
// query, hence no request context).
func (fs *FormSet[T]) form(i int) *forms.Form[forms.Values] {
	f, ok := fs.byForm[i]
	if !ok {
		var err error
		if f, err = New[T](context.Background(), fs.db, nil, fs.opts.Options); err != nil {
			panic(err) // NewFormSet built the same options already
		}
		fs.byForm[i] = f
	}
	if fs.parent != nil {
		fs.parent.Value(f.Instance).FieldByName("ID").SetInt(fs.opts.ParentID)
	}
	return f.Form
}

// Bind binds the formset to what r sent.
func (fs *FormSet[T]) Bind(r *http.Request) error {
	fs.reset()
	return fs.FormSet.Bind(r)
}

// BindValues binds the formset to data and files.
func (fs *FormSet[T]) BindValues(data url.Values, files forms.Files) {
	fs.reset()
	fs.FormSet.BindValues(data, files)
}

// reset forgets the forms of new rows, so that a new binding builds them
// afresh.
func (fs *FormSet[T]) reset() {
	for i, f := range fs.byForm {
		if i >= len(fs.rows) {
			delete(fs.byForm, i)
			continue
		}
		f.validated = false
	}
}

// IsValid validates the formset as forms.FormSet does, then each kept form
// as a ModelForm (uniqueness, the model's own checks).
func (fs *FormSet[T]) IsValid(ctx context.Context) (bool, error) {
	if _, err := fs.FormSet.IsValid(ctx); err != nil || !fs.IsBound() {
		return false, err
	}
	for _, i := range fs.Kept() {
		f := fs.byForm[i]
		if f.validated {
			continue
		}
		if err := f.modelClean(ctx); err != nil {
			return false, err
		}
		f.validated, f.valid = true, len(f.Errors()) == 0
	}
	return fs.FormSet.IsValid(ctx) // the forms' errors, model ones included
}

// Save writes the kept rows (their many-to-many pairs too) and deletes the
// rows marked for deletion, in one transaction, and returns the rows
// saved.
func (fs *FormSet[T]) Save(ctx context.Context) ([]*T, error) {
	if ok, _ := fs.FormSet.IsValid(ctx); !ok {
		return nil, ErrNotValid
	}
	var saved []*T
	err := fs.db.Atomic(ctx, func(ctx context.Context) error {
		for _, i := range fs.Deleted() {
			if err := orm.Delete(ctx, fs.db, fs.rows[i]); err != nil {
				return err
			}
		}
		for _, i := range fs.Kept() {
			f := fs.byForm[i]
			if _, err := f.Save(ctx); err != nil {
				return err
			}
			saved = append(saved, f.Instance)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}
