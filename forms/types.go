package forms

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nuages-go/nuages/internal/decimal"
)

// Raw is what a submission holds for one field, as its widget read it
// (Django's value_from_datadict), and where dates without an offset are.
type Raw struct {
	// Values are the field's values in the order sent: one for most
	// widgets, several for a multiple select, one per part for a split
	// date-time.
	Values []string
	// Files are the field's uploads.
	Files []*multipart.FileHeader
	// Clear is set when a clearable file input's "clear" box was checked.
	Clear bool
	// Location is where a date and time sent without an offset is; never
	// nil when the form calls Convert.
	Location *time.Location
}

// Value is the single value of the field: the last one sent, as Django's
// QueryDict.get returns the last of a repeated key, or "".
func (in Raw) Value() string {
	if len(in.Values) == 0 {
		return ""
	}
	return in.Values[len(in.Values)-1]
}

// Type is what a field holds: how what was sent becomes a Go value and
// back, as the to_python and prepare_value of Django's Field classes.
// Char, Integer, Date... are the Types of Django's fields; a project may
// write its own.
type Type interface {
	// Convert turns what was sent into the field's Go value, or returns
	// an *Error. Nothing sent converts to nil, "" or an empty slice: the
	// form then reports "required" or leaves the value empty.
	Convert(ctx context.Context, in Raw) (any, error)
	// Format turns a Go value (an initial value or a converted one) into
	// the strings a widget shows; loc is where times are shown.
	Format(v any, loc *time.Location) []string
	// Widget is the field's widget when the Field names none.
	Widget() Widget
}

// Validating is implemented by Types whose options are checks of the
// converted value (Char's MaxLength, Integer's Max), run before the
// Field's own Validators, as Django's fields add validators of their own.
type Validating interface {
	Validators() []Validator
}

// attrser is implemented by Types that add HTML attributes to their widget
// (maxlength, min, max, step), Django's Field.widget_attrs.
type attrser interface {
	attrs() []Attr
}

// requiredChecker is implemented by Types for which "required" means more
// than "not empty": a Boolean must be checked.
type requiredChecker interface {
	missing(v any) bool
}

// maxNumberLength bounds the text of a number: beyond it the text is
// refused before it is parsed, so a megabyte of digits costs nothing.
const maxNumberLength = 400

// ---- text ----

// Char is text, Django's CharField: surrounding white space is removed
// unless NoStrip, and the value is a string ("" when nothing was sent).
type Char struct {
	MinLength, MaxLength int // in characters; 0 is no limit
	NoStrip              bool
}

func (c Char) Convert(_ context.Context, in Raw) (any, error) {
	s := in.Value()
	if !c.NoStrip {
		s = strings.TrimSpace(s)
	}
	return s, nil
}

func (c Char) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }

func (c Char) Widget() Widget { return Input{Type: "text"} }

func (c Char) Validators() []Validator { return lengthValidators(c.MinLength, c.MaxLength) }

func (c Char) attrs() []Attr { return lengthAttrs(c.MinLength, c.MaxLength) }

func lengthValidators(minLen, maxLen int) []Validator {
	var vs []Validator
	if minLen > 0 {
		vs = append(vs, MinLength(minLen))
	}
	if maxLen > 0 {
		vs = append(vs, MaxLength(maxLen))
	}
	return vs
}

func lengthAttrs(minLen, maxLen int) []Attr {
	var as []Attr
	if maxLen > 0 {
		as = append(as, Attr{"maxlength", strconv.Itoa(maxLen)})
	}
	if minLen > 0 {
		as = append(as, Attr{"minlength", strconv.Itoa(minLen)})
	}
	return as
}

// Email is an e-mail address, Django's EmailField: a string of at most
// MaxLength characters (320 when 0, the longest address RFC 3696 allows).
type Email struct {
	MinLength, MaxLength int
}

func (e Email) Convert(ctx context.Context, in Raw) (any, error) {
	return Char{}.Convert(ctx, in)
}
func (e Email) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (e Email) Widget() Widget                            { return Input{Type: "email"} }
func (e Email) Validators() []Validator {
	return append(lengthValidators(e.MinLength, cmp0(e.MaxLength, 320)), EmailValidator())
}
func (e Email) attrs() []Attr { return lengthAttrs(e.MinLength, cmp0(e.MaxLength, 320)) }

// URL is an absolute http, https, ftp or ftps URL, Django's URLField;
// a URL sent without a scheme gets AssumeScheme ("https" when empty) as
// Django 6 does. The value is a string of at most MaxLength characters
// (2048 when 0).
type URL struct {
	MinLength, MaxLength int
	AssumeScheme         string
}

func (u URL) Convert(ctx context.Context, in Raw) (any, error) {
	v, _ := Char{}.Convert(ctx, in)
	s := v.(string)
	if s == "" {
		return s, nil
	}
	if !strings.Contains(s, "://") && !strings.HasPrefix(s, "//") && !hasScheme(s) {
		s = cmpStr(u.AssumeScheme, "https") + "://" + s
	}
	return s, nil
}

// hasScheme reports whether s starts like "mailto:" (a scheme that is not
// followed by "//"); "example.com:8000" is a host and port, not a scheme.
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j, r := range s[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	_, err := strconv.Atoi(strings.SplitN(s[i+1:], "/", 2)[0])
	return err != nil // "host:8000/path" has a port, not a scheme
}

func (u URL) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (u URL) Widget() Widget                            { return Input{Type: "url"} }
func (u URL) Validators() []Validator {
	return append(lengthValidators(u.MinLength, cmp0(u.MaxLength, 2048)), URLValidator())
}
func (u URL) attrs() []Attr { return lengthAttrs(u.MinLength, cmp0(u.MaxLength, 2048)) }

// Slug is letters, digits, hyphens and underscores, Django's SlugField;
// with AllowUnicode, letters and digits of any script.
type Slug struct {
	MinLength, MaxLength int
	AllowUnicode         bool
}

func (s Slug) Convert(ctx context.Context, in Raw) (any, error) { return Char{}.Convert(ctx, in) }
func (s Slug) Format(v any, loc *time.Location) []string        { return formatAny(v, loc) }
func (s Slug) Widget() Widget                                   { return Input{Type: "text"} }
func (s Slug) Validators() []Validator {
	return append(lengthValidators(s.MinLength, s.MaxLength), SlugValidator(s.AllowUnicode))
}
func (s Slug) attrs() []Attr { return lengthAttrs(s.MinLength, s.MaxLength) }

// Regex is text that Pattern matches, Django's RegexField. As Django's
// RegexValidator, Pattern is searched for, not matched whole: anchor it
// (^...$) to constrain the whole value.
type Regex struct {
	Pattern              *regexp.Regexp
	MinLength, MaxLength int
}

func (r Regex) Convert(ctx context.Context, in Raw) (any, error) { return Char{}.Convert(ctx, in) }
func (r Regex) Format(v any, loc *time.Location) []string        { return formatAny(v, loc) }
func (r Regex) Widget() Widget                                   { return Input{Type: "text"} }
func (r Regex) Validators() []Validator {
	return append(lengthValidators(r.MinLength, r.MaxLength), RegexValidator(r.Pattern, "invalid"))
}
func (r Regex) attrs() []Attr { return lengthAttrs(r.MinLength, r.MaxLength) }

// ---- numbers ----

// Integer is a whole number, an int64: Django's IntegerField. Min and Max
// bound it, Step makes it a multiple of Step (from Min when set). A value
// beyond int64 is refused as over Max or under Min.
type Integer struct {
	Min, Max *int64
	Step     int64
}

func (n Integer) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	if len(s) > maxNumberLength {
		return nil, newError("invalid_integer", nil)
	}
	// Django accepts "12.0" and "12.00" as 12.
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			if strings.HasPrefix(s, "-") {
				return nil, newError("min_value", map[string]any{"limit_value": int64(math.MinInt64)})
			}
			return nil, newError("max_value", map[string]any{"limit_value": int64(math.MaxInt64)})
		}
		return nil, newError("invalid_integer", nil)
	}
	return v, nil
}

func (n Integer) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (n Integer) Widget() Widget                            { return Input{Type: "number"} }

func (n Integer) Validators() []Validator {
	var vs []Validator
	if n.Max != nil {
		vs = append(vs, MaxValue(*n.Max))
	}
	if n.Min != nil {
		vs = append(vs, MinValue(*n.Min))
	}
	if n.Step > 0 {
		var offset any
		if n.Min != nil {
			offset = *n.Min
		}
		vs = append(vs, StepValue(n.Step, offset))
	}
	return vs
}

func (n Integer) attrs() []Attr {
	var as []Attr
	if n.Max != nil {
		as = append(as, Attr{"max", strconv.FormatInt(*n.Max, 10)})
	}
	if n.Min != nil {
		as = append(as, Attr{"min", strconv.FormatInt(*n.Min, 10)})
	}
	if n.Step > 0 {
		as = append(as, Attr{"step", strconv.FormatInt(n.Step, 10)})
	}
	return as
}

// Float is a float64, Django's FloatField; infinities and NaN are refused.
type Float struct {
	Min, Max *float64
	Step     float64
}

func (f Float) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	if len(s) > maxNumberLength || strings.ContainsAny(s, "xXpP_") { // no hex floats, no digit separators
		return nil, newError("invalid_number", nil)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, newError("invalid_number", nil)
	}
	return v, nil
}

func (f Float) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (f Float) Widget() Widget                            { return Input{Type: "number"} }

func (f Float) Validators() []Validator {
	var vs []Validator
	if f.Max != nil {
		vs = append(vs, MaxValue(*f.Max))
	}
	if f.Min != nil {
		vs = append(vs, MinValue(*f.Min))
	}
	if f.Step > 0 {
		var offset any
		if f.Min != nil {
			offset = *f.Min
		}
		vs = append(vs, StepValue(f.Step, offset))
	}
	return vs
}

func (f Float) attrs() []Attr {
	as := []Attr{{"step", "any"}}
	if f.Step > 0 {
		as[0].Value = strconv.FormatFloat(f.Step, 'g', -1, 64)
	}
	if f.Max != nil {
		as = append(as, Attr{"max", strconv.FormatFloat(*f.Max, 'g', -1, 64)})
	}
	if f.Min != nil {
		as = append(as, Attr{"min", strconv.FormatFloat(*f.Min, 'g', -1, 64)})
	}
	return as
}

// Decimal is an exact decimal number, Django's DecimalField, never a
// binary float: the value is its text, "12.50", as sent (the exponent
// form "1.5e2" written out), to store in a string or a decimal type
// (any encoding.TextUnmarshaler). MaxDigits and DecimalPlaces bound it
// as Django's do (0 is no limit); Min, Max and Step are decimal text.
type Decimal struct {
	MaxDigits, DecimalPlaces int
	Min, Max, Step           string
}

func (d Decimal) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	if len(s) > maxNumberLength {
		return nil, newError("invalid_number", nil)
	}
	v, err := decimal.Parse(s)
	if err != nil {
		return nil, newError("invalid_number", nil)
	}
	return v.String(), nil
}

func (d Decimal) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (d Decimal) Widget() Widget                            { return Input{Type: "number"} }

func (d Decimal) Validators() []Validator {
	var vs []Validator
	if d.Max != "" {
		vs = append(vs, MaxValue(d.Max))
	}
	if d.Min != "" {
		vs = append(vs, MinValue(d.Min))
	}
	if d.Step != "" {
		var offset any
		if d.Min != "" {
			offset = d.Min
		}
		vs = append(vs, StepValue(d.Step, offset))
	}
	if d.MaxDigits > 0 || d.DecimalPlaces > 0 {
		vs = append(vs, DecimalDigits(d.MaxDigits, d.DecimalPlaces))
	}
	return vs
}

func (d Decimal) attrs() []Attr {
	step := "any"
	if d.Step != "" {
		step = d.Step
	} else if d.DecimalPlaces > 0 {
		step = "0." + strings.Repeat("0", d.DecimalPlaces-1) + "1"
	}
	as := []Attr{{"step", step}}
	if d.Max != "" {
		as = append(as, Attr{"max", d.Max})
	}
	if d.Min != "" {
		as = append(as, Attr{"min", d.Min})
	}
	return as
}

// ---- booleans ----

// Boolean is a checkbox, Django's BooleanField: "", "false", "0" and "off"
// (any case) and a missing box are false, anything else true. A required
// Boolean must be checked ("I accept the terms"); declared from a bool
// struct field it is not required.
type Boolean struct{}

func (Boolean) Convert(_ context.Context, in Raw) (any, error) {
	switch strings.ToLower(strings.TrimSpace(in.Value())) {
	case "", "false", "0", "off":
		return false, nil
	}
	return true, nil
}

func (Boolean) missing(v any) bool                        { b, _ := v.(bool); return !b }
func (Boolean) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (Boolean) Widget() Widget                            { return CheckboxInput{} }

// NullBoolean is yes, no or unknown, Django's NullBooleanField: "true",
// "1", "2" and "on" are true; "false", "0" and "3" false; anything else
// unknown, a nil value.
type NullBoolean struct{}

func (NullBoolean) Convert(_ context.Context, in Raw) (any, error) {
	switch strings.ToLower(strings.TrimSpace(in.Value())) {
	case "true", "1", "2", "on", "yes":
		return true, nil
	case "false", "0", "3", "no":
		return false, nil
	}
	return nil, nil
}

func (NullBoolean) missing(any) bool                          { return false }
func (NullBoolean) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (NullBoolean) Widget() Widget                            { return NullBooleanSelect{} }

// ---- other text forms ----

// UUID is a UUID in any of the spellings Python's uuid.UUID reads (with
// or without hyphens, braces, "urn:uuid:"); the value is its canonical
// lowercase text, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", to store in a
// string, a [16]byte type or any encoding.TextUnmarshaler.
type UUID struct{}

func (UUID) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return "", nil
	}
	u, ok := parseUUID(s)
	if !ok {
		return nil, newError("invalid_uuid", nil)
	}
	return u, nil
}

func parseUUID(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "urn:"), "uuid:")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return "", false
		}
	}
	s = strings.ToLower(s)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:], true
}

func (UUID) Format(v any, loc *time.Location) []string {
	if b, ok := v.([16]byte); ok {
		return []string{fmt.Sprintf("%x-%x-%x-%x-%x", b[:4], b[4:6], b[6:8], b[8:10], b[10:])}
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Array && rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
		var b [16]byte
		reflect.Copy(reflect.ValueOf(b[:]), rv)
		return UUID{}.Format(b, loc)
	}
	return formatAny(v, loc)
}

func (UUID) Widget() Widget { return Input{Type: "text"} }

// JSON is a JSON document, Django's JSONField. The value is the document
// as json.RawMessage, decoded into the struct field's type when the form
// is declared from a struct (a map, a slice, a struct of its own).
type JSON struct{}

func (JSON) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" || s == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return nil, newError("invalid_json", nil)
	}
	return json.RawMessage(buf.Bytes()), nil // compact: equal documents compare equal
}

func (JSON) Format(v any, _ *time.Location) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		return []string{string(v)}
	case string:
		// Text a user sent back after an error is shown as sent.
		return []string{v}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return []string{string(b)}
}

func (JSON) Widget() Widget { return Textarea{} }

// ---- formatting ----

// formatAny is the Format of the scalar types: what a Go value looks like
// in an input.
func formatAny(v any, loc *time.Location) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []string:
		return v
	case bool:
		return []string{strconv.FormatBool(v)}
	case int64:
		return []string{strconv.FormatInt(v, 10)}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case float32:
		return []string{strconv.FormatFloat(float64(v), 'f', -1, 32)}
	case time.Time:
		return []string{formatDateTime(v, loc)}
	case time.Duration:
		return []string{formatDuration(v)}
	case encoding.TextMarshaler:
		if reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil() {
			return nil
		}
		b, err := v.MarshalText()
		if err != nil {
			return nil
		}
		return []string{string(b)}
	case fmt.Stringer:
		return []string{v.String()}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return formatAny(rv.Elem().Interface(), loc)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return []string{strconv.FormatInt(rv.Int(), 10)}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []string{strconv.FormatUint(rv.Uint(), 10)}
	case reflect.String:
		return []string{rv.String()}
	case reflect.Bool:
		return []string{strconv.FormatBool(rv.Bool())}
	case reflect.Float32, reflect.Float64:
		return []string{strconv.FormatFloat(rv.Float(), 'f', -1, 64)}
	case reflect.Slice:
		out := make([]string, 0, rv.Len())
		for i := range rv.Len() {
			out = append(out, formatAny(rv.Index(i).Interface(), loc)...)
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func cmpStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// validHost reports whether host (no port) is a domain name, an IP
// address or localhost, as Django's URLValidator accepts them.
func validHost(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		ip := net.ParseIP(host[1 : len(host)-1])
		return ip != nil && ip.To4() == nil
	}
	if net.ParseIP(host) != nil {
		return strings.Count(host, ".") == 3
	}
	if host == "localhost" {
		return true
	}
	return validDomain(host, true)
}

// validDomain checks the labels of a domain name; letters of any script
// are allowed (Django accepts internationalized names). needTLD asks for
// a dot and a top-level domain of letters.
func validDomain(host string, needTLD bool) bool {
	host = strings.TrimSuffix(host, ".")
	labels := strings.Split(host, ".")
	if needTLD && len(labels) < 2 {
		return false
	}
	for i, l := range labels {
		if l == "" || utf8.RuneCountInString(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return false
			}
		}
		if i == len(labels)-1 && needTLD && strings.Trim(l, "0123456789") == "" {
			return false // a numeric top-level domain is not a domain
		}
	}
	return true
}
