package forms

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nuages-go/nuages/templates"
)

// FormSet is several forms of one kind edited together, Django's formset:
// the rows of an order, the choices of a poll. Each form's inputs are
// named with its own prefix ("form-0-title"), and a management form of
// hidden inputs ("form-TOTAL_FORMS", "form-INITIAL_FORMS", ...) tells how
// many were sent. Set the options, then Bind, IsValid and read Values;
// render with HTML. A FormSet serves one request.
type FormSet[T any] struct {
	// New builds form i (0, 1, ...): its fields, Renderer, Location; the
	// index lets a model formset give each form its row. forms.New[T]
	// when nil. The formset then sets the form's Prefix, its initial
	// value from Initial[i] and its binding.
	New func(i int) *Form[T]
	// Prefix is the management form's and the forms' prefix; "form" when
	// empty.
	Prefix string
	// Initial are the values of the existing rows, one form each, given to
	// each form's SetInitial; Min and then Extra empty forms follow them.
	Initial []T
	Extra   int
	// Min and Max bound how many forms (not deleted) are valid, checked
	// when ValidateMin and ValidateMax are set; Max also bounds how many
	// empty forms are shown. Max is 1000 when 0. Whatever the submission
	// says, at most AbsoluteMax forms are read (Max + 1000 when 0), so a
	// hostile TOTAL_FORMS costs nothing.
	Min, Max, AbsoluteMax    int
	ValidateMin, ValidateMax bool
	// CanDelete adds a "Delete" box to each form; CanOrder an "Order"
	// number, by which Values sorts the forms.
	CanDelete, CanOrder bool
	// Clean checks the forms together once each is valid, Django's
	// BaseFormSet.clean: it returns *Error values (non-form errors) or
	// another error, which IsValid returns.
	Clean func(ctx context.Context, fs *FormSet[T]) error

	forms     []*Form[T]
	bound     bool
	data      url.Values
	files     Files
	nonForm   []*Error
	validated bool
}

// Names of the management form's inputs, after the prefix and a "-".
const (
	totalForms   = "TOTAL_FORMS"
	initialForms = "INITIAL_FORMS"
	minNumForms  = "MIN_NUM_FORMS"
	maxNumForms  = "MAX_NUM_FORMS"
	deleteField  = "DELETE"
	orderField   = "ORDER"
)

func (fs *FormSet[T]) prefix() string { return cmpStr(fs.Prefix, "form") }
func (fs *FormSet[T]) max() int       { return cmp0(fs.Max, 1000) }
func (fs *FormSet[T]) absoluteMax() int {
	if fs.AbsoluteMax > 0 {
		return fs.AbsoluteMax
	}
	return fs.max() + 1000
}

// IsBound reports whether the formset was bound to a submission.
func (fs *FormSet[T]) IsBound() bool { return fs.bound }

// Bind binds the formset to what r sent, as Form.Bind.
func (fs *FormSet[T]) Bind(r *http.Request) error {
	probe := New[Values]() // reads the body within the same limits as a form
	if err := probe.Bind(r); err != nil {
		return err
	}
	fs.BindValues(probe.data, probe.files)
	return nil
}

// BindValues binds the formset to data and files.
func (fs *FormSet[T]) BindValues(data url.Values, files Files) {
	fs.bound, fs.data, fs.files = true, data, files
	fs.forms, fs.nonForm, fs.validated = nil, nil, false
}

// total is how many forms there are: what the management form says for a
// bound formset (capped at AbsoluteMax), else the initial and extra ones.
func (fs *FormSet[T]) total() (n int, ok bool) {
	if !fs.bound {
		// Django's total_form_count: the initial forms, Min more, Extra
		// more, no more than Max unless the initial ones are more.
		initial := len(fs.Initial)
		n = initial + fs.Min + fs.Extra
		switch {
		case initial > fs.max():
			n = initial
		case n > fs.max():
			n = fs.max()
		}
		return n, true
	}
	n, err := strconv.Atoi(fs.data.Get(fs.prefix() + "-" + totalForms))
	if err != nil || n < 0 {
		return 0, false
	}
	if _, err := strconv.Atoi(fs.data.Get(fs.prefix() + "-" + initialForms)); err != nil {
		return 0, false
	}
	return min(n, fs.absoluteMax()), true
}

// initialCount is how many forms edit existing rows.
func (fs *FormSet[T]) initialCount() int {
	if fs.bound {
		n, _ := strconv.Atoi(fs.data.Get(fs.prefix() + "-" + initialForms))
		return max(min(n, len(fs.Initial)), 0)
	}
	return len(fs.Initial)
}

// Forms returns the forms, built on first use: one per initial value, then
// the extra ones (or as many as a bound formset's management form says).
func (fs *FormSet[T]) Forms() []*Form[T] {
	if fs.forms != nil {
		return fs.forms
	}
	n, _ := fs.total()
	initial := fs.initialCount()
	for i := range n {
		var f *Form[T]
		if fs.New != nil {
			f = fs.New(i)
		} else {
			f = New[T]()
		}
		f.Prefix = fs.prefix() + "-" + strconv.Itoa(i)
		f.noRequiredAttr = true // an extra form may be left empty: the browser must not insist
		if i < len(fs.Initial) {
			f.SetInitial(fs.Initial[i])
		}
		if fs.CanOrder {
			var init any
			if i < initial {
				init = int64(i + 1)
			}
			f.addField(Field{Name: orderField, Label: "Order", Type: Integer{}, Optional: true, Initial: init})
		}
		if fs.CanDelete {
			f.addField(Field{Name: deleteField, Label: "Delete", Type: Boolean{}, Optional: true})
		}
		if fs.bound {
			f.BindValues(fs.data, fs.files)
		}
		fs.forms = append(fs.forms, f)
	}
	return fs.forms
}

// addField adds fd to the form's fields (a formset's Delete and Order).
func (f *Form[T]) addField(fd Field) {
	fd.prepare()
	if f.field(fd.Name) == nil {
		f.fields = append(f.fields, &fd)
	}
}

// IsValid validates every form and the formset as a whole, Django's
// formset.is_valid(): the management form must be there and sane; an
// extra form left untouched is skipped (empty_permitted), a form marked
// for deletion is not validated; then Min and Max, then Clean. Non-form
// problems are in NonFormErrors, each form's in its Errors.
func (fs *FormSet[T]) IsValid(ctx context.Context) (bool, error) {
	if !fs.bound {
		return false, nil
	}
	if fs.validated {
		return fs.valid(), nil
	}
	fs.validated = true
	if _, ok := fs.total(); !ok {
		var missing []string
		for _, k := range []string{totalForms, initialForms} {
			if _, err := strconv.Atoi(fs.data.Get(fs.prefix() + "-" + k)); err != nil {
				missing = append(missing, fs.prefix()+"-"+k)
			}
		}
		fs.nonForm = append(fs.nonForm, &Error{Code: "missing_management_form",
			Message: "ManagementForm data is missing or has been tampered with. Missing fields: {field_names}. You may need to file a bug report if the issue persists.",
			Params:  map[string]any{"field_names": strings.Join(missing, ", ")}})
		return false, nil
	}
	initial := fs.initialCount()
	kept := 0
	for i, f := range fs.Forms() {
		if fs.deleted(f) {
			continue
		}
		if i >= initial && !f.HasChanged() {
			continue // an extra form left empty
		}
		kept++
		if _, err := f.IsValid(ctx); err != nil {
			return false, err
		}
	}
	sent, _ := strconv.Atoi(fs.data.Get(fs.prefix() + "-" + totalForms))
	switch {
	case fs.ValidateMax && (kept > fs.max() || sent > fs.absoluteMax()):
		fs.nonForm = append(fs.nonForm, &Error{Code: "too_many_forms", Message: "Please submit at most {num} forms.", Params: map[string]any{"num": fs.max()}})
	case fs.ValidateMin && kept < fs.Min:
		fs.nonForm = append(fs.nonForm, &Error{Code: "too_few_forms", Message: "Please submit at least {num} forms.", Params: map[string]any{"num": fs.Min}})
	}
	if fs.Clean != nil && fs.formsValid() {
		if err := fs.Clean(ctx, fs); err != nil {
			errs, ok := validationErrors(err)
			if !ok {
				return false, err
			}
			fs.nonForm = append(fs.nonForm, errs...)
		}
	}
	return fs.valid(), nil
}

func (fs *FormSet[T]) formsValid() bool {
	for _, f := range fs.forms {
		if len(f.errors) > 0 && !fs.deleted(f) {
			return false
		}
	}
	return true
}

func (fs *FormSet[T]) valid() bool { return len(fs.nonForm) == 0 && fs.formsValid() }

// deleted reports whether f's Delete box was checked.
func (fs *FormSet[T]) deleted(f *Form[T]) bool {
	if !fs.CanDelete || !f.bound {
		return false
	}
	v, _ := Boolean{}.Convert(context.Background(), CheckboxInput{}.Read(f.data, f.files, f.htmlName(deleteField)))
	return v == true
}

// NonFormErrors are the formset's own problems: a missing management
// form, too many or too few forms, Clean's.
func (fs *FormSet[T]) NonFormErrors() []*Error { return fs.nonForm }

// Values returns the cleaned value of each kept form (see Kept), Django's
// cleaned_data of the formset.
func (fs *FormSet[T]) Values() []T {
	var out []T
	for _, i := range fs.Kept() {
		out = append(out, fs.forms[i].Value)
	}
	return out
}

// Kept returns the indexes of the valid forms that were filled in (or edit
// a row) and not deleted, in order: by Order when CanOrder (forms without
// one last), Django's ordered_forms.
func (fs *FormSet[T]) Kept() []int {
	type row struct {
		i     int
		order int64
		has   bool
	}
	var rows []row
	initial := fs.initialCount()
	for i, f := range fs.Forms() {
		if !f.validated || len(f.errors) > 0 || fs.deleted(f) || (i >= initial && !f.HasChanged()) {
			continue
		}
		r := row{i: i}
		if o, ok := f.cleaned[orderField].(int64); ok {
			r.order, r.has = o, true
		}
		rows = append(rows, r)
	}
	if fs.CanOrder {
		slices.SortStableFunc(rows, func(a, b row) int {
			switch {
			case a.has && b.has:
				return int(max(min(a.order-b.order, 1), -1))
			case a.has:
				return -1
			case b.has:
				return 1
			}
			return 0
		})
	}
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.i
	}
	return out
}

// Deleted returns the indexes of the initial forms marked for deletion:
// the rows to delete.
func (fs *FormSet[T]) Deleted() []int {
	var out []int
	for i, f := range fs.Forms() {
		if i < fs.initialCount() && fs.deleted(f) {
			out = append(out, i)
		}
	}
	return out
}

// HTML renders the management form, the non-form errors, then each form
// (forms/formset.html).
func (fs *FormSet[T]) HTML() (template.HTML, error) {
	forms := fs.Forms()
	total := len(forms)
	mgmt := []struct{ Name, Value string }{
		{fs.prefix() + "-" + totalForms, strconv.Itoa(total)},
		{fs.prefix() + "-" + initialForms, strconv.Itoa(fs.initialCount())},
		{fs.prefix() + "-" + minNumForms, strconv.Itoa(fs.Min)},
		{fs.prefix() + "-" + maxNumForms, strconv.Itoa(fs.max())},
	}
	var rendered []template.HTML
	var r Renderer = defaultRenderer
	for _, f := range forms {
		h, err := f.HTML()
		if err != nil {
			return "", err
		}
		rendered = append(rendered, h)
		r = f.renderer()
	}
	if len(forms) == 0 && fs.New != nil {
		r = fs.New(0).renderer()
	}
	var buf bytes.Buffer
	err := r.Render(&buf, nil, "forms/formset.html", templates.Data{
		"management": mgmt, "errors": fs.nonForm, "forms": rendered,
	})
	if err != nil {
		return "", err
	}
	return trimmed(&buf), nil
}
