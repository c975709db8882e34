package forms

import (
	"html/template"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Files are the uploads of a multipart submission by field name, as
// multipart.Form.File holds them.
type Files = map[string][]*multipart.FileHeader

// Widget renders a field as HTML and reads it back from a submission, as
// Django's widgets. Each renders through its Template, found through the
// form's Renderer, so a project overrides the markup of every widget by
// writing a file of the same name.
type Widget interface {
	// Template is the name of the widget's template, e.g.
	// "forms/widgets/input.html".
	Template() string
	// Read returns what a submission holds for the field named name
	// (Django's value_from_datadict).
	Read(data url.Values, files Files, name string) Raw
	// Build completes what the template sees: the input type, the
	// widget's attributes, which options are selected.
	Build(d *WidgetData)
}

// Attr is one HTML attribute; an empty Value writes the name alone
// (required, disabled, multiple).
type Attr struct {
	Name, Value string
}

// Attrs are HTML attributes in the order they are written.
type Attrs []Attr

// Set replaces the attribute name, or appends it.
func (a *Attrs) Set(name, value string) {
	for i := range *a {
		if (*a)[i].Name == name {
			(*a)[i].Value = value
			return
		}
	}
	*a = append(*a, Attr{name, value})
}

// Get returns the value of the attribute name.
func (a Attrs) Get(name string) (string, bool) {
	for _, at := range a {
		if at.Name == name {
			return at.Value, true
		}
	}
	return "", false
}

// HTML writes the attributes, each preceded by a space, their values
// escaped. A name that is not a plain attribute name (letters, digits,
// "-", "_", ":") is left out: attribute names come from code, never from
// a submission, and this keeps a mistake from breaking the markup.
func (a Attrs) HTML() template.HTMLAttr {
	var b strings.Builder
	for _, at := range a {
		if !attrName(at.Name) {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(at.Name)
		if at.Value != "" || keepsEmpty(at.Name) {
			b.WriteString(`="`)
			b.WriteString(template.HTMLEscapeString(at.Value))
			b.WriteByte('"')
		}
	}
	return template.HTMLAttr(b.String()) //nolint:gosec // names checked, values escaped
}

func keepsEmpty(name string) bool { return name == "value" || name == "alt" || name == "placeholder" }

func attrName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == ':') {
			return false
		}
	}
	return true
}

// mergeAttrs is a widget's own attributes with the field's set over
// them: one attribute of each name, the field's winning.
func mergeAttrs(own, field Attrs) Attrs {
	out := slices.Clone(own)
	for _, a := range field {
		out.Set(a.Name, a.Value)
	}
	return out
}

// WidgetData is what a widget's template sees as .widget.
type WidgetData struct {
	Name   string   // the input's name, with the form's prefix
	ID     string   // the input's id ("" without AutoID)
	Type   string   // the input type, for <input>
	Values []string // the values shown: formatted initial, or what was sent
	Attrs  Attrs    // attributes, id, required and aria-* included
	// Required, Disabled and Hidden describe the field; Hidden widgets are
	// rendered without a label, after the visible fields.
	Required, Disabled, Hidden bool
	// Checked is set for a checkbox whose value is true.
	Checked bool
	// Fieldset is set for widgets of several inputs, which the field
	// template puts in a <fieldset> with a <legend>.
	Fieldset bool
	// Groups are the options of a select, radio or checkbox list.
	Groups []OptionGroup
	// Parts are the inputs of a widget made of several (split date-time).
	Parts []WidgetData
	// Initial is the current file of a clearable file input (its name),
	// InitialURL where it is served when its value has a URL() string
	// method; ClearName and ClearID name its "clear" checkbox.
	Initial, InitialURL string
	ClearName, ClearID  string
	// Value is the single value shown, the last of Values; AttrsHTML is
	// Attrs written out: both set once Build ran, for the template.
	Value     string
	AttrsHTML template.HTMLAttr
}

// value is the single value shown: the last of Values, or "".
func (d *WidgetData) value() string {
	if len(d.Values) == 0 {
		return ""
	}
	return d.Values[len(d.Values)-1]
}

// OptionGroup is the options of one <optgroup> (Name "" for none).
type OptionGroup struct {
	Name    string
	Options []OptionData
}

// OptionData is one option as a template renders it.
type OptionData struct {
	Value, Label       string
	ID                 string // for radio and checkbox lists
	Selected, Disabled bool
	Attrs              Attrs // for radio and checkbox lists: id, required
	AttrsHTML          template.HTMLAttr
}

// readValues is the Read of widgets of one or several values.
func readValues(data url.Values, name string) Raw {
	vs, ok := data[name]
	if !ok {
		return Raw{}
	}
	return Raw{Values: vs}
}

// Input is an <input> of Type ("text" when empty; "email", "url",
// "number", "hidden", "date", "time", "datetime-local", "search",
// "tel", "color"...), Django's TextInput, EmailInput, HiddenInput and
// friends. Attrs are written on it (class, placeholder...).
type Input struct {
	Type  string
	Attrs Attrs
}

func (w Input) Template() string                               { return "forms/widgets/input.html" }
func (w Input) Read(data url.Values, _ Files, name string) Raw { return readValues(data, name) }
func (w Input) Build(d *WidgetData) {
	d.Type = cmpStr(w.Type, "text")
	d.Hidden = d.Type == "hidden"
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
}

// PasswordInput is an <input type="password">. What was typed is never
// sent back in the page, unless RenderValue (Django's render_value).
type PasswordInput struct {
	Attrs       Attrs
	RenderValue bool
}

func (w PasswordInput) Template() string                               { return "forms/widgets/input.html" }
func (w PasswordInput) Read(data url.Values, _ Files, name string) Raw { return readValues(data, name) }
func (w PasswordInput) Build(d *WidgetData) {
	d.Type = "password"
	if !w.RenderValue {
		d.Values = nil
	}
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
}

// Textarea is a <textarea>, 40 columns by 10 rows unless Attrs say.
type Textarea struct {
	Attrs Attrs
}

func (w Textarea) Template() string                               { return "forms/widgets/textarea.html" }
func (w Textarea) Read(data url.Values, _ Files, name string) Raw { return readValues(data, name) }
func (w Textarea) Build(d *WidgetData) {
	attrs := Attrs{{"cols", "40"}, {"rows", "10"}}
	for _, a := range w.Attrs {
		attrs.Set(a.Name, a.Value)
	}
	d.Attrs = mergeAttrs(attrs, d.Attrs)
}

// CheckboxInput is an <input type="checkbox">, checked when the value is
// true. A box left unchecked sends nothing, which reads as false.
type CheckboxInput struct {
	Attrs Attrs
}

func (w CheckboxInput) Template() string { return "forms/widgets/input.html" }
func (w CheckboxInput) Read(data url.Values, _ Files, name string) Raw {
	return readValues(data, name)
}
func (w CheckboxInput) Build(d *WidgetData) {
	d.Type = "checkbox"
	switch strings.ToLower(d.value()) {
	case "", "false", "0", "off":
	default:
		d.Checked = true
	}
	d.Values = nil // the box sends "on", as Django's renders no value
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
}

// Select is a <select>, of several values with Multiple.
type Select struct {
	Attrs    Attrs
	Multiple bool
}

func (w Select) Template() string                               { return "forms/widgets/select.html" }
func (w Select) Read(data url.Values, _ Files, name string) Raw { return readValues(data, name) }
func (w Select) Build(d *WidgetData) {
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
	if w.Multiple {
		d.Attrs = append(d.Attrs, Attr{Name: "multiple"})
	}
	markSelected(d, w.Multiple)
}

// markSelected marks the options whose value is shown: the last one for
// a single choice (the one a repeated key would submit), all for several.
func markSelected(d *WidgetData, multiple bool) {
	values := d.Values
	if !multiple && len(values) > 1 {
		values = values[len(values)-1:]
	}
	if !multiple && len(values) == 0 {
		values = []string{""} // nothing chosen: the empty choice, when there is one
	}
	for gi := range d.Groups {
		for oi := range d.Groups[gi].Options {
			o := &d.Groups[gi].Options[oi]
			o.Selected = slices.Contains(values, o.Value)
		}
	}
}

// NullBooleanSelect is a <select> of Unknown, Yes and No, Django's
// NullBooleanSelect; it sends "unknown", "true" or "false".
type NullBooleanSelect struct {
	Attrs Attrs
}

func (w NullBooleanSelect) Template() string { return "forms/widgets/select.html" }
func (w NullBooleanSelect) Read(data url.Values, _ Files, name string) Raw {
	return readValues(data, name)
}
func (w NullBooleanSelect) Build(d *WidgetData) {
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
	current := "unknown"
	switch strings.ToLower(d.value()) {
	case "true", "1", "2", "on", "yes":
		current = "true"
	case "false", "0", "3", "no":
		current = "false"
	}
	d.Groups = []OptionGroup{{Options: []OptionData{
		{Value: "unknown", Label: "Unknown"}, {Value: "true", Label: "Yes"}, {Value: "false", Label: "No"},
	}}}
	d.Values = []string{current}
	markSelected(d, false)
}

// RadioSelect is a list of radio buttons, one per option, in a
// <fieldset>; Django's RadioSelect.
type RadioSelect struct {
	Attrs Attrs
}

func (w RadioSelect) Template() string                               { return "forms/widgets/multiple_input.html" }
func (w RadioSelect) Read(data url.Values, _ Files, name string) Raw { return readValues(data, name) }
func (w RadioSelect) Build(d *WidgetData) {
	d.Type = "radio"
	buildMultipleInput(d, w.Attrs, false)
}

// CheckboxSelectMultiple is a list of checkboxes, one per option, in a
// <fieldset>; Django's CheckboxSelectMultiple.
type CheckboxSelectMultiple struct {
	Attrs Attrs
}

func (w CheckboxSelectMultiple) Template() string { return "forms/widgets/multiple_input.html" }
func (w CheckboxSelectMultiple) Read(data url.Values, _ Files, name string) Raw {
	return readValues(data, name)
}
func (w CheckboxSelectMultiple) Build(d *WidgetData) {
	d.Type = "checkbox"
	buildMultipleInput(d, w.Attrs, true)
}

// buildMultipleInput gives each option of a radio or checkbox list its
// id (id_name_0, id_name_1...) and attributes. The list's own id goes on
// its wrapper; "required" goes on each radio button, but not on
// checkboxes, where it would require every box.
func buildMultipleInput(d *WidgetData, own Attrs, multiple bool) {
	d.Fieldset = true
	markSelected(d, multiple)
	var shared Attrs
	for _, a := range mergeAttrs(own, d.Attrs) {
		switch {
		case a.Name == "id":
		case a.Name == "required" && multiple:
		default:
			shared = append(shared, a)
		}
	}
	i := 0
	for gi := range d.Groups {
		for oi := range d.Groups[gi].Options {
			o := &d.Groups[gi].Options[oi]
			o.Attrs = slices.Clone(shared)
			if d.ID != "" {
				o.ID = d.ID + "_" + strconv.Itoa(i)
				o.Attrs = append(o.Attrs, Attr{"id", o.ID})
			}
			if o.Disabled {
				o.Attrs = append(o.Attrs, Attr{Name: "disabled"})
			}
			i++
		}
	}
	d.Attrs = nil
	if d.ID != "" {
		d.Attrs = Attrs{{"id", d.ID}}
	}
}

// FileInput is an <input type="file">. A file input never shows a value:
// browsers do not allow it.
type FileInput struct {
	Attrs Attrs
}

func (w FileInput) Template() string { return "forms/widgets/input.html" }
func (w FileInput) Read(data url.Values, files Files, name string) Raw {
	in := readValues(data, name)
	in.Files = files[name]
	return in
}
func (w FileInput) Build(d *WidgetData) {
	d.Type = "file"
	d.Values = nil
	d.Attrs = mergeAttrs(w.Attrs, d.Attrs)
}

// ClearableFileInput is a file input that shows the current file and,
// for an optional field, a "clear" checkbox (name-clear) to remove it;
// Django's ClearableFileInput.
type ClearableFileInput struct {
	Attrs Attrs
}

func (w ClearableFileInput) Template() string { return "forms/widgets/clearable_file_input.html" }
func (w ClearableFileInput) Read(data url.Values, files Files, name string) Raw {
	in := FileInput{}.Read(data, files, name)
	clear := readValues(data, name+"-clear")
	switch strings.ToLower(clear.Value()) {
	case "", "false", "0", "off":
	default:
		in.Clear = len(clear.Values) > 0
	}
	return in
}
func (w ClearableFileInput) Build(d *WidgetData) {
	FileInput(w).Build(d)
	if d.Initial != "" && !d.Required && !d.Disabled {
		d.ClearName = d.Name + "-clear"
		d.ClearID = d.ClearName + "_id"
	}
}

// SplitDateTimeWidget is a date input and a time input, named name_0 and
// name_1, Django's SplitDateTimeWidget.
type SplitDateTimeWidget struct {
	DateAttrs, TimeAttrs Attrs
}

func (w SplitDateTimeWidget) Template() string { return "forms/widgets/multiwidget.html" }
func (w SplitDateTimeWidget) Read(data url.Values, _ Files, name string) Raw {
	date, okDate := data[name+"_0"]
	clock, okTime := data[name+"_1"]
	if !okDate && !okTime {
		return Raw{}
	}
	last := func(vs []string) string {
		if len(vs) == 0 {
			return ""
		}
		return vs[len(vs)-1]
	}
	return Raw{Values: []string{last(date), last(clock)}}
}
func (w SplitDateTimeWidget) Build(d *WidgetData) {
	d.Fieldset = true
	types := []string{"date", "time"}
	own := []Attrs{w.DateAttrs, w.TimeAttrs}
	for i := range 2 {
		part := WidgetData{Name: d.Name + "_" + strconv.Itoa(i), Type: types[i], Required: d.Required, Disabled: d.Disabled}
		if i < len(d.Values) {
			part.Values = d.Values[i : i+1]
		}
		part.Attrs = slices.Clone(own[i])
		for _, a := range d.Attrs {
			if a.Name == "id" {
				if d.ID != "" {
					part.ID = d.ID + "_" + strconv.Itoa(i)
					a.Value = part.ID
				}
			}
			part.Attrs = append(part.Attrs, a)
		}
		d.Parts = append(d.Parts, part)
	}
}

// widgetByName maps the widget= of a struct tag to a widget.
func widgetByName(name string) (Widget, bool) {
	switch name {
	case "text", "email", "url", "number", "hidden", "date", "time", "datetime-local", "search", "tel", "color":
		return Input{Type: name}, true
	case "datetime":
		return Input{Type: "datetime-local"}, true
	case "password":
		return PasswordInput{}, true
	case "textarea":
		return Textarea{}, true
	case "checkbox":
		return CheckboxInput{}, true
	case "select":
		return Select{}, true
	case "selectmultiple":
		return Select{Multiple: true}, true
	case "radio":
		return RadioSelect{}, true
	case "checkboxes":
		return CheckboxSelectMultiple{}, true
	case "nullboolean":
		return NullBooleanSelect{}, true
	case "file":
		return FileInput{}, true
	case "clearablefile":
		return ClearableFileInput{}, true
	case "splitdatetime":
		return SplitDateTimeWidget{}, true
	}
	return nil, false
}
