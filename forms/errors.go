package forms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// NonField is the key of the errors that belong to the whole form rather
// than to one field, Django's NON_FIELD_ERRORS.
const NonField = "__all__"

// Error is one validation problem: what went wrong for the user (Message)
// and a stable Code that code and translations can branch on, as Django's
// ValidationError has. Message may hold {name} placeholders filled from
// Params, so that a translation can be written once for every value:
//
//	&forms.Error{Code: "max_length", Message: "Ensure this value has at most {limit_value} characters (it has {show_value}).",
//		Params: map[string]any{"limit_value": 10, "show_value": 12}}
//
// A hook (Field.Clean, a Cleaner, a FieldCleaner) returns *Error values,
// alone or joined with errors.Join, to report problems; Field names the
// field an error of the whole form's clean belongs to ("" is the form).
type Error struct {
	Field   string         `json:"-"`
	Code    string         `json:"code"`
	Message string         `json:"-"`
	Params  map[string]any `json:"-"`
}

// Errorf returns an *Error with code and a message formatted by
// fmt.Sprintf: a shortcut for hooks.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error returns the message with its parameters filled in.
func (e *Error) Error() string {
	if len(e.Params) == 0 || !strings.Contains(e.Message, "{") {
		return e.Message
	}
	var b strings.Builder
	msg := e.Message
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i+1:], '}')
		if j < 0 {
			break
		}
		key := msg[i+1 : i+1+j]
		v, ok := e.Params[key]
		b.WriteString(msg[:i])
		if ok {
			fmt.Fprint(&b, v)
		} else {
			b.WriteString(msg[i : i+2+j])
		}
		msg = msg[i+2+j:]
	}
	b.WriteString(msg)
	return b.String()
}

// MarshalJSON writes the error as Django's Form.errors.get_json_data does:
// {"message": "...", "code": "..."}.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}{e.Error(), e.Code})
}

// Errors are a form's problems by field name, NonField for the form's own.
// Its JSON is Django's errors.get_json_data():
// {"email": [{"message": "Enter a valid email address.", "code": "invalid"}]}.
type Errors map[string][]*Error

// Error lists every problem, fields in sorted order, for logs and tests;
// pages show each field's errors next to it.
func (e Errors) Error() string {
	names := make([]string, 0, len(e))
	for name := range e {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		for _, err := range e[name] {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(err.Error())
		}
	}
	return b.String()
}

// Has reports whether field (NonField for the form) has an error with
// code, or any error when code is "".
func (e Errors) Has(field, code string) bool {
	for _, err := range e[field] {
		if code == "" || err.Code == code {
			return true
		}
	}
	return false
}

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

// newError returns the error of code with params and the default message.
func newError(code string, params map[string]any) *Error {
	msg, ok := messages[code]
	if !ok {
		msg = messages["invalid"]
	}
	return &Error{Code: code, Message: msg, Params: params}
}
