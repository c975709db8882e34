package forms

import (
	"cmp"
	"fmt"
	"math/big"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nuages-go/nuages/internal/decimal"
)

// Validator checks a converted value, Django's validators. It returns nil
// or an *Error (a Field's Messages may reword it by its Code); a value
// whose type it does not check passes.
type Validator interface {
	Validate(v any) error
}

// ValidatorFunc adapts a function to a Validator.
type ValidatorFunc func(v any) error

// Validate calls f(v).
func (f ValidatorFunc) Validate(v any) error { return f(v) }

// MaxLength refuses text longer than n characters (code "max_length").
func MaxLength(n int) Validator {
	return ValidatorFunc(func(v any) error {
		if s, ok := v.(string); ok {
			if l := utf8.RuneCountInString(s); l > n {
				return newError("max_length", map[string]any{"limit_value": n, "show_value": l})
			}
		}
		return nil
	})
}

// MinLength refuses text shorter than n characters (code "min_length").
func MinLength(n int) Validator {
	return ValidatorFunc(func(v any) error {
		if s, ok := v.(string); ok {
			if l := utf8.RuneCountInString(s); l < n {
				return newError("min_length", map[string]any{"limit_value": n, "show_value": l})
			}
		}
		return nil
	})
}

// MaxValue refuses a value greater than limit (code "max_value"). Numbers
// (any integer or float type, or decimal text) compare exactly as
// decimals; times and durations compare as themselves.
func MaxValue(limit any) Validator {
	return ValidatorFunc(func(v any) error {
		if c, ok := compare(v, limit); ok && c > 0 {
			return newError("max_value", map[string]any{"limit_value": showLimit(limit)})
		}
		return nil
	})
}

// MinValue refuses a value less than limit (code "min_value"); see
// MaxValue for what compares.
func MinValue(limit any) Validator {
	return ValidatorFunc(func(v any) error {
		if c, ok := compare(v, limit); ok && c < 0 {
			return newError("min_value", map[string]any{"limit_value": showLimit(limit)})
		}
		return nil
	})
}

// StepValue refuses a number that is not offset plus a multiple of step
// (code "step_size"), Django's StepValueValidator; offset may be nil
// (zero). step and offset are numbers or decimal text.
func StepValue(step, offset any) Validator {
	st, okStep := toDec(step)
	off, okOff := toDec(offset)
	if offset == nil {
		off, okOff = decimal.FromInt(0), true
	}
	return ValidatorFunc(func(v any) error {
		d, ok := toDec(v)
		if !ok || !okStep || !okOff || st.Sign() <= 0 {
			return nil
		}
		if !isMultiple(decimal.Sub(d, off), st) {
			return newError("step_size", map[string]any{"limit_value": showLimit(step)})
		}
		return nil
	})
}

// isMultiple reports whether x is an integer multiple of step (> 0), exactly.
func isMultiple(x, step decimal.Dec) bool {
	scale := max(x.Scale(), step.Scale())
	xi, _ := new(big.Int).SetString(strings.Replace(strings.TrimPrefix(x.Rescale(scale).String(), "-"), ".", "", 1), 10)
	si, _ := new(big.Int).SetString(strings.Replace(step.Rescale(scale).String(), ".", "", 1), 10)
	if xi == nil || si == nil || si.Sign() == 0 {
		return false
	}
	return new(big.Int).Rem(xi, si).Sign() == 0
}

// DecimalDigits bounds decimal text as Django's DecimalValidator: at most
// maxDigits digits in all and decimalPlaces after the point (0 is no
// limit), codes "max_digits", "max_decimal_places", "max_whole_digits".
func DecimalDigits(maxDigits, decimalPlaces int) Validator {
	return ValidatorFunc(func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		d, err := decimal.Parse(s)
		if err != nil {
			return nil
		}
		whole, places := d.Digits()
		switch {
		case maxDigits > 0 && whole+places > maxDigits:
			return newError("max_digits", map[string]any{"max": maxDigits, "value": s})
		case decimalPlaces > 0 && places > decimalPlaces:
			return newError("max_decimal_places", map[string]any{"max": decimalPlaces, "value": s})
		case maxDigits > 0 && decimalPlaces > 0 && whole > maxDigits-decimalPlaces:
			return newError("max_whole_digits", map[string]any{"max": maxDigits - decimalPlaces, "value": s})
		}
		return nil
	})
}

// RegexValidator refuses text in which re finds no match, with code (and
// Django's "Enter a valid value." unless the Field rewords it).
func RegexValidator(re *regexp.Regexp, code string) Validator {
	return ValidatorFunc(func(v any) error {
		if s, ok := v.(string); ok && re != nil && !re.MatchString(s) {
			return newError(code, map[string]any{"value": s})
		}
		return nil
	})
}

var (
	slugASCII   = regexp.MustCompile(`^[-a-zA-Z0-9_]+\z`)
	slugUnicode = regexp.MustCompile(`^[-\pL\pN_]+\z`)
	emailUser   = regexp.MustCompile("(?i)^([-!#$%&'*+/=?^_`{}|~0-9a-z]+(\\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*|\"([\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])*\")\\z")
)

// SlugValidator refuses what is not a slug (code "invalid_slug").
func SlugValidator(allowUnicode bool) Validator {
	re := slugASCII
	if allowUnicode {
		re = slugUnicode
	}
	return ValidatorFunc(func(v any) error {
		if s, ok := v.(string); ok && s != "" && !re.MatchString(s) {
			return newError("invalid_slug", map[string]any{"value": s})
		}
		return nil
	})
}

// EmailValidator refuses what is not an e-mail address, as Django's
// EmailValidator: a dot-atom or quoted local part, and a domain name or
// a bracketed IP address (code "invalid_email").
func EmailValidator() Validator {
	return ValidatorFunc(func(v any) error {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil
		}
		if !validEmail(s) {
			return newError("invalid_email", map[string]any{"value": s})
		}
		return nil
	})
}

func validEmail(s string) bool {
	if len(s) > 320 || strings.ContainsAny(s, "\r\n") {
		return false
	}
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return false
	}
	user, domain := s[:i], s[i+1:]
	if !emailUser.MatchString(user) {
		return false
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		lit := domain[1 : len(domain)-1]
		if after, ok := strings.CutPrefix(lit, "IPv6:"); ok {
			return validHost("[" + after + "]")
		}
		return validHost(lit) && strings.Count(lit, ".") == 3 && lit == strings.Trim(lit, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	}
	return domain == "localhost" || validDomain(domain, true)
}

// URLValidator refuses what is not an absolute URL with a scheme of
// Schemes (http, https, ftp, ftps when none are given) and a valid host
// (code "invalid_url"), as Django's URLValidator.
func URLValidator(schemes ...string) Validator {
	if len(schemes) == 0 {
		schemes = []string{"http", "https", "ftp", "ftps"}
	}
	return ValidatorFunc(func(v any) error {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil
		}
		if !validURL(s, schemes) {
			return newError("invalid_url", map[string]any{"value": s})
		}
		return nil
	})
}

func validURL(s string, schemes []string) bool {
	if len(s) > 2048 || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || !slices.Contains(schemes, strings.ToLower(u.Scheme)) || u.Opaque != "" {
		return false
	}
	host := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		if len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return validHost(host)
}

// FileExtension refuses an upload whose name does not end with one of
// allowed (compared without case, without the dot: "pdf", "jpg"), code
// "invalid_extension", Django's FileExtensionValidator. The name is what
// the client said; File and Image also check the content.
func FileExtension(allowed ...string) Validator {
	norm := make([]string, len(allowed))
	for i, a := range allowed {
		norm[i] = strings.ToLower(strings.TrimPrefix(a, "."))
	}
	return ValidatorFunc(func(v any) error {
		name, ok := uploadName(v)
		if !ok {
			return nil
		}
		ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
		if !slices.Contains(norm, ext) {
			return newError("invalid_extension", map[string]any{"extension": ext, "allowed_extensions": strings.Join(norm, ", ")})
		}
		return nil
	})
}

// ProhibitNull refuses text holding a NUL character (code
// "null_characters_not_allowed"). Every form already refuses NUL in what
// is sent; this one checks values set by hooks or other code.
func ProhibitNull() Validator {
	return ValidatorFunc(func(v any) error {
		if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return newError("null_characters_not_allowed", nil)
		}
		return nil
	})
}

// compare compares v with limit: numbers as exact decimals, times and
// durations as themselves. ok is false when they do not compare.
func compare(v, limit any) (int, bool) {
	switch l := limit.(type) {
	case time.Time:
		t, ok := v.(time.Time)
		if !ok {
			return 0, false
		}
		return t.Compare(l), true
	case time.Duration:
		d, ok := v.(time.Duration)
		if !ok {
			return 0, false
		}
		return cmpInt(int64(d), int64(l)), true
	}
	// Fast paths for the values Integer and Float produce, compared with
	// limits of the same kind: no big numbers.
	switch x := v.(type) {
	case int64:
		switch l := limit.(type) {
		case int64:
			return cmpInt(x, l), true
		case int:
			return cmpInt(x, int64(l)), true
		}
	case float64:
		if l, ok := limit.(float64); ok {
			return cmp.Compare(x, l), true
		}
	}
	a, ok1 := toDec(v)
	b, ok2 := toDec(limit)
	if !ok1 || !ok2 {
		return 0, false
	}
	return decimal.Cmp(a, b), true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// toDec reads a number of any Go numeric type, or decimal text.
func toDec(v any) (decimal.Dec, bool) {
	switch n := v.(type) {
	case int:
		return decimal.FromInt(int64(n)), true
	case int8:
		return decimal.FromInt(int64(n)), true
	case int16:
		return decimal.FromInt(int64(n)), true
	case int32:
		return decimal.FromInt(int64(n)), true
	case int64:
		return decimal.FromInt(n), true
	case uint:
		d, err := decimal.Parse(fmt.Sprint(n))
		return d, err == nil
	case uint8:
		return decimal.FromInt(int64(n)), true
	case uint16:
		return decimal.FromInt(int64(n)), true
	case uint32:
		return decimal.FromInt(int64(n)), true
	case uint64:
		d, err := decimal.Parse(fmt.Sprint(n))
		return d, err == nil
	case float32:
		d, err := decimal.FromFloat(float64(n))
		return d, err == nil
	case float64:
		d, err := decimal.FromFloat(n)
		return d, err == nil
	case string:
		d, err := decimal.Parse(n)
		return d, err == nil
	}
	return decimal.Dec{}, false
}

func showLimit(v any) any {
	if t, ok := v.(time.Time); ok {
		return formatDateTime(t, t.Location())
	}
	if d, ok := v.(time.Duration); ok {
		return formatDuration(d)
	}
	return v
}
