package passwords

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validator checks a new password, like a class of Django's
// AUTH_PASSWORD_VALIDATORS.
type Validator interface {
	// Validate returns nil, a *ValidationError saying what is wrong with
	// password, or another error when the validator is misconfigured.
	// user describes the account, nil when there is none yet.
	Validate(password string, user []Attribute) error
	// HelpText tells the user the rule, for a form's help text.
	HelpText() string
}

// Attribute is one piece of the user's personal information, which
// UserAttributeSimilarity compares a password with.
type Attribute struct {
	Name        string // as listed in UserAttributeSimilarity.Attributes: "username", "email"
	VerboseName string // in the error message: "email address"; "" means Name with spaces for "_"
	Value       string
}

// ValidationError is a password refused by a validator, with Django's
// code (password_too_short, password_too_similar, password_too_common,
// password_entirely_numeric) and message.
type ValidationError struct {
	Code    string
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// ValidationErrors is every failure Validate found, in validator order.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, " ")
}

// DefaultValidators returns the validators of a Django project made by
// startproject, in its order: UserAttributeSimilarity, MinimumLength (8),
// Common and Numeric.
func DefaultValidators() []Validator {
	return []Validator{UserAttributeSimilarity{}, MinimumLength{}, Common{}, Numeric{}}
}

// Validate runs password through validators, DefaultValidators() when
// none are given, as Django's validate_password: it returns nil, a
// ValidationErrors with every refusal (to show them all at once), or the
// first error of a misconfigured validator. user may be nil.
func Validate(password string, user []Attribute, validators ...Validator) error {
	if len(validators) == 0 {
		validators = DefaultValidators()
	}
	var errs ValidationErrors
	for _, v := range validators {
		err := v.Validate(password, user)
		if err == nil {
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		errs = append(errs, ve)
	}
	if errs != nil {
		return errs
	}
	return nil
}

// HelpTexts returns the help text of each validator, DefaultValidators()
// when none are given, as Django's password_validators_help_texts.
func HelpTexts(validators ...Validator) []string {
	if len(validators) == 0 {
		validators = DefaultValidators()
	}
	out := make([]string, len(validators))
	for i, v := range validators {
		out[i] = v.HelpText()
	}
	return out
}

// MinimumLength refuses passwords shorter than Min characters (Unicode
// code points, as Python counts them): Django's MinimumLengthValidator.
type MinimumLength struct {
	Min int // 0 means 8
}

func (v MinimumLength) min() int {
	if v.Min == 0 {
		return 8
	}
	return v.Min
}

func (v MinimumLength) Validate(password string, _ []Attribute) error {
	if n := v.min(); utf8.RuneCountInString(password) < n {
		return &ValidationError{
			Code:    "password_too_short",
			Message: fmt.Sprintf("This password is too short. It must contain at least %d %s.", n, plural(n, "character")),
		}
	}
	return nil
}

func (v MinimumLength) HelpText() string {
	n := v.min()
	return fmt.Sprintf("Your password must contain at least %d %s.", n, plural(n, "character"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// defaultUserAttributes are Django's DEFAULT_USER_ATTRIBUTES.
var defaultUserAttributes = []string{"username", "first_name", "last_name", "email"}

// UserAttributeSimilarity refuses passwords too similar to the user's
// attributes or to their parts (an e-mail address is also compared by its
// words): Django's UserAttributeSimilarityValidator, with its similarity,
// difflib's SequenceMatcher.quick_ratio.
type UserAttributeSimilarity struct {
	// Attributes are the names of the user attributes compared; nil
	// means Django's: username, first_name, last_name, email. Attributes
	// of the user not listed here are ignored, so are listed names the
	// user lacks.
	Attributes []string
	// MaxSimilarity, from 0.1 to 1, is the similarity from which a
	// password is refused; 0 means 0.7.
	MaxSimilarity float64
}

func (v UserAttributeSimilarity) Validate(password string, user []Attribute) error {
	maxSim := v.MaxSimilarity
	if maxSim == 0 {
		maxSim = 0.7
	}
	if maxSim < 0.1 || maxSim > 1 {
		return fmt.Errorf("passwords: UserAttributeSimilarity.MaxSimilarity is %v; use 0 for 0.7, or 0.1 to 1", v.MaxSimilarity)
	}
	if len(user) == 0 {
		return nil
	}
	names := v.Attributes
	if names == nil {
		names = defaultUserAttributes
	}
	pw := []rune(strings.ToLower(password))
	for _, name := range names {
		for _, attr := range user {
			if attr.Name != name || attr.Value == "" {
				continue
			}
			value := strings.ToLower(attr.Value)
			for _, part := range append(splitNonWord(value), value) {
				p := []rune(part)
				if exceedsMaximumLengthRatio(len(pw), maxSim, len(p)) {
					continue
				}
				if quickRatio(pw, p) >= maxSim {
					verbose := attr.VerboseName
					if verbose == "" {
						verbose = strings.ReplaceAll(attr.Name, "_", " ")
					}
					return &ValidationError{
						Code:    "password_too_similar",
						Message: fmt.Sprintf("The password is too similar to the %s.", verbose),
					}
				}
			}
		}
	}
	return nil
}

func (UserAttributeSimilarity) HelpText() string {
	return "Your password can’t be too similar to your other personal information."
}

// splitNonWord splits s at runs of non-word characters, as Python's
// re.split(r"\W+", s), keeping the empty strings that split makes at the
// ends. Word characters are letters, digits (of any script) and "_".
func splitNonWord(s string) []string {
	var parts []string
	start, inSep := 0, false
	for i, r := range s {
		word := r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
		switch {
		case !word && !inSep:
			parts = append(parts, s[start:i])
			inSep = true
		case word && inSep:
			start, inSep = i, false
		}
	}
	if inSep {
		return append(parts, "")
	}
	return append(parts, s[start:])
}

// exceedsMaximumLengthRatio is Django's shortcut: a value ten times
// shorter than the password, and shorter than maxSim/2 of its length,
// cannot reach maxSim, so the comparison is skipped.
func exceedsMaximumLengthRatio(pwLen int, maxSim float64, valueLen int) bool {
	return pwLen >= 10*valueLen && float64(valueLen) < maxSim/2*float64(pwLen)
}

// quickRatio is difflib's SequenceMatcher(a=a, b=b).quick_ratio(): twice
// the number of characters a and b have in common, counted with
// multiplicity regardless of order, over their total length; 1 for two
// empty strings.
func quickRatio(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			avail[r]--
			matches++
		}
	}
	return 2 * float64(matches) / float64(len(a)+len(b))
}

// Common refuses passwords found, lowercased and trimmed, in a list of
// common passwords: Django's CommonPasswordValidator.
type Common struct {
	// Passwords is the list, lowercased; nil means Django's list of
	// 20,000 common passwords (see CommonPasswords).
	Passwords *PasswordList
}

func (v Common) Validate(password string, _ []Attribute) error {
	list := v.Passwords
	if list == nil {
		var err error
		if list, err = CommonPasswords(); err != nil {
			return err
		}
	}
	if list.Contains(strings.ToLower(strings.TrimSpace(password))) {
		return &ValidationError{Code: "password_too_common", Message: "This password is too common."}
	}
	return nil
}

func (Common) HelpText() string { return "Your password can’t be a commonly used password." }

// Numeric refuses passwords made only of digits: Django's
// NumericPasswordValidator.
type Numeric struct{}

func (Numeric) Validate(password string, _ []Attribute) error {
	if isDigits(password) {
		return &ValidationError{Code: "password_entirely_numeric", Message: "This password is entirely numeric."}
	}
	return nil
}

func (Numeric) HelpText() string { return "Your password can’t be entirely numeric." }

// isDigits is Python's str.isdigit: non-empty, and every character a
// decimal digit of any script (Nd) or one of the other digits Python
// counts (superscripts, circled digits, ...).
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.Is(otherDigits, r) {
			return false
		}
	}
	return true
}

// otherDigits are the characters with Unicode Numeric_Type=Digit outside
// category Nd, which Python's str.isdigit also accepts (computed with
// Python 3.11's unicodedata).
var otherDigits = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0xB2, 0xB3, 1}, {0xB9, 0xB9, 1}, {0x1369, 0x1371, 1}, {0x19DA, 0x19DA, 1},
		{0x2070, 0x2070, 1}, {0x2074, 0x2079, 1}, {0x2080, 0x2089, 1}, {0x2460, 0x2468, 1},
		{0x2474, 0x247C, 1}, {0x2488, 0x2490, 1}, {0x24EA, 0x24EA, 1}, {0x24F5, 0x24FD, 1},
		{0x24FF, 0x24FF, 1}, {0x2776, 0x277E, 1}, {0x2780, 0x2788, 1}, {0x278A, 0x2792, 1},
	},
	R32: []unicode.Range32{
		{0x10A40, 0x10A43, 1}, {0x10E60, 0x10E68, 1}, {0x11052, 0x1105A, 1}, {0x1F100, 0x1F10A, 1},
	},
	LatinOffset: 3,
}
