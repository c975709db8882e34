// Package modelform builds forms from models, Django's ModelForm: the
// fields come from the model's metadata (types, max lengths, choices,
// blank, verbose names, help texts), validation adds the model's own
// (orm.FullClean: lengths, choices, uniqueness against the database, the
// model's Clean), and Save writes the instance and its many-to-many pairs
// in one transaction.
//
//	f, err := modelform.New(ctx, db, &article, modelform.Options{Fields: []string{"title", "author", "tags"}})
//	if err != nil {
//		return err
//	}
//	if err := f.Bind(r); err != nil {
//		return err
//	}
//	ok, err := f.IsValid(ctx)
//	if err != nil {
//		return err
//	}
//	if ok {
//		if _, err := f.Save(ctx); err != nil {
//			return err
//		}
//		return web.Redirect(w, r, "blog:detail", article.ID)
//	}
//
// NewFormSet edits several rows together (Django's model formsets), and
// with a ParentField the children of one row (inline formsets).
//
// A ForeignKey is a choice of the related rows (labelled by their String
// method, or "Author object (3)" as Django labels them), a ManyToMany a
// multiple choice of them; the choices are read when the form is validated
// or rendered. Package forms itself knows nothing of databases: this
// package is the bridge, as DESIGN.md's layering wants.
package modelform

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/forms/internal/cleaned"
	"github.com/nuages-go/nuages/orm"
)

// Options chooses and adjusts the fields of a model form, as the Meta of
// a Django ModelForm.
type Options struct {
	// Fields lists the model fields to edit, in this order; every editable
	// field when empty (Django's "__all__").
	Fields []string
	// Exclude leaves fields out.
	Exclude []string
	// Widgets, Labels and HelpTexts replace a field's, by name.
	Widgets   map[string]forms.Widget
	Labels    map[string]string
	HelpTexts map[string]string
	// Extra adds form fields, or replaces a generated one of the same
	// Name (another Type, a hook); an extra field that is not a model field
	// is validated but not saved.
	Extra []forms.Field
}

// Form is a form over the model T, editing Instance. Its embedded
// forms.Form holds the fields, the binding and the rendering; its cleaned
// values are written into Instance by IsValid.
type Form[T any] struct {
	*forms.Form[forms.Values]
	// Instance is the model value edited: the one given to New, or a new
	// T. IsValid writes the form's fields into it; Save saves it.
	Instance *T

	db        *database.DB
	meta      *orm.Meta
	fields    []*orm.Field // the model fields of the form, many-to-many included
	validated bool
	valid     bool
}

// New returns a form editing instance, its initial values read from it
// (the keys of its many-to-many pairs from db); for a new row (instance
// nil) the initial values are the model's defaults. An
// unknown or non-editable field in opts is an error naming the valid ones.
func New[T any](ctx context.Context, db *database.DB, instance *T, opts Options) (*Form[T], error) {
	m, err := orm.MetaOf[T]()
	if err != nil {
		return nil, err
	}
	fresh := instance == nil
	if fresh {
		instance = new(T)
	}
	f := &Form[T]{Instance: instance, db: db, meta: m}
	editable := editableFields(m, reflect.TypeFor[T]())
	names := opts.Fields
	if len(names) == 0 {
		for _, mf := range editable {
			names = append(names, mf.Name)
		}
	}
	var valid []string
	for _, mf := range editable {
		valid = append(valid, mf.Name)
	}
	for _, name := range append(slices.Clone(names), opts.Exclude...) {
		if !slices.Contains(valid, name) {
			return nil, fmt.Errorf("modelform: %s has no editable field %q (editable: %s)", m.Name, name, strings.Join(valid, ", "))
		}
	}
	var fields []forms.Field
	initial := map[string]any{}
	for _, name := range names {
		if slices.Contains(opts.Exclude, name) {
			continue
		}
		mf, _ := m.Field(name)
		fd, err := formField(db, reflect.TypeFor[T](), mf)
		if err != nil {
			return nil, fmt.Errorf("modelform: %s.%s: %w", m.Name, mf.GoName, err)
		}
		if w, ok := opts.Widgets[name]; ok {
			fd.Widget = w
		}
		if l, ok := opts.Labels[name]; ok {
			fd.Label = l
		}
		if h, ok := opts.HelpTexts[name]; ok {
			fd.HelpText = h
		}
		if fresh {
			// A new row shows the model's defaults, not Go's zero values
			// (no "0" in an empty number input).
			if mf.Default != "" {
				initial[name] = mf.Default
			}
		} else {
			v, err := initialOf(ctx, db, m, mf, instance)
			if err != nil {
				return nil, err
			}
			if v != nil {
				initial[name] = v
			}
		}
		fields = append(fields, fd)
		f.fields = append(f.fields, mf)
	}
	f.Form = forms.New[forms.Values](append(fields, opts.Extra...)...)
	f.Initial = initial
	return f, nil
}

// editableFields are the model fields a form may edit: not the automatic
// key, not auto_now ones, not reverse relations.
func editableFields(m *orm.Meta, t reflect.Type) []*orm.Field {
	var out []*orm.Field
	for _, mf := range append(slices.Clone(m.Fields), m.ManyToMany...) {
		if !mf.Editable || mf.AutoNow || mf.AutoNowAdd || (mf.PrimaryKey && mf.Kind.IsAuto()) || mf.Kind == dialect.KindBinary {
			continue
		}
		if slices.Contains(m.ManyToMany, mf) && isThrough(t, mf) {
			continue // a ManyToManyThrough: its pairs carry data of their own
		}
		out = append(out, mf)
	}
	return out
}

// isThrough reports whether the many-to-many field mf is a
// ManyToManyThrough, whose pairs are rows of a model of the project's.
func isThrough(t reflect.Type, mf *orm.Field) bool {
	sf, ok := t.FieldByName(mf.GoName)
	return ok && strings.HasPrefix(sf.Type.Name(), "ManyToManyThrough[")
}

// formField is Django's formfield(): the form field of a model field.
func formField(db *database.DB, t reflect.Type, mf *orm.Field) (forms.Field, error) {
	fd := forms.Field{Name: mf.Name, HelpText: mf.HelpText, Optional: mf.Blank}
	if mf.VerboseName != "" {
		fd.Label = capitalize(mf.VerboseName)
	}
	switch {
	case mf.Kind == dialect.KindInvalid || mf.IsRelation():
		rel, err := relatedMeta(t, mf)
		if err != nil {
			return fd, err
		}
		chooser := rows{db, rel}
		if mf.Kind == dialect.KindInvalid { // many-to-many
			fd.Type = forms.MultipleChoice{Chooser: chooser, Coerce: parseKey}
			return fd, nil
		}
		c := forms.Choice{Chooser: chooser, Coerce: parseKey, Empty: int64(0)}
		if mf.Blank || mf.Null {
			c.Blank = "---------"
		}
		fd.Type = c
		return fd, nil
	case len(mf.Choices) > 0:
		opts := make([]forms.Option, len(mf.Choices))
		for i, c := range mf.Choices {
			opts[i] = forms.Option{Value: c, Label: c}
		}
		c := forms.Choice{Options: opts}
		if mf.Blank {
			c.Blank = "---------"
		}
		fd.Type = c
		return fd, nil
	}
	switch mf.Kind {
	case dialect.KindChar, dialect.KindText, dialect.KindIPAddress:
		switch mf.Format {
		case "email":
			fd.Type = forms.Email{MaxLength: mf.MaxLength}
		case "url":
			fd.Type = forms.URL{MaxLength: mf.MaxLength}
		case "slug":
			fd.Type = forms.Slug{MaxLength: mf.MaxLength}
		default:
			fd.Type = forms.Char{MaxLength: mf.MaxLength}
		}
		if mf.Kind == dialect.KindText {
			fd.Widget = forms.Textarea{}
		}
	case dialect.KindBool:
		if mf.Null {
			fd.Type = forms.NullBoolean{}
		} else {
			fd.Type, fd.Optional = forms.Boolean{}, true // Django's BooleanField is blank=True in forms
		}
	case dialect.KindSmallInt, dialect.KindInt, dialect.KindBigInt, dialect.KindPositiveSmallInt, dialect.KindPositiveInt, dialect.KindPositiveBigInt:
		lo, hi := intBounds(mf.Kind)
		fd.Type = forms.Integer{Min: lo, Max: hi}
	case dialect.KindFloat:
		fd.Type = forms.Float{}
	case dialect.KindDecimal:
		fd.Type = forms.Decimal{MaxDigits: mf.MaxDigits, DecimalPlaces: mf.DecimalPlaces}
	case dialect.KindDate:
		fd.Type = forms.Date{}
	case dialect.KindTime:
		fd.Type = forms.Time{}
	case dialect.KindDateTime:
		fd.Type = forms.DateTime{}
	case dialect.KindDuration:
		fd.Type = forms.Duration{}
	case dialect.KindUUID:
		fd.Type = forms.UUID{}
	case dialect.KindJSON:
		fd.Type = forms.JSON{}
	default:
		return fd, fmt.Errorf("no form field for a %s; leave it out with Options.Exclude", mf.Kind)
	}
	return fd, nil
}

// relatedMeta is the model a ForeignKey, OneToOne or ManyToMany points
// to; a ManyToMany[X] tells its X by its Loaded method's result.
func relatedMeta(t reflect.Type, mf *orm.Field) (*orm.Meta, error) {
	if mf.IsRelation() {
		return mf.Related()
	}
	sf, _ := t.FieldByName(mf.GoName)
	loaded, ok := sf.Type.MethodByName("Loaded")
	if !ok || loaded.Type.NumOut() == 0 || loaded.Type.Out(0).Kind() != reflect.Slice {
		return nil, fmt.Errorf("cannot tell the model %s relates to", sf.Type)
	}
	return orm.MetaOfType(loaded.Type.Out(0).Elem())
}

func intBounds(k dialect.Kind) (lo, hi *int64) {
	b := func(n int64) *int64 { return &n }
	switch k {
	case dialect.KindSmallInt:
		return b(math.MinInt16), b(math.MaxInt16)
	case dialect.KindInt:
		return b(math.MinInt32), b(math.MaxInt32)
	case dialect.KindPositiveSmallInt:
		return b(0), b(math.MaxInt16)
	case dialect.KindPositiveInt:
		return b(0), b(math.MaxInt32)
	case dialect.KindPositiveBigInt:
		return b(0), nil
	}
	return nil, nil
}

// rows are the options of a relation: the rows of rel, by primary key,
// labelled by their String method or "Author object (3)" as Django
// labels them. One value is checked by a query on its key, not by
// reading the table.
type rows struct {
	db  *database.DB
	rel *orm.Meta
}

var _ forms.ChoiceValidator = rows{}

func (r rows) Choices(ctx context.Context) ([]forms.Option, error) {
	objs, err := orm.Objects(ctx, r.db, r.rel)
	if err != nil {
		return nil, err
	}
	opts := make([]forms.Option, len(objs))
	for i, row := range objs {
		pk := fmt.Sprint(r.rel.PK.Value(row).Interface())
		label := r.rel.Name + " object (" + pk + ")"
		if s, ok := row.(fmt.Stringer); ok {
			label = s.String()
		}
		opts[i] = forms.Option{Value: pk, Label: label}
	}
	return opts, nil
}

func (r rows) ValidChoice(ctx context.Context, value string) (bool, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return false, nil
	}
	_, ok, err := orm.FindKey(ctx, r.db, r.rel, orm.Q{"pk": id})
	return ok, err
}

// parseKey coerces a chosen key; it was among the options, so it parses.
func parseKey(_ context.Context, s string) (any, error) { return strconv.ParseInt(s, 10, 64) }

// initialOf reads the initial value of mf from obj.
func initialOf[T any](ctx context.Context, db *database.DB, m *orm.Meta, mf *orm.Field, obj *T) (any, error) {
	if mf.Kind == dialect.KindInvalid {
		if reflect.ValueOf(obj).Elem().FieldByIndex(pkIndex(m, obj)).IsZero() {
			return nil, nil // not saved: no pairs yet
		}
		keys, _, err := mf.LinkedKeys(ctx, db, obj)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = strconv.FormatInt(k, 10)
		}
		return out, nil
	}
	v := mf.Value(obj)
	if mf.IsRelation() {
		if id := v.FieldByName("ID").Int(); id != 0 {
			return strconv.FormatInt(id, 10), nil
		}
		return nil, nil
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	return v.Interface(), nil
}

// pkIndex finds the struct index of the primary key of obj.
func pkIndex[T any](m *orm.Meta, obj *T) []int {
	sf, _ := reflect.TypeOf(obj).Elem().FieldByName(m.PK.GoName)
	return sf.Index
}

// Bind binds the form to what r sent, as forms.Form.Bind.
func (f *Form[T]) Bind(r *http.Request) error {
	f.validated = false
	return f.Form.Bind(r)
}

// BindValues binds the form to data and files, as forms.Form.BindValues.
func (f *Form[T]) BindValues(data url.Values, files forms.Files) {
	f.validated = false
	f.Form.BindValues(data, files)
}

// BindJSON binds the form to a JSON object, as forms.Form.BindJSON.
func (f *Form[T]) BindJSON(body []byte) error {
	f.validated = false
	return f.Form.BindJSON(body)
}

// IsValid validates the form as forms.Form.IsValid does, writes the valid
// fields into Instance, then validates the instance as Django's
// ModelForm does (orm.FullClean: lengths, choices, uniqueness against the
// database with the instance's own row left out, the model's Clean). The
// model's problems are added to the form's fields; those of model fields
// the form does not show are left out, as Django excludes them.
func (f *Form[T]) IsValid(ctx context.Context) (bool, error) {
	if f.validated {
		return f.valid, nil
	}
	ok, err := f.Form.IsValid(ctx)
	if err != nil || !f.IsBound() {
		return ok, err
	}
	if err := f.modelClean(ctx); err != nil {
		return false, err
	}
	f.validated, f.valid = true, len(f.Errors()) == 0
	return f.valid, nil
}

// modelClean writes the valid fields into Instance and adds the model's
// validation to the form's errors: Django's ModelForm._post_clean.
func (f *Form[T]) modelClean(ctx context.Context) error {
	cleaned := f.Cleaned()
	for _, mf := range f.fields {
		v, ok := cleaned[mf.Name]
		if !ok || mf.Kind == dialect.KindInvalid {
			continue // invalid, or many-to-many: saved after the instance
		}
		if err := store(f.Instance, mf, v); err != nil {
			var ferr *forms.Error
			if !errors.As(err, &ferr) {
				return fmt.Errorf("modelform: %s.%s: %w", f.meta.Name, mf.GoName, err) // an Extra field of a type the model cannot hold
			}
			f.AddError(mf.Name, ferr)
		}
	}
	if err := orm.FullClean(ctx, f.db, f.Instance); err != nil {
		var verr *orm.ValidationError
		if !errors.As(err, &verr) {
			return err
		}
		f.addModelErrors(verr)
	}
	return nil
}

// store writes a cleaned value into the model field mf of obj.
func store(obj any, mf *orm.Field, v any) error {
	dst := mf.Value(obj)
	if mf.IsRelation() {
		id, _ := v.(int64)
		dst.FieldByName("ID").SetInt(id)
		return nil
	}
	if _, isFile := v.(forms.Cleared); isFile {
		dst.SetZero()
		return nil
	}
	err := cleaned.Store(dst, v)
	if inv, ok := err.(*cleaned.Invalid); ok {
		return &forms.Error{Code: inv.Code, Message: cleaned.Message(inv.Code), Params: inv.Params}
	}
	return err
}

// addModelErrors adds FullClean's problems to the form: under their field
// when the form shows it and it has no error yet (its value was not
// written), under the form for the model's own.
func (f *Form[T]) addModelErrors(verr *orm.ValidationError) {
	for _, name := range sortedKeys(verr.Fields) {
		target := name
		if name != orm.NonField {
			if f.Field(name) == nil || len(f.Errors()[name]) > 0 {
				continue
			}
		} else {
			target = forms.NonField
		}
		for _, msg := range verr.Fields[name] {
			f.AddError(target, &forms.Error{Code: modelCode(msg), Message: msg})
		}
	}
}

// modelCode gives a model problem the code Django gives it: orm's
// ValidationError carries Django's messages, not their codes.
func modelCode(msg string) string {
	switch {
	case strings.HasSuffix(msg, "already exists."):
		return "unique"
	case strings.HasPrefix(msg, "This field cannot be null."):
		return "null"
	case strings.HasPrefix(msg, "This field cannot be blank."):
		return "blank"
	case strings.HasPrefix(msg, "Ensure this value has at most"):
		return "max_length"
	case strings.HasSuffix(msg, "is not a valid choice."):
		return "invalid_choice"
	}
	return "invalid"
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ErrNotValid is returned by Save for a form that did not pass IsValid.
var ErrNotValid = errors.New("modelform: Save of a form that is not valid: call IsValid first")

// Save writes Instance, an INSERT or an UPDATE as orm.Save decides, then
// its many-to-many pairs, in one transaction (a savepoint inside one
// already open), and returns it. Django's save(commit=False) is
// Instance itself: change it, save it with orm.Save, then call
// SaveRelated for the pairs.
func (f *Form[T]) Save(ctx context.Context) (*T, error) {
	if !f.validated || !f.valid {
		return nil, ErrNotValid
	}
	err := f.db.Atomic(ctx, func(ctx context.Context) error {
		if err := orm.Save(ctx, f.db, f.Instance); err != nil {
			return err
		}
		return f.SaveRelated(ctx)
	})
	if err != nil {
		return nil, err
	}
	return f.Instance, nil
}

// SaveRelated writes the many-to-many pairs of the saved Instance,
// Django's save_m2m.
func (f *Form[T]) SaveRelated(ctx context.Context) error {
	if !f.validated || !f.valid {
		return ErrNotValid
	}
	for _, mf := range f.fields {
		if mf.Kind != dialect.KindInvalid {
			continue
		}
		v, ok := f.Cleaned()[mf.Name]
		if !ok {
			continue
		}
		var keys []int64
		if vs, ok := v.([]any); ok {
			for _, k := range vs {
				keys = append(keys, k.(int64))
			}
		}
		if err := mf.SetLinkedKeys(ctx, f.db, f.Instance, keys); err != nil {
			return err
		}
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
