// Package conf reads typed configuration values from the environment, with
// errors that name the variable, the value and what would be accepted. It
// collects every error so that a user sees all bad variables at once:
//
//	env := conf.NewEnv(os.LookupEnv)
//	env.Bool("DEBUG", &s.Debug)
//	env.List("ALLOWED_HOSTS", &s.AllowedHosts)
//	if err := env.Err(); err != nil {
//		return err
//	}
//
// A variable that is unset leaves its destination alone, so the value in
// code is the default; a variable set to the empty string sets it empty.
package conf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Env reads variables through a lookup function, os.LookupEnv in
// production and a map in tests. It is not safe for concurrent use.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// NewEnv returns an Env reading through lookup.
func NewEnv(lookup func(string) (string, bool)) *Env { return &Env{lookup: lookup} }

// MapLookup adapts a map to a lookup function, for tests and examples.
func MapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Err returns every error met so far, joined, or nil.
func (e *Env) Err() error { return errors.Join(e.errs...) }

// Fail records that the variable name's value is not what it must be
// (want, "a boolean: ..."), for settings with formats of their own.
func (e *Env) Fail(name, value, want string) {
	e.errs = append(e.errs, fmt.Errorf("conf: %s=%q is not %s", name, value, want))
}

// String sets *dst to the variable's value when it is set.
func (e *Env) String(name string, dst *string) {
	if v, ok := e.lookup(name); ok {
		*dst = v
	}
}

// Bool sets *dst from true/false, 1/0, yes/no or on/off, in any case.
func (e *Env) Bool(name string, dst *bool) {
	v, ok := e.lookup(name)
	if !ok {
		return
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		*dst = true
	case "0", "false", "no", "off":
		*dst = false
	default:
		e.Fail(name, v, "a boolean: use true or false (or 1/0, yes/no, on/off)")
	}
}

// Int sets *dst from a decimal integer.
func (e *Env) Int(name string, dst *int) {
	v, ok := e.lookup(name)
	if !ok {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		e.Fail(name, v, "an integer")
		return
	}
	*dst = n
}

// Duration sets *dst from a Go duration such as "30s" or "1h30m".
func (e *Env) Duration(name string, dst *time.Duration) {
	v, ok := e.lookup(name)
	if !ok {
		return
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		e.Fail(name, v, `a duration such as "30s" or "1h30m"`)
		return
	}
	*dst = d
}

// List sets *dst from a comma-separated list; items are trimmed and empty
// items dropped, so "a, b,," is [a b].
func (e *Env) List(name string, dst *[]string) {
	v, ok := e.lookup(name)
	if !ok {
		return
	}
	var items []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	*dst = items
}
