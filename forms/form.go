package forms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nuages-go/nuages/web"
)

// Field declares one field of a form: its name, its Type (Char, Integer,
// Choice...) and how it is labelled, checked and shown. The zero value
// of every option is Django's default, but for Optional: a Field is
// required unless Optional, as Django's fields are.
type Field struct {
	// Name is the field's key: the input's name (after the form's
	// Prefix), the key of Errors, Initial and Cleaned.
	Name string
	// Type converts what was sent; Char when nil.
	Type Type
	// Label is shown in the <label>: Name with its first letter upper
	// case and underscores as spaces when empty ("pub_date": "Pub date").
	Label string
	// HelpText is shown under the label, and tied to the input by
	// aria-describedby. It is escaped as any text.
	HelpText string
	// Optional fields may be left empty. A Boolean declared from a bool
	// struct field is optional: a required Boolean must be checked.
	Optional bool
	// Disabled fields are shown but not editable, and what a submission
	// holds for them is ignored: their value stays the initial one.
	Disabled bool
	// Initial is shown in an unbound form, unless the form's Initial
	// has a value for Name; a func() any is called each time.
	Initial any
	// Widget renders the field; Type.Widget() when nil.
	Widget Widget
	// Attrs are added to the widget's attributes (class, placeholder,
	// autocomplete...).
	Attrs Attrs
	// Validators run after the Type's own, on a value that is not empty.
	Validators []Validator
	// Messages replace the default message of an error by its code:
	// {"required": "Tell us your name."}. Placeholders ({limit_value})
	// are filled in as in the default.
	Messages map[string]string
	// Clean runs after the field's validators succeed, Django's
	// clean_<field>: it returns the value to keep, or an *Error.
	Clean func(ctx context.Context, v any) (any, error)

	index   []int       // the struct field it comes from, nil when none
	builtin []Validator // the Type's validators, built once (New, declare)
}

// prepare builds the Type's validators once, rather than on every
// validation; a declared field is prepared before it is shared.
func (fd *Field) prepare() {
	if vt, ok := fd.typ().(Validating); ok {
		fd.builtin = vt.Validators()
	}
}

func (fd *Field) typ() Type {
	if fd.Type == nil {
		return Char{}
	}
	return fd.Type
}

func (fd *Field) widget() Widget {
	if fd.Widget != nil {
		return fd.Widget
	}
	return fd.typ().Widget()
}

func (fd *Field) label() string {
	if fd.Label != "" {
		return fd.Label
	}
	s := strings.ReplaceAll(fd.Name, "_", " ")
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// Cleaner is implemented by a form's struct (by its pointer) to check
// the form as a whole after its fields, Django's Form.clean: it reads the
// cleaned struct and returns nil, *Error values (alone or joined with
// errors.Join; an *Error's Field puts it under that field, "" under
// NonField), or another error, which IsValid returns as a failure that is
// not the user's. It runs even when some fields are invalid; those hold
// their zero value.
type Cleaner interface {
	Clean(ctx context.Context) error
}

// FieldCleaner is implemented by a form's struct (by its pointer) to check
// one field after its conversion and validators succeed, Django's
// clean_<field>: name is the field's Name, its value already in the
// struct, which CleanField may change.
type FieldCleaner interface {
	CleanField(ctx context.Context, name string) error
}

// Values is the T of a form built from Fields alone: the cleaned values
// by field name.
type Values = map[string]any

// Form is a form over T, Django's Form: its fields come from T's exported
// fields and their tags when T is a struct, and from the Fields given to
// New. Bind it to a submission, ask IsValid, and read the cleaned values
// in Value; render it, bound or not, with its initial values or what was
// sent and the errors. A Form serves one request: it is not safe for
// concurrent use.
type Form[T any] struct {
	// Value receives the cleaned values when IsValid succeeds (Django's
	// cleaned_data): struct fields for a struct T, keys for Values. Only
	// the form's fields are written, so the rest of a struct given by
	// SetInitial is kept.
	Value T
	// Initial values by field name, shown in an unbound form and compared
	// by HasChanged; they win over each Field's Initial.
	Initial map[string]any
	// Prefix is put before every input name ("prefix-name"), to have
	// several forms in one <form>.
	Prefix string
	// Location is where a date and time without an offset is, and where
	// times are shown: the project's time zone. UTC when nil.
	Location *time.Location
	// Renderer renders the form's templates; the forms' own templates
	// (Templates()) when nil. A project passes its templates.Engine, whose
	// Dirs end with Templates(), to override some.
	Renderer Renderer
	// Template renders the whole form in HTML; "forms/div.html", Django's
	// div layout, when empty.
	Template string
	// AutoID is the pattern of the inputs' ids, a %s standing for the
	// name: "id_%s" when empty; "-" renders no ids (nor labels' for).
	AutoID string
	// LabelSuffix follows each label; ":" when empty, "-" for none.
	LabelSuffix string
	// ErrorClass and RequiredClass are CSS classes of a field's <div>
	// when it has errors, or is required: Django's error_css_class and
	// required_css_class ("is-invalid" for Bootstrap, say).
	ErrorClass, RequiredClass string
	// Clean is called after the fields are cleaned, and after T's own
	// Clean: see Cleaner.
	Clean func(ctx context.Context, f *Form[T]) error

	fields    []*Field
	bound     bool
	data      url.Values
	files     Files
	validated bool
	errors    Errors
	cleaned   map[string]any
	malformed []string // fields BindJSON found a value of the wrong shape for
	// noRequiredAttr leaves "required" off the inputs, for the forms of a
	// formset, which may be left empty (Django's use_required_attribute).
	noRequiredAttr bool
}

// New returns an unbound form over T. A struct T declares fields with its
// exported fields (see the package doc for the tags); fields adds more,
// or replaces the field of the same Name. For any other T (Values, say)
// the fields are those given.
//
// New panics when T's tags are malformed or a field has a type forms
// cannot fill: a mistake in the code, which the first test shows.
func New[T any](fields ...Field) *Form[T] {
	f := &Form[T]{}
	decl, err := declare(reflect.TypeFor[T]())
	if err != nil {
		panic(err)
	}
	// The declared fields are shared, never changed: a Field given here
	// replaces one in this form's list, not in the declaration.
	f.fields = append(make([]*Field, 0, len(decl)+len(fields)), decl...)
	for _, fd := range fields {
		fd := fd
		if fd.Name == "" {
			panic("forms: New: a Field has no Name")
		}
		fd.prepare()
		if i := slices.IndexFunc(f.fields, func(x *Field) bool { return x.Name == fd.Name }); i >= 0 {
			if fd.index == nil {
				fd.index = f.fields[i].index
			}
			f.fields[i] = &fd
			continue
		}
		f.fields = append(f.fields, &fd)
	}
	return f
}

// SetInitial shows v in the form: every field's initial value is taken
// from v, and v is where IsValid writes the cleaned values, so that an
// edit form keeps what it does not show. It is Django's
// ModelForm(instance=v).
func (f *Form[T]) SetInitial(v T) {
	f.Value = v
	if f.Initial == nil {
		f.Initial = map[string]any{}
	}
	rv := reflect.ValueOf(&f.Value).Elem()
	for _, fd := range f.fields {
		switch {
		case fd.index != nil && rv.Kind() == reflect.Struct:
			f.Initial[fd.Name] = rv.FieldByIndex(fd.index).Interface()
		case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
			if x := rv.MapIndex(reflect.ValueOf(fd.Name)); x.IsValid() {
				f.Initial[fd.Name] = x.Interface()
			}
		}
	}
}

// Bind binds the form to what r sent, and reports a malformed body as a
// 400 error. A GET or HEAD binds the query string (a search form); other
// methods bind the body: a form, urlencoded or multipart with its files
// (parsed already by the Forms middleware, or here within 2.5 MiB of
// memory), or a JSON object (see BindJSON), read up to 2.5 MiB.
func (f *Form[T]) Bind(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		f.BindValues(r.URL.Query(), nil)
		return nil
	}
	const limit = 5 << 20 / 2 // Django's DATA_UPLOAD_MAX_MEMORY_SIZE
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return &web.Error{Status: http.StatusBadRequest, Message: "forms: the body could not be read", Err: err}
		}
		if len(body) > limit {
			return &web.Error{Status: http.StatusRequestEntityTooLarge, Message: "forms: the JSON body is over 2.5 MiB"}
		}
		return f.BindJSON(body)
	}
	if r.PostForm == nil || (ct == "multipart/form-data" && r.MultipartForm == nil) {
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return &web.Error{Status: http.StatusBadRequest, Message: "forms: malformed form body: " + err.Error(), Err: err}
		}
	}
	var files Files
	if r.MultipartForm != nil {
		files = r.MultipartForm.File
	}
	f.BindValues(r.PostForm, files)
	return nil
}

// BindValues binds the form to data and files, as Django's Form(data,
// files). A key sent several times counts once, by its last value, for a
// field of one value, as Django's QueryDict.get reads it.
func (f *Form[T]) BindValues(data url.Values, files Files) {
	if data == nil {
		data = url.Values{}
	}
	f.bound, f.data, f.files, f.malformed = true, data, files, nil
	f.validated, f.errors, f.cleaned = false, nil, nil
}

// BindJSON binds the form to a JSON object, field names as keys (no
// Prefix): strings, numbers and booleans are read as if typed in the
// field, an array as the values of a multiple choice, null as nothing
// sent; a JSON field takes any value as its document. What is not an
// object is a 400 error.
func (f *Form[T]) BindJSON(body []byte) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return &web.Error{Status: http.StatusBadRequest, Message: "forms: the body is not a JSON object", Err: err}
	}
	data := url.Values{}
	var malformed []string
	for _, fd := range f.fields {
		raw, ok := obj[fd.Name]
		if !ok {
			continue
		}
		name := f.htmlName(fd.Name)
		if _, isJSON := fd.typ().(JSON); isJSON {
			if s := strings.TrimSpace(string(raw)); s != "null" {
				data[name] = []string{s}
			}
			continue
		}
		vs, ok, err := jsonValues(raw)
		if err != nil {
			malformed = append(malformed, fd.Name)
			continue
		}
		if ok {
			if _, split := fd.widget().(SplitDateTimeWidget); split && len(vs) == 2 {
				data[name+"_0"], data[name+"_1"] = vs[:1], vs[1:]
				continue
			}
			data[name] = vs
		}
	}
	f.BindValues(data, nil)
	f.malformed = malformed
	return nil
}

// errMalformed is a JSON value of a shape no input sends: an object for a
// text field, nested arrays.
var errMalformed = errors.New("forms: not a value a field reads")

// jsonValues reads a JSON value as the strings a form would have sent:
// ok is false for null.
func jsonValues(raw json.RawMessage) (vs []string, ok bool, err error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false, err
	}
	one := func(v any) (string, error) {
		switch v := v.(type) {
		case string:
			return v, nil
		case json.Number:
			return v.String(), nil
		case bool:
			if v {
				return "true", nil
			}
			return "false", nil
		case nil:
			return "", nil
		}
		return "", errMalformed
	}
	switch v := v.(type) {
	case nil:
		return nil, false, nil
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			if out[i], err = one(x); err != nil {
				return nil, false, err
			}
		}
		return out, true, nil
	}
	s, err := one(v)
	return []string{s}, err == nil, err
}

// IsBound reports whether the form was bound to a submission.
func (f *Form[T]) IsBound() bool { return f.bound }

// IsValid runs Django's validation pipeline once, and reports whether the
// bound form has no error: each field's value is read by its widget,
// converted by its Type, checked by the Type's validators and its own,
// then passed to its Clean hook and T's CleanField; then T's Clean and
// the form's Clean check the whole. Errors collects the problems. An
// unbound form is not valid. err is not the user's mistake (a hook's
// failing query, a cancelled context): the view should fail with it.
func (f *Form[T]) IsValid(ctx context.Context) (bool, error) {
	if !f.bound {
		return false, nil
	}
	if !f.validated {
		if err := f.fullClean(ctx); err != nil {
			return false, err
		}
		f.validated = true
	}
	return len(f.errors) == 0, nil
}

func (f *Form[T]) fullClean(ctx context.Context) error {
	f.errors, f.cleaned = Errors{}, map[string]any{}
	rv := reflect.ValueOf(&f.Value).Elem()
	if rv.Kind() == reflect.Map && rv.IsNil() {
		rv.Set(reflect.MakeMap(rv.Type()))
	}
	for _, fd := range f.fields {
		v, err := f.cleanField(ctx, fd)
		if err != nil {
			if !f.addErrors(fd.Name, err) {
				return err
			}
			if rv.Kind() == reflect.Map {
				rv.SetMapIndex(reflect.ValueOf(fd.Name), reflect.Value{}) // no stale value of an earlier binding
			}
			continue
		}
		if _, isFile := fd.typ().(fileType); isFile && v == nil {
			continue // nothing uploaded: the stored file stays
		}
		if err := f.store(rv, fd, v); err != nil {
			if !f.addErrors(fd.Name, err) {
				return err // a Field whose Type does not fit the struct field: a mistake in code
			}
			continue
		}
		if fc, ok := any(&f.Value).(FieldCleaner); ok && rv.Kind() == reflect.Struct && fd.index != nil {
			if err := fc.CleanField(ctx, fd.Name); err != nil {
				if !f.addErrors(fd.Name, err) {
					return err
				}
			}
		}
	}
	if c, ok := any(&f.Value).(Cleaner); ok {
		if err := c.Clean(ctx); err != nil && !f.addErrors(NonField, err) {
			return err
		}
	}
	if f.Clean != nil {
		if err := f.Clean(ctx, f); err != nil && !f.addErrors(NonField, err) {
			return err
		}
	}
	return nil
}

// fileType is implemented by File and Image: nothing uploaded keeps the
// stored file.
type fileType interface{ isFile() }

func (File) isFile() {}

// cleanField runs one field's conversion, validators and Clean hook.
func (f *Form[T]) cleanField(ctx context.Context, fd *Field) (any, error) {
	initial := f.initial(fd)
	if fd.Disabled {
		return initial, nil
	}
	if slices.Contains(f.malformed, fd.Name) {
		return nil, f.message(fd, newError("invalid", nil))
	}
	in := fd.widget().Read(f.data, f.files, f.htmlName(fd.Name))
	in.Location = f.location()
	for _, s := range in.Values {
		if !utf8.ValidString(s) {
			return nil, f.message(fd, newError("invalid_utf8", nil))
		}
		if strings.IndexByte(s, 0) >= 0 {
			return nil, f.message(fd, newError("null_characters_not_allowed", nil))
		}
	}
	t := fd.typ()
	v, err := t.Convert(ctx, in)
	if err != nil {
		return nil, f.message(fd, err)
	}
	empty, missing := isEmpty(v), isEmpty(v)
	if rc, ok := t.(requiredChecker); ok {
		missing = rc.missing(v)
	}
	if _, isFile := t.(fileType); isFile && v == nil && !isEmpty(initial) {
		missing = false // the stored file stays
	}
	if missing && !fd.Optional {
		return nil, f.message(fd, newError("required", nil))
	}
	if empty {
		return v, nil
	}
	var errs []error
	for _, list := range [][]Validator{fd.builtin, fd.Validators} {
		for _, val := range list {
			if err := val.Validate(v); err != nil {
				errs = append(errs, f.message(fd, err))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if fd.Clean != nil {
		if v, err = fd.Clean(ctx, v); err != nil {
			return nil, f.message(fd, err)
		}
	}
	return v, nil
}

// message rewords err by the field's Messages.
func (f *Form[T]) message(fd *Field, err error) error {
	e, ok := err.(*Error)
	if !ok || fd.Messages == nil {
		return err
	}
	if msg, ok := fd.Messages[e.Code]; ok {
		c := *e
		c.Message = msg
		return &c
	}
	return err
}

// addErrors adds err's validation errors under field (unless an *Error
// names its own), and reports false when err holds anything else.
func (f *Form[T]) addErrors(field string, err error) bool {
	errs, ok := validationErrors(err)
	if !ok {
		return false
	}
	for _, e := range errs {
		name := field
		if e.Field != "" {
			name = e.Field
		}
		f.errors[name] = append(f.errors[name], e)
		delete(f.cleaned, name)
	}
	return true
}

// validationErrors flattens err into *Errors, or reports false when it
// holds another kind of error.
func validationErrors(err error) ([]*Error, bool) {
	switch e := err.(type) {
	case *Error:
		return []*Error{e}, true
	case Errors:
		var out []*Error
		for name, list := range e {
			for _, x := range list {
				c := *x
				if name != NonField {
					c.Field = name
				}
				out = append(out, &c)
			}
		}
		return out, true
	case interface{ Unwrap() []error }:
		var out []*Error
		for _, x := range e.Unwrap() {
			errs, ok := validationErrors(x)
			if !ok {
				return nil, false
			}
			out = append(out, errs...)
		}
		return out, true
	}
	return nil, false
}

// store records v as the field's cleaned value and writes it into Value.
func (f *Form[T]) store(rv reflect.Value, fd *Field, v any) error {
	f.cleaned[fd.Name] = v
	switch {
	case rv.Kind() == reflect.Struct && fd.index != nil:
		return assign(rv.FieldByIndex(fd.index), v)
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		if v == nil {
			rv.SetMapIndex(reflect.ValueOf(fd.Name), reflect.Zero(rv.Type().Elem()))
			return nil
		}
		x := reflect.ValueOf(v)
		if !x.Type().AssignableTo(rv.Type().Elem()) {
			return fmt.Errorf("forms: field %q: a %s cannot go into a map of %s", fd.Name, x.Type(), rv.Type().Elem())
		}
		rv.SetMapIndex(reflect.ValueOf(fd.Name), x)
	}
	return nil
}

// Errors returns the form's problems once IsValid ran: by field name,
// NonField for the whole form's. It is nil before.
func (f *Form[T]) Errors() Errors { return f.errors }

// NonFieldErrors returns the errors of the whole form, Django's
// non_field_errors().
func (f *Form[T]) NonFieldErrors() []*Error { return f.errors[NonField] }

// AddError adds err to field (NonField or "" for the whole form), as
// Django's add_error, and drops the field's cleaned value: for a view
// that finds a problem after IsValid (a login that fails). err is an
// *Error, joined *Errors, or any error, whose text is shown as it is
// (code "invalid"). AddError panics when the form has no such field.
func (f *Form[T]) AddError(field string, err error) {
	if field == "" {
		field = NonField
	}
	if field != NonField && f.field(field) == nil {
		panic(fmt.Sprintf("forms: AddError: the form has no field %q (it has %s)", field, strings.Join(f.names(), ", ")))
	}
	if f.errors == nil {
		f.errors, f.cleaned = Errors{}, map[string]any{}
	}
	if !f.addErrors(field, err) {
		f.addErrors(field, &Error{Code: "invalid", Message: err.Error()})
	}
}

// Cleaned returns the cleaned value of each valid field by name, Django's
// cleaned_data: what Convert returned, after the Clean hooks (T's
// CleanField changes the struct, not this).
func (f *Form[T]) Cleaned() map[string]any { return f.cleaned }

// HasChanged reports whether a bound form's data differs from its initial
// values, Django's has_changed().
func (f *Form[T]) HasChanged() bool { return len(f.ChangedFields()) > 0 }

// ChangedFields lists the fields whose submitted value differs from the
// initial one, Django's changed_data: both are converted by the field's
// Type and compared as the widget would show them, so "03" is no change
// from 3, nor an unchecked box from no initial value. A field whose value
// does not convert has changed. Choices are compared as sent, without
// asking a Chooser.
func (f *Form[T]) ChangedFields() []string {
	if !f.bound {
		return nil
	}
	var out []string
	loc := f.location()
	for _, fd := range f.fields {
		if fd.Disabled {
			continue
		}
		t := fd.typ()
		in := fd.widget().Read(f.data, f.files, f.htmlName(fd.Name))
		in.Location = loc
		if _, isFile := t.(fileType); isFile {
			if len(in.Files) > 0 || in.Clear {
				out = append(out, fd.Name)
			}
			continue
		}
		sent, ok := f.canonical(t, in)
		if !ok {
			out = append(out, fd.Name)
			continue
		}
		initial, ok := f.canonical(t, Raw{Values: t.Format(f.initial(fd), loc), Location: loc})
		if !ok {
			initial = t.Format(f.initial(fd), loc)
		}
		if !slices.Equal(sent, initial) {
			out = append(out, fd.Name)
		}
	}
	return out
}

// canonical is what raw looks like once converted and formatted again;
// ok is false when it does not convert.
func (f *Form[T]) canonical(t Type, raw Raw) ([]string, bool) {
	if _, ok := t.(chooser); ok {
		var out []string
		for _, v := range raw.Values {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		if _, multiple := t.(MultipleChoice); !multiple && len(out) > 1 {
			out = out[len(out)-1:]
		}
		return out, true
	}
	v, err := t.Convert(context.Background(), raw)
	if err != nil {
		return nil, false
	}
	out := t.Format(v, raw.Location)
	if len(out) == 1 && out[0] == "" {
		out = nil // "" and nothing are the same
	}
	return out, true
}

// IsMultipart reports whether the form has a file field, and so needs
// enctype="multipart/form-data".
func (f *Form[T]) IsMultipart() bool {
	return slices.ContainsFunc(f.fields, func(fd *Field) bool {
		switch fd.widget().(type) {
		case FileInput, ClearableFileInput:
			return true
		}
		return false
	})
}

// initial is the field's initial value: the form's Initial, else the
// Field's; a func() any is called, as Django calls a callable initial
// (time.Now for a date that defaults to today).
func (f *Form[T]) initial(fd *Field) any {
	v, ok := f.Initial[fd.Name]
	if !ok {
		v = fd.Initial
	}
	if fn, ok := v.(func() any); ok {
		return fn()
	}
	return v
}

func (f *Form[T]) htmlName(name string) string {
	if f.Prefix == "" {
		return name
	}
	return f.Prefix + "-" + name
}

func (f *Form[T]) location() *time.Location {
	if f.Location == nil {
		return time.UTC
	}
	return f.Location
}

func (f *Form[T]) field(name string) *Field {
	for _, fd := range f.fields {
		if fd.Name == name {
			return fd
		}
	}
	return nil
}

func (f *Form[T]) names() []string {
	out := make([]string, len(f.fields))
	for i, fd := range f.fields {
		out[i] = fd.Name
	}
	return out
}

// isEmpty reports whether v is one of Django's empty values: nil, "",
// an empty slice or map, Cleared.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	case []any:
		return len(v) == 0
	case json.RawMessage:
		return len(v) == 0
	case Cleared:
		return true
	case *multipart.FileHeader:
		return v == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return false
}

func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
}
