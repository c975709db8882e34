// Package cleaned is what package forms shares with its ModelForm bridge
// without exporting it: the reflection that stores a cleaned value into a
// Go value, and the default messages of the error codes.
package cleaned

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var (
	typeDuration = reflect.TypeFor[time.Duration]()
	typeFile     = reflect.TypeFor[*multipart.FileHeader]()
	typeRawJSON  = reflect.TypeFor[json.RawMessage]()
)

// Invalid is a value that does not fit its destination, by the code and
// parameters of a forms.Error; forms turns it into one.
type Invalid struct {
	Code   string
	Params map[string]any
}

func (e *Invalid) Error() string { return "forms: " + e.Code }

// Message returns the default message of code, or invalid's ("Enter a
// valid value.") for a code without one.
func Message(code string) string {
	if msg, ok := messages[code]; ok {
		return msg
	}
	return messages["invalid"]
}

// Store writes a cleaned value v into dst (settable), converting it to
// dst's type as a struct form stores its fields: int64 into any integer
// type (overflow is an *Invalid with code max_value), text into a
// TextUnmarshaler or a [16]byte UUID, a JSON document into any type, nil
// as the zero value, through pointers. An error that is not an *Invalid
// means v cannot go into dst at all.
func Store(dst reflect.Value, v any) error {
	if v == nil {
		dst.SetZero()
		return nil
	}
	if dst.Kind() == reflect.Pointer && dst.Type() != typeFile {
		p := reflect.New(dst.Type().Elem())
		if err := Store(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	src := reflect.ValueOf(v)
	if raw, ok := v.(json.RawMessage); ok && dst.Kind() == reflect.String {
		dst.SetString(string(raw)) // the document's text
		return nil
	}
	if dst.Type() == typeRawJSON || isJSONRaw(v) {
		raw, _ := v.(json.RawMessage)
		if dst.Type() == typeRawJSON {
			dst.SetBytes(append([]byte(nil), raw...))
			return nil
		}
		p := reflect.New(dst.Type())
		if err := json.Unmarshal(raw, p.Interface()); err != nil {
			return &Invalid{Code: "invalid_json"}
		}
		dst.Set(p.Elem())
		return nil
	}
	if s, ok := v.(string); ok && dst.Kind() != reflect.String {
		if u, ok := dst.Addr().Interface().(encoding.TextUnmarshaler); ok {
			if err := u.UnmarshalText([]byte(s)); err != nil {
				return &Invalid{Code: "invalid"}
			}
			return nil
		}
		if dst.Kind() == reflect.Array && dst.Len() == 16 {
			hex := strings.ReplaceAll(s, "-", "")
			for i := range 16 {
				b, err := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
				if err != nil {
					return &Invalid{Code: "invalid_uuid"}
				}
				dst.Index(i).SetUint(b)
			}
			return nil
		}
	}
	switch dst.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(int64); ok && dst.Type() != typeDuration {
			if dst.OverflowInt(n) {
				return &Invalid{Code: "max_value", Params: map[string]any{"limit_value": "the largest this field holds"}}
			}
			dst.SetInt(n)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := v.(int64); ok {
			if n < 0 {
				return &Invalid{Code: "min_value", Params: map[string]any{"limit_value": 0}}
			}
			if dst.OverflowUint(uint64(n)) {
				return &Invalid{Code: "max_value", Params: map[string]any{"limit_value": "the largest this field holds"}}
			}
			dst.SetUint(uint64(n))
			return nil
		}
	case reflect.Float32:
		if x, ok := v.(float64); ok {
			if dst.OverflowFloat(x) {
				return &Invalid{Code: "max_value", Params: map[string]any{"limit_value": math.MaxFloat32}}
			}
			dst.SetFloat(x)
			return nil
		}
	case reflect.Slice:
		if vs, ok := v.([]any); ok {
			out := reflect.MakeSlice(dst.Type(), len(vs), len(vs))
			for i, x := range vs {
				if err := Store(out.Index(i), x); err != nil {
					return err
				}
			}
			dst.Set(out)
			return nil
		}
	}
	if src.Type().AssignableTo(dst.Type()) {
		dst.Set(src)
		return nil
	}
	if src.Type().ConvertibleTo(dst.Type()) && src.Kind() == dst.Kind() {
		dst.Set(src.Convert(dst.Type()))
		return nil
	}
	return fmt.Errorf("forms: cannot store a %s in a field of type %s", src.Type(), dst.Type())
}

func isJSONRaw(v any) bool { _, ok := v.(json.RawMessage); return ok }

// messages are Django's default messages, by code. A Field's Messages
// replace them per field.
var messages = map[string]string{
	"required":                    "This field is required.",
	"invalid":                     "Enter a valid value.",
	"invalid_utf8":                "Enter text in UTF-8.",
	"null_characters_not_allowed": "Null characters are not allowed.",
	"max_length":                  "Ensure this value has at most {limit_value} characters (it has {show_value}).",
	"min_length":                  "Ensure this value has at least {limit_value} characters (it has {show_value}).",
	"max_value":                   "Ensure this value is less than or equal to {limit_value}.",
	"min_value":                   "Ensure this value is greater than or equal to {limit_value}.",
	"step_size":                   "Ensure this value is a multiple of step size {limit_value}.",
	"max_digits":                  "Ensure that there are no more than {max} digits in total.",
	"max_decimal_places":          "Ensure that there are no more than {max} decimal places.",
	"max_whole_digits":            "Ensure that there are no more than {max} digits before the decimal point.",
	"invalid_integer":             "Enter a whole number.",
	"invalid_number":              "Enter a number.",
	"invalid_email":               "Enter a valid email address.",
	"invalid_url":                 "Enter a valid URL.",
	"invalid_slug":                "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
	"invalid_date":                "Enter a valid date.",
	"invalid_time":                "Enter a valid time.",
	"invalid_datetime":            "Enter a valid date/time.",
	"invalid_duration":            "Enter a valid duration.",
	"overflow":                    "The number of days must be between {min_days} and {max_days}.",
	"invalid_choice":              "Select a valid choice. {value} is not one of the available choices.",
	"invalid_list":                "Enter a list of values.",
	"invalid_uuid":                "Enter a valid UUID.",
	"invalid_json":                "Enter a valid JSON.",
	"invalid_file":                "No file was submitted. Check the encoding type on the form.",
	"missing":                     "No file was submitted.",
	"empty":                       "The submitted file is empty.",
	"max_filename_length":         "Ensure this filename has at most {max} characters (it has {length}).",
	"contradiction":               "Please either submit a file or check the clear checkbox, not both.",
	"file_too_large":              "Ensure this file is at most {limit_value} bytes (it has {show_value}).",
	"invalid_file_type":           "Files of type {type} are not allowed. Allowed types are: {allowed}.",
	"invalid_extension":           "File extension “{extension}” is not allowed. Allowed extensions are: {allowed_extensions}.",
	"invalid_image":               "Upload a valid image. The file you uploaded was either not an image or a corrupted image.",
	"image_too_large":             "Ensure this image is at most {max_width}×{max_height} pixels (it is {width}×{height}).",
	"too_many_values":             "Send this field once.",
}
