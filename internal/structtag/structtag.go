// Package structtag reads the options of a struct tag such as
// `orm:"max_length=200,null"` by one grammar, so that the ORM and forms
// read their tags alike: each keeps its own vocabulary (the options it
// knows and how their values convert), none its own lexer.
//
// # Grammar
//
// A tag is a list of options separated by commas. An option is a name,
// alone (a flag) or followed by "=" and a value. Names are ASCII letters,
// digits and "_". Spaces around names and values are dropped, and empty
// options (",," or a trailing comma) are skipped. A value that holds a
// comma is written in single quotes, with two quotes for one inside:
//
//	help_text='Letters, digits and _ only.',verbose_name='Ada''s'
//
// A quote anywhere but at the start of a value is an ordinary character
// (verbose_name=Ada's), and so is "=" in a value (default=a=b). An option
// given twice is refused. A [Vocabulary] then checks the names and which
// options are flags: a flag is written alone, or =true or =false.
package structtag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Option is one option of a tag.
type Option struct {
	Key      string
	Value    string
	HasValue bool // written key=value, even with an empty value
}

// Bool is a flag's value: true when written alone, else its value read by
// strconv.ParseBool (false when that fails: [Vocabulary.Parse] refuses
// such a flag).
func (o Option) Bool() bool {
	if !o.HasValue {
		return true
	}
	b, _ := strconv.ParseBool(o.Value)
	return b
}

// Options are the options of a tag, in the order written.
type Options []Option

// Lookup returns the value of the option key and whether it is there.
func (opts Options) Lookup(key string) (string, bool) {
	for _, o := range opts {
		if o.Key == key {
			return o.Value, true
		}
	}
	return "", false
}

// Flag reports whether the flag key is set: written alone or as true.
func (opts Options) Flag(key string) bool {
	i := slices.IndexFunc(opts, func(o Option) bool { return o.Key == key })
	return i >= 0 && opts[i].Bool()
}

// String writes the options as a tag that [Parse] reads back as they are,
// quoting the values that need it.
func (opts Options) String() string {
	var b strings.Builder
	for i, o := range opts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.Key)
		if !o.HasValue {
			continue
		}
		b.WriteByte('=')
		v := o.Value
		if strings.ContainsRune(v, ',') || strings.HasPrefix(v, "'") || strings.TrimSpace(v) != v {
			v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		b.WriteString(v)
	}
	return b.String()
}

// Parse reads a tag's options by the grammar of the package doc. Its
// errors are *Error without the Tag, which [Vocabulary.Parse] adds.
func Parse(tag string) (Options, error) {
	var opts Options
	for rest := tag; rest != ""; {
		var o Option
		var err error
		o, rest, err = next(rest)
		if err != nil {
			return nil, err
		}
		if o.Key == "" && !o.HasValue {
			continue // an empty option
		}
		if err := checkKey(o); err != nil {
			return nil, err
		}
		if _, dup := opts.Lookup(o.Key); dup {
			return nil, &Error{What: fmt.Sprintf("option %q given twice", o.Key)}
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// next reads the option at the start of s and returns it with the rest
// of s after its comma.
func next(s string) (Option, string, error) {
	end := strings.IndexAny(s, ",=")
	if end < 0 || s[end] == ',' {
		if end < 0 {
			end = len(s)
		}
		return Option{Key: strings.TrimSpace(s[:end])}, skipComma(s[end:]), nil
	}
	o := Option{Key: strings.TrimSpace(s[:end]), HasValue: true}
	v := strings.TrimLeftFunc(s[end+1:], unicode.IsSpace)
	if !strings.HasPrefix(v, "'") {
		stop := strings.IndexByte(v, ',')
		if stop < 0 {
			stop = len(v)
		}
		o.Value = strings.TrimRightFunc(v[:stop], unicode.IsSpace)
		return o, skipComma(v[stop:]), nil
	}
	var b strings.Builder
	for i := 1; ; i++ {
		if i >= len(v) {
			return o, "", &Error{What: "the quoted value of " + o.Key + " has no closing '", Hint: "write " + o.Key + "='...'"}
		}
		if v[i] != '\'' {
			b.WriteByte(v[i])
			continue
		}
		if i+1 < len(v) && v[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		o.Value = b.String()
		after := strings.TrimLeftFunc(v[i+1:], unicode.IsSpace)
		if after != "" && after[0] != ',' {
			return o, "", &Error{What: fmt.Sprintf("after the quoted value of %s comes %q", o.Key, after), Hint: "end the value with ' before the comma, and write '' for a quote inside"}
		}
		return o, skipComma(after), nil
	}
}

func skipComma(s string) string { return strings.TrimPrefix(s, ",") }

// checkKey refuses an option name that is not a word.
func checkKey(o Option) error {
	if o.Key == "" {
		return &Error{What: fmt.Sprintf("an option has no name (%q)", "="+o.Value)}
	}
	for _, r := range o.Key {
		if r != '_' && (r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r)) {
			return &Error{What: fmt.Sprintf("option %q is not a name", o.Key), Hint: "names are letters, digits and _; a value with a comma is written in single quotes"}
		}
	}
	return nil
}

// Error is a tag that breaks the grammar or its vocabulary.
type Error struct {
	Tag  string // the whole tag, `orm:"..."`, when known
	What string // what is wrong
	Hint string // what to write instead, or ""
}

func (e *Error) Error() string {
	msg := e.What
	if e.Tag != "" {
		msg += " in tag `" + e.Tag + "`"
	}
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// Vocabulary names the options one tag may hold.
type Vocabulary struct {
	// Tag is the tag's key ("orm", "form"), and For what the options are
	// for ("a many-to-many field", or empty), for messages.
	Tag, For string
	// Keys are the option names in the order the messages list them;
	// those ending in "=" take a value, the others are flags.
	Keys []string
}

// Parse reads tag by [Parse] and checks it against v: an unknown name is
// refused with the names v knows, a flag must be alone or =true or
// =false, a value option must have "=". Errors quote the tag.
func (v Vocabulary) Parse(tag string) (Options, error) {
	opts, err := Parse(tag)
	if err == nil {
		err = v.check(opts)
	}
	if err != nil {
		e := err.(*Error)
		e.Tag = fmt.Sprintf("%s:%q", v.Tag, tag)
		return nil, e
	}
	return opts, nil
}

// check checks opts against v.
func (v Vocabulary) check(opts Options) error {
	for _, o := range opts {
		switch {
		case slices.Contains(v.Keys, o.Key):
			if _, err := strconv.ParseBool(o.Value); o.HasValue && err != nil {
				return &Error{What: fmt.Sprintf("%s=%q is not true or false", o.Key, o.Value), Hint: "write " + o.Key + " alone, or " + o.Key + "=false"}
			}
		case slices.Contains(v.Keys, o.Key+"="):
			if !o.HasValue {
				return &Error{What: fmt.Sprintf("option %q needs a value", o.Key), Hint: "write " + o.Key + "=..."}
			}
		default:
			what := fmt.Sprintf("unknown option %q", o.Key)
			if v.For != "" {
				what = fmt.Sprintf("option %q does not apply to %s", o.Key, v.For)
			}
			return &Error{What: what, Hint: "the options are " + v.names()}
		}
	}
	return nil
}

// names lists the option names of v, for messages.
func (v Vocabulary) names() string {
	names := make([]string, len(v.Keys))
	for i, k := range v.Keys {
		names[i] = strings.TrimSuffix(k, "=")
	}
	return strings.Join(names, ", ")
}
