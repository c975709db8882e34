package forms

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nuages-go/nuages/templates"
)

// Renderer renders the template name with data: a *templates.Engine (or
// the project, which renders with its engine).
type Renderer interface {
	Render(w io.Writer, r *http.Request, name string, data templates.Data) error
}

//go:embed templates
var embedded embed.FS

// Templates returns the forms' templates: forms/div.html (a whole form),
// forms/field.html (a label, help text, errors and widget),
// forms/errors.html, and forms/widgets/*.html. A project overrides any of
// them by writing a file of the same name in a directory its
// templates.Engine searches before this one. It is a function, not a
// variable, so that no code can swap the templates of every form.
func Templates() fs.FS { return templateFS }

var templateFS = mustSub(embedded, "templates")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded: it is there
	}
	return s
}

// defaultRenderer renders with the forms' templates alone.
var defaultRenderer = templates.New(templates.Options{Dirs: []fs.FS{templateFS}})

// BoundField is a field of a form with its data: what templates render,
// Django's BoundField. Its methods that return template.HTML are safe to
// put in a page as they are: every value in them is escaped.
type BoundField struct {
	form  boundForm
	field *Field
}

// boundForm is what a BoundField needs of its Form[T].
type boundForm interface {
	htmlName(name string) string
	initial(fd *Field) any
	location() *time.Location
	renderer() Renderer
	autoID(name string) string
	labelSuffix() string
	cssClass(errors bool) string
	omitRequired() bool
	state() (bound bool, data url.Values, files Files, errs Errors)
}

// Fields returns the form's fields, in order, for templates that lay a
// form out by hand.
func (f *Form[T]) Fields() []*BoundField {
	out := make([]*BoundField, len(f.fields))
	for i, fd := range f.fields {
		out[i] = &BoundField{f, fd}
	}
	return out
}

// Field returns the field name, or nil when the form has none.
func (f *Form[T]) Field(name string) *BoundField {
	if fd := f.field(name); fd != nil {
		return &BoundField{f, fd}
	}
	return nil
}

// Name is the field's name, Field.Name.
func (b *BoundField) Name() string { return b.field.Name }

// HTMLName is the input's name: the name after the form's Prefix.
func (b *BoundField) HTMLName() string { return b.form.htmlName(b.field.Name) }

// ID is the input's id ("id_name"), "" when the form's AutoID is "-".
func (b *BoundField) ID() string { return b.form.autoID(b.HTMLName()) }

// Label is the field's label text.
func (b *BoundField) Label() string { return b.field.label() }

// HelpText is the field's help text.
func (b *BoundField) HelpText() string { return b.field.HelpText }

// Required reports whether the field must be filled in.
func (b *BoundField) Required() bool { return !b.field.Optional }

// Field is a copy of the field's declaration. To change a field for one
// form (another Chooser, Disabled for some users), give New a Field of the
// same Name.
func (b *BoundField) Field() Field { return *b.field }

// Errors are the field's errors, once the form was validated.
func (b *BoundField) Errors() []*Error {
	_, _, _, errs := b.form.state()
	return errs[b.field.Name]
}

// IsHidden reports whether the field's widget is a hidden input.
func (b *BoundField) IsHidden() bool {
	d := WidgetData{}
	b.field.widget().Build(&d)
	return d.Hidden
}

// Values are what the widget shows: in a bound form, what was sent (so a
// user corrects their input rather than retyping it); otherwise the
// initial value, formatted.
func (b *BoundField) Values() []string {
	fd := b.field
	bound, data, files, _ := b.form.state()
	if bound && !fd.Disabled {
		// What was sent, even nothing (an unchecked box, a file input):
		// a key sent twice keeps both, and the widget shows the last.
		return fd.widget().Read(data, files, b.HTMLName()).Values
	}
	return fd.typ().Format(b.form.initial(fd), b.form.location())
}

// data builds what the widget's template sees.
func (b *BoundField) data() (WidgetData, error) {
	fd := b.field
	d := WidgetData{
		Name:     b.HTMLName(),
		ID:       b.ID(),
		Values:   b.Values(),
		Required: !fd.Optional,
		Disabled: fd.Disabled,
	}
	if _, ok := fd.widget().(ClearableFileInput); ok {
		if init := b.form.initial(fd); !isEmpty(init) {
			d.Initial, d.InitialURL = describeFile(init)
		}
	}
	if c, ok := fd.typ().(chooser); ok {
		opts, err := c.choices(context.Background())
		if err != nil {
			return d, err
		}
		d.Groups = groupOptions(opts)
	}
	hidden := b.IsHidden()
	if a, ok := fd.typ().(attrser); ok && !hidden {
		for _, at := range a.attrs() {
			if takesAttr(fd.widget(), at.Name) {
				d.Attrs = append(d.Attrs, at)
			}
		}
	}
	for _, a := range fd.Attrs {
		d.Attrs.Set(a.Name, a.Value)
	}
	if d.Required && !hidden && !b.form.omitRequired() {
		d.Attrs = append(d.Attrs, Attr{Name: "required"})
	}
	if d.Disabled {
		d.Attrs = append(d.Attrs, Attr{Name: "disabled"})
	}
	// A hidden field's errors are shown with the form's, not next to it.
	errs := b.Errors()
	if len(errs) > 0 && !hidden {
		d.Attrs = append(d.Attrs, Attr{"aria-invalid", "true"})
	}
	if d.ID != "" {
		var described []string
		if len(errs) > 0 && !hidden {
			described = append(described, d.ID+"_error")
		}
		if fd.HelpText != "" && !hidden {
			described = append(described, d.ID+"_helptext")
		}
		if len(described) > 0 {
			d.Attrs = append(d.Attrs, Attr{"aria-describedby", strings.Join(described, " ")})
		}
		d.Attrs = append(d.Attrs, Attr{"id", d.ID})
	}
	fd.widget().Build(&d)
	return d, nil
}

// takesAttr reports whether a Type's attribute suits the widget: min, max
// and step only on inputs of numbers, dates and times (as Django adds them
// to a NumberInput only), maxlength and minlength on text.
func takesAttr(w Widget, name string) bool {
	switch name {
	case "min", "max", "step":
		in, ok := w.(Input)
		return ok && slices.Contains([]string{"number", "range", "date", "time", "datetime-local"}, in.Type)
	case "maxlength", "minlength":
		switch w := w.(type) {
		case Input:
			return slices.Contains([]string{"", "text", "email", "url", "search", "tel", "password"}, w.Type)
		case PasswordInput, Textarea:
			return true
		}
		return false
	}
	return true
}

// describeFile names a stored file for a clearable file input, and gives
// its URL when it has one (a storage's file value).
func describeFile(v any) (name, url string) {
	if u, ok := v.(interface{ URL() string }); ok {
		url = u.URL()
	}
	switch v := v.(type) {
	case *multipart.FileHeader:
		return v.Filename, url
	case interface{ Name() string }:
		return v.Name(), url
	case fmt.Stringer:
		return v.String(), url
	}
	return fmt.Sprint(v), url
}

// groupOptions puts options in their groups: consecutive options of one
// Group share an <optgroup>.
func groupOptions(opts []Option) []OptionGroup {
	var groups []OptionGroup
	for _, o := range opts {
		od := OptionData{Value: o.Value, Label: o.Label, Disabled: o.Disabled}
		if len(groups) == 0 || groups[len(groups)-1].Name != o.Group {
			groups = append(groups, OptionGroup{Name: o.Group})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, od)
	}
	return groups
}

// Widget renders the field's widget.
func (b *BoundField) Widget() (template.HTML, error) {
	d, err := b.data()
	if err != nil {
		return "", fmt.Errorf("forms: field %q: %w", b.field.Name, err)
	}
	d.Value = d.value()
	d.AttrsHTML = d.Attrs.HTML()
	for gi := range d.Groups {
		for oi := range d.Groups[gi].Options {
			o := &d.Groups[gi].Options[oi]
			o.AttrsHTML = o.Attrs.HTML()
		}
	}
	for i := range d.Parts {
		d.Parts[i].Value = d.Parts[i].value()
		d.Parts[i].AttrsHTML = d.Parts[i].Attrs.HTML()
	}
	return b.render(b.field.widget().Template(), templates.Data{"widget": &d})
}

// WidgetWith renders the field's widget with attrs added (a class, say),
// for templates that lay a form out by hand: {{.WidgetWith "class" "wide"}}
// takes names and values in turn.
func (b *BoundField) WidgetWith(nameValues ...string) (template.HTML, error) {
	if len(nameValues)%2 != 0 {
		return "", fmt.Errorf("forms: WidgetWith takes names and values in pairs, got %d strings", len(nameValues))
	}
	c := *b.field
	c.Attrs = slices.Clone(c.Attrs)
	for i := 0; i < len(nameValues); i += 2 {
		c.Attrs.Set(nameValues[i], nameValues[i+1])
	}
	return (&BoundField{b.form, &c}).Widget()
}

// FieldView is what the templates of a field (forms/field.html,
// forms/label.html) and of a form (forms/div.html) see of each field, as
// .field and in .fields: plain values, computed once.
type FieldView struct {
	Name, HTMLName, ID string
	Label, LabelSuffix string
	HelpText           string
	Errors             []*Error
	Required, Hidden   bool
	UseFieldset        bool          // a <fieldset> and <legend> rather than a <label>
	CSSClasses         string        // the form's ErrorClass and RequiredClass that apply
	Widget             template.HTML // the rendered widget
	HTML               template.HTML // the rendered field group, in forms/div.html
}

// view computes the field's FieldView; withWidget renders the widget.
func (b *BoundField) view(withWidget bool) (*FieldView, error) {
	d := WidgetData{}
	b.field.widget().Build(&d)
	v := &FieldView{
		Name: b.field.Name, HTMLName: b.HTMLName(), ID: b.ID(),
		Label: b.Label(), LabelSuffix: b.form.labelSuffix(), HelpText: b.field.HelpText,
		Errors: b.Errors(), Required: !b.field.Optional, Hidden: d.Hidden, UseFieldset: d.Fieldset,
	}
	var classes []string
	if c := b.form.cssClass(true); c != "" && len(v.Errors) > 0 {
		classes = append(classes, c)
	}
	if c := b.form.cssClass(false); c != "" && v.Required {
		classes = append(classes, c)
	}
	v.CSSClasses = strings.Join(classes, " ")
	if withWidget {
		var err error
		if v.Widget, err = b.Widget(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// LabelTag renders the field's <label>, tied to the input by for=, with
// the form's label suffix: <label for="id_name">Name:</label>.
func (b *BoundField) LabelTag() (template.HTML, error) {
	v, err := b.view(false)
	if err != nil {
		return "", err
	}
	return b.render("forms/label.html", templates.Data{"field": v})
}

// UseFieldset reports whether the widget is made of several inputs, which
// a <fieldset> and <legend> group better than a <label>.
func (b *BoundField) UseFieldset() bool {
	d := WidgetData{}
	b.field.widget().Build(&d)
	return d.Fieldset
}

// HTML renders the field as a group: its label, help text, errors and
// widget (forms/field.html), Django's as_field_group.
func (b *BoundField) HTML() (template.HTML, error) {
	v, err := b.view(true)
	if err != nil {
		return "", err
	}
	return b.render("forms/field.html", templates.Data{"field": v})
}

func (b *BoundField) render(name string, data templates.Data) (template.HTML, error) {
	var buf bytes.Buffer
	if err := b.form.renderer().Render(&buf, nil, name, data); err != nil {
		return "", err
	}
	return trimmed(&buf), nil
}

// HTML renders the whole form with its Template (Django's {{ form }}):
// the errors of the whole form, then each visible field as a group, then
// the hidden fields. It renders the fields, not the <form> element, its
// CSRF field or its buttons, which the page writes.
func (f *Form[T]) HTML() (template.HTML, error) {
	return f.renderForm(cmpStr(f.Template, "forms/div.html"))
}

// AsDiv renders the form in Django's div layout, whatever its Template.
func (f *Form[T]) AsDiv() (template.HTML, error) { return f.renderForm("forms/div.html") }

func (f *Form[T]) renderForm(name string) (template.HTML, error) {
	var visible, hidden []*FieldView
	nonField := slices.Clone(f.NonFieldErrors())
	for _, b := range f.Fields() {
		v, err := b.view(true)
		if err != nil {
			return "", err
		}
		if v.Hidden {
			hidden = append(hidden, v)
			for _, e := range v.Errors {
				c := *e
				c.Message = "(Hidden field " + v.Name + ") " + e.Error()
				c.Params = nil
				nonField = append(nonField, &c)
			}
			continue
		}
		if v.HTML, err = b.render("forms/field.html", templates.Data{"field": v}); err != nil {
			return "", err
		}
		visible = append(visible, v)
	}
	var buf bytes.Buffer
	err := f.renderer().Render(&buf, nil, name, templates.Data{
		"form": f, "errors": nonField, "fields": visible, "hidden_fields": hidden,
	})
	if err != nil {
		return "", err
	}
	return trimmed(&buf), nil
}

func (f *Form[T]) renderer() Renderer {
	if f.Renderer == nil {
		return defaultRenderer
	}
	return f.Renderer
}

func (f *Form[T]) autoID(name string) string {
	switch f.AutoID {
	case "":
		return "id_" + name
	case "-":
		return ""
	}
	if strings.Contains(f.AutoID, "%s") {
		return strings.Replace(f.AutoID, "%s", name, 1)
	}
	return f.AutoID + name
}

func (f *Form[T]) omitRequired() bool { return f.noRequiredAttr }

func (f *Form[T]) cssClass(errors bool) string {
	if errors {
		return f.ErrorClass
	}
	return f.RequiredClass
}

func (f *Form[T]) labelSuffix() string {
	switch f.LabelSuffix {
	case "":
		return ":"
	case "-":
		return ""
	}
	return f.LabelSuffix
}

func (f *Form[T]) state() (bool, url.Values, Files, Errors) {
	return f.bound, f.data, f.files, f.errors
}

// trimmed is rendered output without the line breaks that begin and end a
// template file, so that a widget put inside a line does not break it.
func trimmed(buf *bytes.Buffer) template.HTML {
	return template.HTML(strings.Trim(buf.String(), "\n")) //nolint:gosec // rendered by html/template
}
