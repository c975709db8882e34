package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// library returns the functions every Engine starts with; timesince and
// timeuntil read now (nil: time.Now). Where a Django filter takes an argument, the
// function takes it first and the piped value last, so that
// {{.title | truncatechars 20}} reads as Django's {{ title|truncatechars:20 }}.
func library(now func() time.Time) template.FuncMap {
	if now == nil {
		now = time.Now
	}
	return template.FuncMap{
		"url":           func(name string, args ...any) (string, error) { return "", notConfigured("url") },
		"static":        func(path string) (string, error) { return "", notConfigured("static") },
		"csrf_field":    func(args ...any) (template.HTML, error) { return "", notConfigured("csrf_field") },
		"csrf_token":    func(args ...any) (string, error) { return "", notConfigured("csrf_token") },
		"csp_nonce":     func(args ...any) (string, error) { return "", notConfigured("csp_nonce") },
		"date":          date,
		"timesince":     func(args ...any) (string, error) { return timesince(now, args...) },
		"timeuntil":     func(args ...any) (string, error) { return timeuntil(now, args...) },
		"truncatechars": truncatechars,
		"truncatewords": truncatewords,
		"pluralize":     pluralize,
		"linebreaksbr":  linebreaksbr,
		"default":       defaultValue,
		"yesno":         yesno,
		"floatformat":   floatformat,
		"intcomma":      intcomma,
		"json_script":   jsonScript,
		"querystring":   querystring,
	}
}

func notConfigured(name string) error {
	return fmt.Errorf("templates: the %s function is not configured (set it in Options.Funcs)", name)
}

// toString is Django's str(value) for the piped values of string filters.
func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case template.HTML:
		return string(v)
	case []byte:
		return string(v)
	case fmt.Stringer:
		return v.String()
	case error:
		return v.Error()
	}
	return fmt.Sprint(v)
}

// toInt converts an argument the way Django's int(arg) would: any integer,
// a float (truncated) or a numeric string.
func toInt(v any) (int, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt {
			return 0, false
		}
		return int(u), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return int(f), true
	case reflect.String:
		n, err := strconv.Atoi(strings.TrimSpace(rv.String()))
		return n, err == nil
	}
	return 0, false
}

// decimal returns v as an exact decimal string ("-12.5"), for the number
// filters: integers, floats by their shortest representation (Python's
// str(float), which Django formats), numeric strings and Stringers such as
// decimal types. ok is false for anything else; special is "nan", "inf" or
// "-inf" for those floats.
func decimal(v any) (s, special string, ok bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), "", true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), "", true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		switch {
		case math.IsNaN(f):
			return "", "nan", true
		case math.IsInf(f, 1):
			return "", "inf", true
		case math.IsInf(f, -1):
			return "", "-inf", true
		}
		bits := 64
		if rv.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.FormatFloat(f, 'f', -1, bits), "", true
	}
	var str string
	switch v := v.(type) {
	case string:
		str = v
	case fmt.Stringer: // decimal types, json.Number
		str = v.String()
	default:
		return "", "", false
	}
	str = strings.TrimSpace(str)
	if !decimalRE.MatchString(str) {
		return "", "", false
	}
	if i := strings.IndexAny(str, "eE"); i >= 0 {
		// An exponent is spelled out in full by big.Rat: bound it, so
		// that "1e999999999" from a request cannot take the memory.
		if exp, err := strconv.Atoi(str[i+1:]); err != nil || exp > 400 || exp < -400 {
			return "", "", false
		}
	}
	return str, "", true
}

// decimalRE is a decimal number as Python's Decimal reads it, less NaN and
// Infinity.
var decimalRE = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`)

// truncatechars is Django's truncatechars: s cut to at most n characters,
// the last of them "…" when it was cut. Combining marks do not count.
func truncatechars(n, value any) string {
	s := toString(value)
	length, ok := toInt(n)
	if !ok {
		return s
	}
	if length <= 0 {
		return ""
	}
	truncLen := length - 1 // room left beside the ellipsis
	count, end := 0, -1
	for i, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		count++
		if end < 0 && count > truncLen {
			end = i
		}
		if count > length {
			return s[:end] + "…"
		}
	}
	return s
}

// truncatewords is Django's truncatewords: the first n words of s, joined
// by single spaces, then " …" when words were cut.
func truncatewords(n, value any) string {
	s := toString(value)
	length, ok := toInt(n)
	if !ok {
		return s
	}
	if length <= 0 {
		return ""
	}
	words := strings.Fields(s)
	if len(words) > length {
		return strings.Join(words[:length], " ") + " …"
	}
	return strings.Join(words, " ")
}

// pluralize is Django's pluralize: {{n | pluralize}}, {{n | pluralize "es"}}
// or {{n | pluralize "y,ies"}}. The value is a number, a numeric string, or
// anything with a length (its length counts).
func pluralize(args ...any) (string, error) {
	if len(args) < 1 || len(args) > 2 {
		return "", fmt.Errorf("templates: pluralize takes a suffix and a value, got %d arguments", len(args))
	}
	value, suffix := args[len(args)-1], "s"
	if len(args) == 2 {
		suffix = toString(args[0])
	}
	if !strings.Contains(suffix, ",") {
		suffix = "," + suffix
	}
	bits := strings.Split(suffix, ",")
	if len(bits) > 2 {
		return "", nil
	}
	singular, plural := bits[0], bits[1]
	pick := func(one bool) (string, error) {
		if one {
			return singular, nil
		}
		return plural, nil
	}
	if s, _, ok := decimal(value); ok {
		f, _ := strconv.ParseFloat(s, 64)
		return pick(f == 1)
	}
	if _, isString := value.(string); isString {
		return "", nil // not a number
	}
	switch rv := reflect.ValueOf(value); rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return pick(rv.Len() == 1)
	}
	return "", nil
}

// linebreaksbr is Django's linebreaksbr: the value escaped, then each line
// break made a <br>. A template.HTML value is trusted as it is.
func linebreaksbr(value any) template.HTML {
	var s string
	if h, ok := value.(template.HTML); ok {
		s = string(h)
	} else {
		s = template.HTMLEscapeString(toString(value))
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return template.HTML(strings.ReplaceAll(s, "\n", "<br>"))
}

// defaultValue is Django's default: {{.v | default "none"}} is "none" when
// .v is false, zero, empty or nil, in html/template's sense of truth.
func defaultValue(def, value any) any {
	if truth, ok := template.IsTrue(value); ok && truth {
		return value
	}
	return def
}

// yesno is Django's yesno: {{.v | yesno}} is "yes", "no" or, for nil,
// "maybe"; {{.v | yesno "on,off,unknown"}} names the three words (two
// words: nil gives the second). An argument of fewer than two words leaves
// the value as it is.
func yesno(args ...any) (any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, fmt.Errorf("templates: yesno takes a mapping and a value, got %d arguments", len(args))
	}
	value, mapping := args[len(args)-1], "yes,no,maybe"
	if len(args) == 2 {
		mapping = toString(args[0])
	}
	bits := strings.Split(mapping, ",")
	if len(bits) < 2 {
		return value, nil
	}
	yes, no, maybe := bits[0], bits[1], bits[1]
	if len(bits) == 3 {
		maybe = bits[2]
	}
	if isNil(value) {
		return maybe, nil
	}
	if truth, _ := template.IsTrue(value); truth {
		return yes, nil
	}
	return no, nil
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// floatformat is Django's floatformat. With no argument: one decimal place,
// only when there is a fractional part. With n > 0: exactly n places. With
// n < 0: |n| places, only when there is a fractional part. With 0: an
// integer. A "g" suffix ("2g") groups thousands with commas; "u" is
// accepted and changes nothing, as there is no localization. Halves round
// away from zero, on the decimal value (34.5 → 35, as Django's ROUND_HALF_UP).
// A value that is not a number gives "".
func floatformat(args ...any) (string, error) {
	if len(args) < 1 || len(args) > 2 {
		return "", fmt.Errorf("templates: floatformat takes places and a value, got %d arguments", len(args))
	}
	value := args[len(args)-1]
	s, special, ok := decimal(value)
	if !ok {
		return "", nil
	}
	if special != "" {
		return special, nil
	}
	places, group := -1, false
	if len(args) == 2 {
		arg := toString(args[0])
		if a, isInt := toInt(args[0]); isInt {
			arg = strconv.Itoa(a)
		}
		switch {
		case strings.HasSuffix(arg, "gu") || strings.HasSuffix(arg, "ug"):
			arg, group = arg[:len(arg)-2], true
		case strings.HasSuffix(arg, "g"):
			arg, group = arg[:len(arg)-1], true
		case strings.HasSuffix(arg, "u"):
			arg = arg[:len(arg)-1]
		}
		if arg != "" {
			p, err := strconv.Atoi(arg)
			if err != nil {
				return s, nil
			}
			places = p
		}
	}
	d, _ := new(big.Rat).SetString(s)
	var out string
	if d.IsInt() && places <= 0 {
		out = d.Num().String()
	} else {
		abs := places
		if abs < 0 {
			abs = -abs
		}
		out = d.FloatString(abs)
		if strings.Trim(out, "-0.") == "" { // no "-0.00"
			out = strings.TrimPrefix(out, "-")
		}
	}
	if group {
		out = groupThousands(out)
	}
	return out, nil
}

// groupThousands puts commas between the thousands of the integer part of
// a plain decimal string.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	intPart, rest := s[:digits], s[digits:]
	var b strings.Builder
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	return sign + b.String() + rest
}

// intcomma is Django's humanize intcomma: commas every three digits of the
// integer part, 4500000 → "4,500,000", 1234.5 → "1,234.5". A string keeps
// what follows its leading digits; a value without them is left as it is.
func intcomma(value any) string {
	if s, special, ok := decimal(value); ok && special == "" {
		if _, isString := value.(string); !isString {
			return groupThousands(s)
		}
	}
	s := toString(value)
	end := 0
	if strings.HasPrefix(s, "-") {
		end = 1
	}
	start := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == start {
		return s
	}
	return groupThousands(s[:end]) + s[end:]
}

// jsonScript is Django's json_script: the value as JSON in a
// <script type="application/json">, with <, > and & escaped as \u003C,
// \u003E and \u0026 so that no text can close the script element.
// {{.data | json_script "hello-data"}} sets the element's id;
// {{json_script .data}} has none.
func jsonScript(args ...any) (template.HTML, error) {
	if len(args) < 1 || len(args) > 2 {
		return "", fmt.Errorf("templates: json_script takes an id and a value, got %d arguments", len(args))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(args[len(args)-1]); err != nil {
		return "", fmt.Errorf("templates: json_script: %w", err)
	}
	data := strings.NewReplacer("<", `\u003C`, ">", `\u003E`, "&", `\u0026`).Replace(strings.TrimSuffix(buf.String(), "\n"))
	if len(args) == 2 {
		if id := toString(args[0]); id != "" {
			return template.HTML(`<script id="` + template.HTMLEscapeString(id) + `" type="application/json">` + data + `</script>`), nil
		}
	}
	return template.HTML(`<script type="application/json">` + data + `</script>`), nil
}

// querystring is Django 5.1's querystring tag: the query of the current
// request with keys set, replaced or removed, always starting with "?":
//
//	<a href="{{querystring $.request "page" .next}}">next</a>
//
// The first argument is a *http.Request, a url.Values or nil (an empty
// query); then come key and value pairs. A nil value removes the key, a
// slice sets every value it holds. Keys come out sorted, as
// url.Values.Encode writes them.
func querystring(base any, pairs ...any) (string, error) {
	q := url.Values{}
	switch b := base.(type) {
	case nil:
	case *http.Request:
		if b != nil && b.URL != nil {
			q = b.URL.Query()
		}
	case url.Values:
		for k, v := range b {
			q[k] = append([]string(nil), v...)
		}
	default:
		return "", fmt.Errorf("templates: querystring starts from a *http.Request or url.Values, not %T", base)
	}
	if len(pairs)%2 != 0 {
		return "", errors.New("templates: querystring takes key and value pairs, got an odd number of arguments")
	}
	for i := 0; i < len(pairs); i += 2 {
		key, ok := pairs[i].(string)
		if !ok {
			return "", fmt.Errorf("templates: querystring keys are strings, got %T", pairs[i])
		}
		value := pairs[i+1]
		if isNil(value) {
			q.Del(key)
			continue
		}
		if rv := reflect.ValueOf(value); (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8 {
			var list []string
			for j := range rv.Len() {
				if e := rv.Index(j).Interface(); !isNil(e) {
					list = append(list, toString(e))
				}
			}
			if len(list) == 0 {
				q.Del(key)
			} else {
				q[key] = list
			}
			continue
		}
		q.Set(key, toString(value))
	}
	return "?" + q.Encode(), nil
}
