package passwords_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// djangoValidations were made by Django 3.2.25's validate_password with
// the four validators of a new project, in startproject's order, and a
// user whose fields have the verbose names of Django's User.
var djangoValidations = []struct {
	password string
	user     []passwords.Attribute
	codes    []string
	messages []string
}{
	{"", nil, []string{"password_too_short"}, []string{"This password is too short. It must contain at least 8 characters."}},
	{"short", nil, []string{"password_too_short"}, []string{"This password is too short. It must contain at least 8 characters."}},
	{"1234567", nil, []string{"password_too_short", "password_too_common", "password_entirely_numeric"}, []string{"This password is too short. It must contain at least 8 characters.", "This password is too common.", "This password is entirely numeric."}},
	{"12345678", nil, []string{"password_too_common", "password_entirely_numeric"}, []string{"This password is too common.", "This password is entirely numeric."}},
	{"password", nil, []string{"password_too_common"}, []string{"This password is too common."}},
	{"PassWord ", nil, []string{"password_too_common"}, []string{"This password is too common."}},
	{"Tr0ub4dor&3xyz", nil, []string{}, []string{}},
	{"²³¹⁴⁵⁶⁷⁸⁹", nil, []string{"password_entirely_numeric"}, []string{"This password is entirely numeric."}},
	{"١٢٣٤٥٦٧٨٩", nil, []string{"password_entirely_numeric"}, []string{"This password is entirely numeric."}},
	{"12345678a", nil, []string{"password_too_common"}, []string{"This password is too common."}},
	{"johnsmith", []passwords.Attribute{{"username", "username", "johnsmith"}, {"first_name", "first name", "John"}, {"last_name", "last name", "Smith"}, {"email", "email address", "john.smith@example.com"}}, []string{"password_too_similar"}, []string{"The password is too similar to the username."}},
	{"htimsnhoj", []passwords.Attribute{{"username", "username", "johnsmith"}}, []string{"password_too_similar"}, []string{"The password is too similar to the username."}},
	{"example99", []passwords.Attribute{{"email", "email address", "john.smith@example.com"}}, []string{"password_too_similar"}, []string{"The password is too similar to the email address."}},
	{"Smith-2024", []passwords.Attribute{{"last_name", "last name", "Smith"}}, []string{}, []string{}},
	{"correct horse battery", []passwords.Attribute{{"username", "username", "alice"}, {"first_name", "first name", "Alice"}, {"email", "email address", "alice@example.org"}}, []string{}, []string{}},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", []passwords.Attribute{{"username", "username", "a"}}, []string{}, []string{}},
	{"abcdefghijklmnopqrstu", []passwords.Attribute{{"username", "username", "abc"}}, []string{}, []string{}},
	{"gözdeğerli", []passwords.Attribute{{"first_name", "first name", "Gözde"}}, []string{}, []string{}},
	{"xyzxyzxyz", []passwords.Attribute{{"username", "username", ""}}, []string{}, []string{}},
	{"alice1234", []passwords.Attribute{{"username", "username", "alice"}, {"first_name", "first name", "Alice"}, {"email", "email address", "alice@example.org"}}, []string{"password_too_similar"}, []string{"The password is too similar to the username."}},
	{"", []passwords.Attribute{{"email", "email address", "x@"}}, []string{"password_too_similar", "password_too_short"}, []string{"The password is too similar to the email address.", "This password is too short. It must contain at least 8 characters."}},
	{"EXAMPLE.ORG", []passwords.Attribute{{"username", "username", "bob"}, {"email", "email address", "bob@example.org"}}, []string{"password_too_similar"}, []string{"The password is too similar to the email address."}},
}

func TestValidate_likeDjango(t *testing.T) {
	for _, tt := range djangoValidations {
		t.Run(tt.password, func(t *testing.T) {
			err := passwords.Validate(tt.password, tt.user)
			var codes, messages []string
			var errs passwords.ValidationErrors
			if errors.As(err, &errs) {
				for _, e := range errs {
					codes = append(codes, e.Code)
					messages = append(messages, e.Message)
				}
			} else if err != nil {
				t.Fatalf("Validate error %v is not ValidationErrors", err)
			}
			if !slices.Equal(codes, tt.codes) || !slices.Equal(messages, tt.messages) {
				t.Errorf("Validate(%q) codes %q messages %q; Django gives %q %q", tt.password, codes, messages, tt.codes, tt.messages)
			}
			if len(tt.codes) == 0 && err != nil {
				t.Errorf("Validate(%q) = %v; want nil", tt.password, err)
			}
			if len(tt.codes) > 0 && err.Error() != strings.Join(tt.messages, " ") {
				t.Errorf("Error() = %q; want the messages joined", err.Error())
			}
		})
	}
}

func TestHelpTexts_likeDjango(t *testing.T) {
	want := []string{
		"Your password can’t be too similar to your other personal information.",
		"Your password must contain at least 8 characters.",
		"Your password can’t be a commonly used password.",
		"Your password can’t be entirely numeric.",
	}
	if got := passwords.HelpTexts(); !slices.Equal(got, want) {
		t.Errorf("HelpTexts() = %q; want %q", got, want)
	}
	if got := (passwords.MinimumLength{Min: 1}).HelpText(); got != "Your password must contain at least 1 character." {
		t.Errorf("singular help text %q", got)
	}
}

func TestMinimumLength(t *testing.T) {
	tests := []struct {
		min      int
		password string
		want     string
	}{
		{0, "1234567", "This password is too short. It must contain at least 8 characters."},
		{0, "12345678", ""},
		{0, "ééééééé", "This password is too short. It must contain at least 8 characters."}, // 7 characters, 14 bytes
		{0, "🔑🔑🔑🔑🔑🔑🔑🔑", ""},
		{1, "", "This password is too short. It must contain at least 1 character."},
		{12, "elevenchars", "This password is too short. It must contain at least 12 characters."},
	}
	for _, tt := range tests {
		err := passwords.MinimumLength{Min: tt.min}.Validate(tt.password, nil)
		if got := errString(err); got != tt.want {
			t.Errorf("MinimumLength{%d}.Validate(%q) = %q; want %q", tt.min, tt.password, got, tt.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestUserAttributeSimilarity(t *testing.T) {
	user := []passwords.Attribute{
		{Name: "username", Value: "jdoe"},
		{Name: "first_name", Value: "Jane"},
		{Name: "nickname", Value: "sunflower"},
		{Name: "phone_number", Value: "5551234567"},
	}
	tests := []struct {
		name     string
		v        passwords.UserAttributeSimilarity
		password string
		want     string
	}{
		{"default attributes", passwords.UserAttributeSimilarity{}, "JDOE", "The password is too similar to the username."},
		{"verbose name from the field name", passwords.UserAttributeSimilarity{}, "enaj", "The password is too similar to the first name."},
		{"unlisted attribute ignored", passwords.UserAttributeSimilarity{}, "sunflower", ""},
		{"listed attribute", passwords.UserAttributeSimilarity{Attributes: []string{"nickname"}}, "sunflowers", "The password is too similar to the nickname."},
		{"listed, with underscores", passwords.UserAttributeSimilarity{Attributes: []string{"phone_number"}}, "5551234567!", "The password is too similar to the phone number."},
		{"lower threshold", passwords.UserAttributeSimilarity{MaxSimilarity: 0.25}, "jd-1234567", "The password is too similar to the username."},
		{"threshold 1 refuses only anagrams", passwords.UserAttributeSimilarity{MaxSimilarity: 1}, "jdoex", ""},
		{"threshold 1, anagram", passwords.UserAttributeSimilarity{MaxSimilarity: 1}, "odej", "The password is too similar to the username."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errString(tt.v.Validate(tt.password, user)); got != tt.want {
				t.Errorf("Validate(%q) = %q; want %q", tt.password, got, tt.want)
			}
		})
	}
	if err := (passwords.UserAttributeSimilarity{}).Validate("jdoe", nil); err != nil {
		t.Errorf("without a user: %v; want nil", err)
	}
	for _, bad := range []float64{0.05, -1, 1.5} {
		err := passwords.Validate("whatever", user, passwords.UserAttributeSimilarity{MaxSimilarity: bad})
		var ve passwords.ValidationErrors
		if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "MaxSimilarity") {
			t.Errorf("MaxSimilarity %v: Validate = %v; want a configuration error", bad, err)
		}
	}
}

// TestQuickRatio compares with Python's difflib.SequenceMatcher.quick_ratio.
func TestQuickRatio(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"password", "pass", 0.6666666666666666},
		{"abc", "", 0.0},
		{"", "", 1.0},
		{"aabbcc", "abcabc", 1.0},
		{"johnsmith", "john.smith@example.com", 0.5806451612903226},
		{"lètmein", "letmein", 0.8571428571428571},
		{"abcd", "dcbaxx", 0.8},
	} {
		if got := passwords.QuickRatio(tt.a, tt.b); got != tt.want {
			t.Errorf("QuickRatio(%q, %q) = %v; Python gives %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestSplitNonWord compares with Python's re.split(r"\W+", s).
func TestSplitNonWord(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want []string
	}{
		{"john.smith@example.com", []string{"john", "smith", "example", "com"}},
		{"", []string{""}},
		{"@a", []string{"", "a"}},
		{"a@", []string{"a", ""}},
		{"a__b-c d", []string{"a__b", "c", "d"}},
		{"çà-été", []string{"çà", "été"}},
		{"x①y", []string{"x①y"}},
		{"a\u0301b", []string{"a", "b"}},
	} {
		if got := passwords.SplitNonWord(tt.s); !slices.Equal(got, tt.want) {
			t.Errorf("SplitNonWord(%q) = %q; Python gives %q", tt.s, got, tt.want)
		}
	}
}

func TestCommon(t *testing.T) {
	list, err := passwords.CommonPasswords()
	if err != nil {
		t.Fatal(err)
	}
	if list.Len() != 19727 { // the size Python's set of Django's file has
		t.Errorf("Django's list has %d passwords; want 19727", list.Len())
	}
	for _, tt := range []struct {
		password string
		common   bool
	}{
		{"password", true}, {"  PASSWORD\t", true}, {"qwerty", true}, {"bigpimpin1", true},
		{"Tr0ub4dor&3xyz", false}, {"", false},
	} {
		err := passwords.Common{}.Validate(tt.password, nil)
		if (err != nil) != tt.common {
			t.Errorf("Common.Validate(%q) = %v; want common %v", tt.password, err, tt.common)
		}
	}
	own := passwords.Common{Passwords: passwords.NewPasswordList("Nuages2026", " hunter2 ")}
	for pw, common := range map[string]bool{"nuages2026": true, "HUNTER2": true, "password": false} {
		if err := own.Validate(pw, nil); (err != nil) != common {
			t.Errorf("own list: Validate(%q) = %v; want common %v", pw, err, common)
		}
	}
}

func TestReadPasswordList(t *testing.T) {
	plain, err := passwords.ReadPasswordList(strings.NewReader("Alpha\n\n  beta  \r\ngamma"))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Len() != 3 || !plain.Contains("alpha") || !plain.Contains("beta") || !plain.Contains("gamma") {
		t.Errorf("plain list: %d entries; want alpha, beta, gamma", plain.Len())
	}
	// A truncated gzip stream is an error, not a short list.
	gz := passwords.CommonPasswordsGz()
	if _, err := passwords.ReadPasswordList(strings.NewReader(string(gz[:len(gz)/2]))); err == nil {
		t.Error("a truncated gzipped list was read without error")
	}
}

func TestNumeric(t *testing.T) {
	for _, tt := range []struct {
		password string
		numeric  bool
	}{
		{"12345678", true}, {"١٢٣٤٥٦٧٨٩", true}, {"²³¹⁴", true}, {"①②③", true},
		{"1234567a", false}, {"", false}, {"½", false}, {"1 2", false}, {"Ⅻ", false},
	} {
		err := passwords.Numeric{}.Validate(tt.password, nil)
		if (err != nil) != tt.numeric {
			t.Errorf("Numeric.Validate(%q) = %v; want numeric %v (Python's str.isdigit)", tt.password, err, tt.numeric)
		}
	}
}

// FuzzValidate: any password and user, valid UTF-8 or not, gives nil or
// ValidationErrors with known codes, never a panic.
func FuzzValidate(f *testing.F) {
	for _, v := range djangoValidations {
		value := ""
		if len(v.user) > 0 {
			value = v.user[0].Value
		}
		f.Add(v.password, value)
	}
	f.Add("\xff\xfe", "a\xffb@c")
	codes := []string{"password_too_short", "password_too_similar", "password_too_common", "password_entirely_numeric"}
	f.Fuzz(func(t *testing.T, password, value string) {
		err := passwords.Validate(password, []passwords.Attribute{{Name: "username", Value: value}, {Name: "email", Value: value}})
		if err == nil {
			return
		}
		var errs passwords.ValidationErrors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("Validate error %v is not a non-empty ValidationErrors", err)
		}
		for _, e := range errs {
			if !slices.Contains(codes, e.Code) || e.Message == "" {
				t.Errorf("unexpected error %q %q", e.Code, e.Message)
			}
		}
	})
}
