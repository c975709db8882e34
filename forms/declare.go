package forms

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime/multipart"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nuages-go/nuages/forms/internal/cleaned"
	"github.com/nuages-go/nuages/internal/names"
	"github.com/nuages-go/nuages/internal/structtag"
)

// decls caches the fields declared by each struct type: tags are read
// once per type, as encoding/json caches its field lists.
var decls sync.Map // reflect.Type -> declared

type declared struct {
	fields []*Field // shared by every form of the type: never changed
	err    error
}

var (
	typeTime     = reflect.TypeFor[time.Time]()
	typeDuration = reflect.TypeFor[time.Duration]()
	typeFile     = reflect.TypeFor[*multipart.FileHeader]()
	typeRawJSON  = reflect.TypeFor[json.RawMessage]()
	typeTextU    = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// declare returns the fields of struct type t (none for other types),
// shared by every form of the type: they must not be changed.
func declare(t reflect.Type) ([]*Field, error) {
	if t.Kind() != reflect.Struct {
		return nil, nil
	}
	if d, ok := decls.Load(t); ok {
		return d.(declared).fields, d.(declared).err
	}
	var fields []Field
	err := collect(t, nil, &fields)
	if err != nil {
		err = fmt.Errorf("forms: %s: %w", t, err)
	}
	ptrs := make([]*Field, len(fields))
	for i := range fields {
		fields[i].prepare()
		ptrs[i] = &fields[i]
	}
	decls.Store(t, declared{ptrs, err})
	return ptrs, err
}

// collect appends the fields of struct t, descending into embedded
// structs, whose fields are the form's own.
func collect(t reflect.Type, index []int, out *[]Field) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("form")
		if tag == "-" {
			continue
		}
		idx := append(append([]int{}, index...), i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct && !hasTag && sf.Type != typeTime {
			if err := collect(sf.Type, idx, out); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		fd, err := fieldOf(sf, tag)
		if err != nil {
			return fmt.Errorf("field %s: %w", sf.Name, err)
		}
		fd.index = idx
		for _, other := range *out {
			if other.Name == fd.Name {
				return fmt.Errorf("field %s: two fields are named %q; rename one with `form:\"name=...\"`", sf.Name, fd.Name)
			}
		}
		*out = append(*out, fd)
	}
	return nil
}

// formTag is the vocabulary of the form tag (see the package doc).
var formTag = structtag.Vocabulary{Tag: "form", Keys: []string{
	"name=", "type=", "widget=", "optional", "required", "disabled", "min_length=", "max_length=", "no_strip", "unicode",
	"min=", "max=", "step=", "max_digits=", "decimal_places=", "choices=", "max_size=", "extensions=", "types=",
	"allow_empty", "max_width=", "max_height=", "placeholder=",
}}

// fieldOf reads one struct field's declaration: its Go type chooses the
// Type, its tags the options.
func fieldOf(sf reflect.StructField, tag string) (Field, error) {
	fd := Field{Name: names.Snake(sf.Name), Label: sf.Tag.Get("label"), HelpText: sf.Tag.Get("help")}
	opts, err := formTag.Parse(tag)
	if err != nil {
		return fd, err
	}
	value := func(key string) string { v, _ := opts.Lookup(key); return v }
	gt := sf.Type
	if gt.Kind() == reflect.Pointer && gt != typeFile {
		gt = gt.Elem()
		fd.Optional = true
	}
	kind := value("type")
	if kind == "" {
		if kind, err = kindOf(gt, opts); err != nil {
			return fd, err
		}
	}
	if kind == "boolean" && sf.Type.Kind() == reflect.Bool {
		fd.Optional = true // a bool field is false or true: unchecked is an answer
	}
	if kind == "boolean" && sf.Type.Kind() == reflect.Pointer {
		kind = "nullboolean"
	}
	num := func(key string) (int, error) {
		v, ok := opts.Lookup(key)
		if !ok {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q is not a whole number >= 0", key, v)
		}
		return n, nil
	}
	var errs []error
	intOpt := func(key string) int { n, err := num(key); errs = append(errs, err); return n }
	var choices []Option
	if c, ok := opts.Lookup("choices"); ok {
		if choices, err = parseChoices(c); err != nil {
			return fd, err
		}
	}
	minL, maxL := intOpt("min_length"), intOpt("max_length")
	switch kind {
	case "char":
		fd.Type = Char{MinLength: minL, MaxLength: maxL, NoStrip: opts.Flag("no_strip")}
		if p, ok := sf.Tag.Lookup("pattern"); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				return fd, fmt.Errorf("pattern: %w", err)
			}
			fd.Type = Regex{Pattern: re, MinLength: minL, MaxLength: maxL}
		}
	case "email":
		fd.Type = Email{MinLength: minL, MaxLength: maxL}
	case "url":
		fd.Type = URL{MinLength: minL, MaxLength: maxL}
	case "slug":
		fd.Type = Slug{MinLength: minL, MaxLength: maxL, AllowUnicode: opts.Flag("unicode")}
	case "uuid":
		fd.Type = UUID{}
	case "json":
		fd.Type = JSON{}
	case "integer":
		n := Integer{}
		lo, hi := intRange(gt)
		if n.Min, err = int64Opt(opts, "min", lo); err != nil {
			return fd, err
		}
		if n.Max, err = int64Opt(opts, "max", hi); err != nil {
			return fd, err
		}
		if s, ok := opts.Lookup("step"); ok {
			if n.Step, err = strconv.ParseInt(s, 10, 64); err != nil || n.Step <= 0 {
				return fd, fmt.Errorf("step=%q is not a whole number > 0", s)
			}
		}
		fd.Type = n
	case "float":
		n := Float{}
		for key, dst := range map[string]**float64{"min": &n.Min, "max": &n.Max} {
			if s, ok := opts.Lookup(key); ok {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return fd, fmt.Errorf("%s=%q is not a number", key, s)
				}
				*dst = &x
			}
		}
		if s, ok := opts.Lookup("step"); ok {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || x <= 0 {
				return fd, fmt.Errorf("step=%q is not a number > 0", s)
			}
			n.Step = x
		}
		fd.Type = n
	case "decimal":
		d := Decimal{MaxDigits: intOpt("max_digits"), DecimalPlaces: intOpt("decimal_places"), Min: value("min"), Max: value("max"), Step: value("step")}
		for _, s := range []string{d.Min, d.Max, d.Step} {
			if _, ok := toDec(s); s != "" && !ok {
				return fd, fmt.Errorf("%q is not a decimal number", s)
			}
		}
		fd.Type = d
	case "boolean":
		fd.Type = Boolean{}
	case "nullboolean":
		fd.Type = NullBoolean{}
	case "date":
		fd.Type = Date{}
	case "time":
		fd.Type = Time{}
	case "datetime":
		fd.Type = DateTime{}
	case "splitdatetime":
		fd.Type = SplitDateTime{}
	case "duration":
		fd.Type = Duration{}
	case "choice":
		if choices == nil {
			return fd, errors.New("a choice needs choices=a|b|c in its tag, or a Field with Options or a Chooser given to New")
		}
		fd.Type = Choice{Options: choices}
	case "multiplechoice":
		fd.Type = MultipleChoice{Options: choices}
	case "file", "image":
		file := File{MaxNameLength: maxL, Extensions: splitList(value("extensions")), Types: splitList(value("types")), AllowEmpty: opts.Flag("allow_empty")}
		if s, ok := opts.Lookup("max_size"); ok {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return fd, fmt.Errorf("max_size=%q is not a number of bytes", s)
			}
			file.MaxSize = n
		}
		fd.Type = file
		if kind == "image" {
			fd.Type = Image{File: file, MaxWidth: intOpt("max_width"), MaxHeight: intOpt("max_height")}
		}
	default:
		return fd, fmt.Errorf("type=%q is not a field type (char, email, url, slug, uuid, json, integer, float, decimal, boolean, nullboolean, date, time, datetime, splitdatetime, duration, choice, multiplechoice, file, image)", kind)
	}
	if err := errors.Join(errs...); err != nil {
		return fd, err
	}
	for _, o := range opts {
		v := o.Value
		switch o.Key {
		case "name":
			if v == "" || strings.ContainsAny(v, " \t\"'<>&") {
				return fd, fmt.Errorf("name=%q is not a usable input name", v)
			}
			fd.Name = v
		case "optional":
			fd.Optional = o.Bool()
		case "required":
			fd.Optional = !o.Bool()
		case "disabled":
			fd.Disabled = o.Bool()
		case "widget":
			w, ok := widgetByName(v)
			if !ok {
				return fd, fmt.Errorf("widget=%q is not a widget (text, email, url, number, password, hidden, textarea, select, selectmultiple, radio, checkbox, checkboxes, nullboolean, date, time, datetime, file, clearablefile, splitdatetime)", v)
			}
			fd.Widget = w
		case "placeholder":
			fd.Attrs = append(fd.Attrs, Attr{"placeholder", v})
		}
	}
	if err := fits(kind, sf.Type); err != nil {
		return fd, err
	}
	if c, ok := fd.Type.(Choice); ok && fd.Optional {
		c.Blank = "---------" // an optional select can be left empty
		fd.Type = c
	}
	if choices != nil {
		switch fd.Type.(type) {
		case Choice, MultipleChoice:
		default:
			return fd, fmt.Errorf("choices= is for a string (one choice) or a []string (several), not a %s", sf.Type)
		}
	}
	return fd, nil
}

// fits checks that the values of field type kind can be stored in a
// struct field of Go type t, so that a mismatch is found by New, not by
// the first user who submits the form.
func fits(kind string, t reflect.Type) error {
	if t.Kind() == reflect.Pointer && t != typeFile {
		t = t.Elem()
	}
	text := t.Kind() == reflect.String || reflect.PointerTo(t).Implements(typeTextU)
	ok := true
	switch kind {
	case "char", "email", "url", "slug", "choice", "decimal":
		ok = text
	case "uuid":
		ok = text || t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
	case "integer":
		ok = t != typeDuration && (t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64)
	case "float":
		ok = t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64
	case "boolean", "nullboolean":
		ok = t.Kind() == reflect.Bool
	case "date", "time", "datetime", "splitdatetime":
		ok = t == typeTime
	case "duration":
		ok = t == typeDuration
	case "multiplechoice":
		ok = t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String
	case "file", "image":
		ok = t == typeFile
	}
	if !ok {
		return fmt.Errorf("a %s field cannot be stored in a %s", kind, t)
	}
	return nil
}

// kindOf chooses the field type of a Go type when the tag names none.
func kindOf(t reflect.Type, opts structtag.Options) (string, error) {
	_, hasChoices := opts.Lookup("choices")
	switch {
	case t == typeTime:
		return "datetime", nil
	case t == typeDuration:
		return "duration", nil
	case t == typeFile:
		return "file", nil
	case t == typeRawJSON:
		return "json", nil
	case reflect.PointerTo(t).Implements(typeTextU):
		return "char", nil
	}
	switch t.Kind() {
	case reflect.String:
		if hasChoices {
			return "choice", nil
		}
		return "char", nil
	case reflect.Bool:
		return "boolean", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer", nil
	case reflect.Float32, reflect.Float64:
		return "float", nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String && hasChoices {
			return "multiplechoice", nil
		}
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return "uuid", nil
		}
	}
	return "", fmt.Errorf("forms cannot fill a %s: give it a type=... option, or leave it out with `form:\"-\"`", t)
}

// intRange is the range of an integer Go type, within int64.
func intRange(t reflect.Type) (lo, hi int64) {
	switch t.Kind() {
	case reflect.Int8:
		return math.MinInt8, math.MaxInt8
	case reflect.Int16:
		return math.MinInt16, math.MaxInt16
	case reflect.Int32:
		return math.MinInt32, math.MaxInt32
	case reflect.Uint8:
		return 0, math.MaxUint8
	case reflect.Uint16:
		return 0, math.MaxUint16
	case reflect.Uint32:
		return 0, math.MaxUint32
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return 0, math.MaxInt64
	}
	return math.MinInt64, math.MaxInt64
}

// int64Opt reads a bound of an integer field: the tag's, which must lie
// within the Go type's, or the Go type's own when narrower than int64.
func int64Opt(opts structtag.Options, key string, typeBound int64) (*int64, error) {
	s, ok := opts.Lookup(key)
	if !ok {
		if typeBound == math.MinInt64 || typeBound == math.MaxInt64 {
			return nil, nil
		}
		return &typeBound, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s=%q is not a whole number", key, s)
	}
	if (key == "min" && n < typeBound) || (key == "max" && n > typeBound) {
		return nil, fmt.Errorf("%s=%d is beyond what the field's type holds (%d)", key, n, typeBound)
	}
	return &n, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// assign writes the cleaned value v into dst, the field of a struct form
// (or a model's, for the ModelForm bridge, through package cleaned).
func assign(dst reflect.Value, v any) error {
	if _, ok := v.(Cleared); ok {
		dst.SetZero()
		return nil
	}
	err := cleaned.Store(dst, v)
	if inv, ok := err.(*cleaned.Invalid); ok {
		return newError(inv.Code, inv.Params)
	}
	return err
}
