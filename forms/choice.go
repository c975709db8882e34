package forms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Option is one choice of a choice field: the Value sent, the Label
// shown, and an optional Group (an <optgroup> in a select).
type Option struct {
	Value, Label string
	Group        string
	Disabled     bool
}

// Chooser lists the options of a choice field when they are not known in
// advance: rows of a table, as Django's ModelChoiceField's queryset. The
// ORM bridge implements it. Choices is called when the field is
// validated, with the context given to IsValid, and when it is rendered,
// with context.Background() (a template has no request context), so an
// implementation that queries should bound its own time.
type Chooser interface {
	Choices(ctx context.Context) ([]Option, error)
}

// ChoiceValidator is implemented by a Chooser that tells whether one
// value is a choice without listing them all: a query by key rather than
// reading a whole table, as Django's ModelChoiceField does. Choice and
// MultipleChoice ask it, when it is there, instead of calling Choices.
type ChoiceValidator interface {
	ValidChoice(ctx context.Context, value string) (bool, error)
}

// ChooserFunc adapts a function to a Chooser.
type ChooserFunc func(ctx context.Context) ([]Option, error)

// Choices calls f(ctx).
func (f ChooserFunc) Choices(ctx context.Context) ([]Option, error) { return f(ctx) }

// Options is a fixed list of options; it is a Chooser.
type Options []Option

// Choices returns o.
func (o Options) Choices(context.Context) ([]Option, error) { return o, nil }

// options returns the options of c, or of opts when c is nil.
func options(ctx context.Context, c Chooser, opts []Option) ([]Option, error) {
	if c == nil {
		return opts, nil
	}
	return c.Choices(ctx)
}

// Choice is one of a list of options, Django's ChoiceField (and with
// Coerce, TypedChoiceField). The value is the option's Value, a string;
// with Coerce, what Coerce returns for it (an int, a row looked up by its
// key), and Empty when nothing was chosen.
type Choice struct {
	Options []Option
	Chooser Chooser // replaces Options when set
	// Coerce turns a valid choice into the field's value; an error it
	// returns that is not an *Error is reported as "invalid_choice".
	Coerce func(ctx context.Context, value string) (any, error)
	Empty  any
	// Blank labels an empty first option ("---------"), for a select
	// that may be left empty; none when "".
	Blank string
}

func (c Choice) Convert(ctx context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		if c.Coerce != nil {
			return c.Empty, nil
		}
		return "", nil
	}
	check, err := checker(ctx, c.Chooser, c.Options)
	if err != nil {
		return nil, err
	}
	if ok, err := check(s); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, newError("invalid_choice", map[string]any{"value": s})
	}
	return coerce(ctx, c.Coerce, s)
}

// checker returns the test of a value against the choices: the Chooser's
// ValidChoice when it has one, else membership in the listed options.
func checker(ctx context.Context, c Chooser, fixed []Option) (func(string) (bool, error), error) {
	if cv, ok := c.(ChoiceValidator); ok {
		return func(s string) (bool, error) { return cv.ValidChoice(ctx, s) }, nil
	}
	opts, err := options(ctx, c, fixed)
	if err != nil {
		return nil, err
	}
	return func(s string) (bool, error) { return validChoice(opts, s), nil }, nil
}

func coerce(ctx context.Context, f func(context.Context, string) (any, error), s string) (any, error) {
	if f == nil {
		return s, nil
	}
	v, err := f(ctx, s)
	if err != nil {
		if _, ok := err.(*Error); ok {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, err // a cancelled request is not the user's mistake
		}
		return nil, newError("invalid_choice", map[string]any{"value": s})
	}
	return v, nil
}

func validChoice(opts []Option, s string) bool {
	return slices.ContainsFunc(opts, func(o Option) bool { return o.Value == s && !o.Disabled })
}

func (c Choice) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (c Choice) Widget() Widget                            { return Select{} }
func (c Choice) choices(ctx context.Context) ([]Option, error) {
	opts, err := options(ctx, c.Chooser, c.Options)
	if err != nil || c.Blank == "" {
		return opts, err
	}
	return append([]Option{{Value: "", Label: c.Blank}}, opts...), nil
}

// MultipleChoice is any number of a list of options, Django's
// MultipleChoiceField (and with Coerce, TypedMultipleChoiceField): the
// value is a []string of the chosen Values, in the order sent, each once;
// with Coerce, a []any of what Coerce returns.
type MultipleChoice struct {
	Options []Option
	Chooser Chooser
	Coerce  func(ctx context.Context, value string) (any, error)
	// MaxChoices bounds how many values are read (1000 when 0): a
	// submission repeating the key more often is refused.
	MaxChoices int
}

func (c MultipleChoice) Convert(ctx context.Context, in Raw) (any, error) {
	var vals []string
	for _, v := range in.Values {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return []string(nil), nil
	}
	if len(vals) > cmp0(c.MaxChoices, 1000) {
		return nil, newError("invalid_list", nil)
	}
	check, err := checker(ctx, c.Chooser, c.Options)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		if ok, err := check(v); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			return nil, newError("invalid_choice", map[string]any{"value": v})
		}
	}
	if c.Coerce == nil {
		return vals, nil
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		if out[i], err = coerce(ctx, c.Coerce, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c MultipleChoice) Format(v any, loc *time.Location) []string { return formatAny(v, loc) }
func (c MultipleChoice) Widget() Widget                            { return Select{Multiple: true} }
func (c MultipleChoice) choices(ctx context.Context) ([]Option, error) {
	return options(ctx, c.Chooser, c.Options)
}

// chooser is implemented by the Types whose widgets list options.
type chooser interface {
	choices(ctx context.Context) ([]Option, error)
}

// parseChoices reads the choices of a struct tag: "draft|published", or
// "d:Draft|p:Published" to label them.
func parseChoices(s string) ([]Option, error) {
	var opts []Option
	for part := range strings.SplitSeq(s, "|") {
		value, label, ok := strings.Cut(part, ":")
		if !ok {
			label = value
		}
		if value == "" {
			return nil, fmt.Errorf("empty choice in %q", s)
		}
		opts = append(opts, Option{Value: value, Label: label})
	}
	return opts, nil
}
