package forms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nuages-go/nuages/forms/internal/cleaned"
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

// newError returns the error of code with params and the default message.
func newError(code string, params map[string]any) *Error {
	return &Error{Code: code, Message: cleaned.Message(code), Params: params}
}
