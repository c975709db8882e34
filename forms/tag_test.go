package forms

import (
	"fmt"
	"mime/multipart"
	"reflect"
	"strings"
	"testing"
)

// describeDecl prints what a form tag set on a field, for TestTags.
func describeDecl(fd *Field) string {
	out := []string{show(fd.Type)}
	if fd.Name != "f" {
		out = append(out, "name="+fd.Name)
	}
	if fd.Optional {
		out = append(out, "optional")
	}
	if fd.Disabled {
		out = append(out, "disabled")
	}
	if fd.Widget != nil {
		out = append(out, "widget="+show(fd.Widget))
	}
	for _, a := range fd.Attrs {
		out = append(out, fmt.Sprintf("%s=%q", a.Name, a.Value))
	}
	return strings.Join(out, " ")
}

// show prints a struct's fields that are not zero, through pointers.
func show(v any) string {
	rv := reflect.ValueOf(v)
	var parts []string
	for i := range rv.NumField() {
		f := rv.Field(i)
		if f.IsZero() {
			continue
		}
		if f.Kind() == reflect.Pointer {
			f = f.Elem()
		}
		parts = append(parts, fmt.Sprintf("%s:%v", rv.Type().Field(i).Name, f))
	}
	return fmt.Sprintf("%T{%s}", v, strings.Join(parts, " "))
}

// TestTags pins the form tag grammar: the tags found in the tree and the
// edges of the rules, accepted (what they set) or refused (the error).
func TestTags(t *testing.T) {
	str, i, i8, fl := reflect.TypeFor[string](), reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[float64]()
	file := reflect.TypeFor[*multipart.FileHeader]()
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		want string // describeDecl's text, or "error: " and a part of the message
	}{
		{"empty", str, "", "forms.Char{}"},
		{"optional", str, "optional", "forms.Char{} optional"},
		{"optional_twice", str, "optional,optional", `error: option "optional" given twice`},
		{"optional_false", str, "optional=false", "forms.Char{}"}, // was optional: a flag =false is false,
		{"required", str, "required", "forms.Char{}"},
		{"required_false", str, "required=false", "forms.Char{} optional"},
		{"required_word", str, "required=maybe", `error: required="maybe" is not true or false`},
		{"optional_then_required", str, "optional,required", "forms.Char{}"},
		{"name", str, "name=new_password1,widget=password,no_strip", "forms.Char{NoStrip:true} name=new_password1 widget=forms.PasswordInput{}"},
		{"name_empty", str, "name=", `error: name="" is not a usable input name`},
		{"name_space", str, "name=a b", `error: name="a b" is not a usable input name`},
		{"max_length", str, "max_length=20", "forms.Char{MaxLength:20}"},
		{"max_length_word", str, "max_length=x", `error: max_length="x" is not a whole number >= 0`},
		{"max_length_negative", str, "max_length=-1", `error: max_length="-1" is not a whole number >= 0`},
		{"misspelled", str, "maxlen=3", `error: unknown option "maxlen" in tag ` + "`form:\"maxlen=3\"`: the options are name, type, widget, optional"}, // the options named, as the orm's,
		{"type_email", str, "type=email,max_length=254", "forms.Email{MaxLength:254}"},
		{"type_unknown", str, "type=phone", `error: type="phone" is not a field type`},
		{"widget", str, "widget=textarea,min_length=5", "forms.Char{MinLength:5} widget=forms.Textarea{}"},
		{"widget_unknown", str, "widget=slider", `error: widget="slider" is not a widget`},
		{"placeholder", str, "max_length=50,placeholder=Ann", `forms.Char{MaxLength:50} placeholder="Ann"`},
		{"placeholder_equals", str, "placeholder=a=b", `forms.Char{} placeholder="a=b"`},
		{"comma_unquoted", str, "placeholder=Hello, world", `error: unknown option "world"`},
		{"comma_quoted", str, "placeholder='Hello, world'", `forms.Char{} placeholder="Hello, world"`}, // was refused: no value could hold a comma,
		{"no_strip_false", str, "no_strip=false", "forms.Char{}"},
		{"no_strip_word", str, "no_strip=yes", `error: no_strip="yes" is not true or false`}, // was true,
		{"disabled", str, "disabled", "forms.Char{} disabled"},
		{"disabled_false", str, "disabled=false", "forms.Char{}"}, // was disabled,
		{"empty_options", str, ",optional,", "forms.Char{} optional"},
		{"spaces", str, " optional , max_length = 5 ", "forms.Char{MaxLength:5} optional"}, // was: unknown option "max_length ",
		{"no_key", str, "=x", `error: an option has no name ("=x")`},
		{"choices", str, "choices=d:Draft|p:Published", "forms.Choice{Options:[{d Draft  false} {p Published  false}]}"},
		{"choices_radio", str, "choices=s:Small|l:Large,widget=radio", "forms.Choice{Options:[{s Small  false} {l Large  false}]} widget=forms.RadioSelect{}"},
		{"choices_optional", str, "choices=a|b,optional", "forms.Choice{Options:[{a a  false} {b b  false}] Blank:---------} optional"},
		{"choices_empty_item", str, "choices=a||b", `error: empty choice in "a||b"`}, // was: a choice needs choices=,
		{"choices_on_int", i, "choices=1|2", "error: choices= is for a string"},
		{"slug_unicode", str, "type=slug,unicode", "forms.Slug{AllowUnicode:true}"},
		{"decimal", str, "type=decimal,max_digits=6,decimal_places=2", "forms.Decimal{MaxDigits:6 DecimalPlaces:2}"},
		{"decimal_bad_min", str, "type=decimal,min=x", `error: "x" is not a decimal number`},
		{"int_bounds", i, "min=0,max=150,optional", "forms.Integer{Min:0 Max:150} optional"},
		{"int_min_word", i, "min=x", `error: min="x" is not a whole number`},
		{"int_step_zero", i, "step=0", `error: step="0" is not a whole number > 0`},
		{"int8_beyond", i8, "min=-1000", "error: min=-1000 is beyond what the field's type holds (-128)"},
		{"float_step", fl, "step=0.5", "forms.Float{Step:0.5}"},
		{"float_min_word", fl, "min=x", `error: min="x" is not a number`},
		{"file", file, "optional,types=application/pdf,extensions=pdf", "forms.File{Types:[application/pdf] Extensions:[pdf]} optional"},
		{"file_allow_empty", file, "allow_empty,max_size=10", "forms.File{MaxSize:10 AllowEmpty:true}"},
		{"file_max_size_word", file, "max_size=big", `error: max_size="big" is not a number of bytes`},
		{"type_does_not_fit", i, "type=email", "error: a email field cannot be stored in a int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := reflect.StructOf([]reflect.StructField{
				{Name: "F", Type: tt.typ, Tag: reflect.StructTag(fmt.Sprintf("form:%q", tt.tag))},
			})
			fields, err := declare(typ)
			var got string
			if err != nil {
				got = "error: " + err.Error()
			} else {
				got = describeDecl(fields[0])
			}
			if strings.HasPrefix(tt.want, "error: ") {
				if !strings.Contains(got, strings.TrimPrefix(tt.want, "error: ")) {
					t.Errorf("tag %q: got %s, want %s", tt.tag, got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("tag %q: got %s, want %s", tt.tag, got, tt.want)
			}
		})
	}
}
