package forms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// money is a decimal type of a project: what Decimal fills through
// encoding.TextUnmarshaler.
type money struct{ text string }

func (m *money) UnmarshalText(b []byte) error { m.text = string(b); return nil }
func (m money) MarshalText() ([]byte, error)  { return []byte(m.text), nil }

type base struct {
	Title string `form:"max_length=20"`
}

type article struct {
	base
	Slug      string                `form:"type=slug"`
	Rank      int8                  // bounded by int8
	Votes     uint16                `form:"optional"`
	Score     *float64              // optional
	Price     money                 `form:"type=decimal,max_digits=6,decimal_places=2"`
	Published bool                  // optional: unchecked is false
	Featured  *bool                 // NullBoolean
	PubDate   time.Time             `label:"Date published"`
	Delay     time.Duration         `form:"optional"`
	Tags      []string              `form:"choices=go|web|db,optional"`
	Status    string                `form:"choices=d:Draft|p:Published"`
	ID        [16]byte              `form:"optional"`
	Extra     map[string]any        `form:"type=json,optional"`
	Raw       json.RawMessage       `form:"optional"`
	Internal  string                `form:"-"`
	hidden    string                // unexported: never a field
	Attached  *multipart.FileHeader `form:"optional"`
}

func TestNew_Declare(t *testing.T) {
	f := New[article]()
	type want struct {
		name     string
		typ      Type
		optional bool
	}
	wants := []want{
		{"title", Char{MaxLength: 20}, false},
		{"slug", Slug{}, false},
		{"rank", Integer{Min: new(int64(math.MinInt8)), Max: new(int64(math.MaxInt8))}, false},
		{"votes", Integer{Min: new(int64(0)), Max: new(int64(math.MaxUint16))}, true},
		{"score", Float{}, true},
		{"price", Decimal{MaxDigits: 6, DecimalPlaces: 2}, false},
		{"published", Boolean{}, true},
		{"featured", NullBoolean{}, true},
		{"pub_date", DateTime{}, false},
		{"delay", Duration{}, true},
		{"tags", MultipleChoice{Options: []Option{{Value: "go", Label: "go"}, {Value: "web", Label: "web"}, {Value: "db", Label: "db"}}}, true},
		{"status", Choice{Options: []Option{{Value: "d", Label: "Draft"}, {Value: "p", Label: "Published"}}}, false},
		{"id", UUID{}, true},
		{"extra", JSON{}, true},
		{"raw", JSON{}, true},
		{"attached", File{}, true},
	}
	fields := f.Fields()
	var names []string
	for _, b := range fields {
		names = append(names, b.Name())
	}
	if len(fields) != len(wants) {
		t.Fatalf("fields %v, want %d", names, len(wants))
	}
	for i, w := range wants {
		fd := fields[i].Field()
		if fd.Name != w.name || !reflect.DeepEqual(fd.Type, w.typ) || fd.Optional != w.optional {
			t.Errorf("field %d = %s %#v optional=%v, want %s %#v optional=%v", i, fd.Name, fd.Type, fd.Optional, w.name, w.typ, w.optional)
		}
	}
	if got := f.Field("pub_date").Label(); got != "Date published" {
		t.Errorf("label from tag = %q", got)
	}
	if got := f.Field("rank").Label(); got != "Rank" {
		t.Errorf("default label = %q", got)
	}
	if f.Field("internal") != nil || f.Field("hidden") != nil {
		t.Error(`form:"-" and unexported fields must not be fields`)
	}
}

func TestNew_BadDeclarations(t *testing.T) {
	tests := []struct {
		name string
		new  func()
		want string
	}{
		{"unknown_option", func() {
			New[struct {
				A string `form:"maxlen=3"`
			}]()
		}, `unknown option "maxlen"`},
		{"bad_number", func() {
			New[struct {
				A string `form:"max_length=x"`
			}]()
		}, `max_length="x" is not a whole number`},
		{"bad_type", func() {
			New[struct {
				A string `form:"type=phone"`
			}]()
		}, `type="phone" is not a field type`},
		{"bad_widget", func() {
			New[struct {
				A string `form:"widget=slider"`
			}]()
		}, `widget="slider" is not a widget`},
		{"unsupported_go_type", func() { New[struct{ A chan int }]() }, `forms cannot fill a chan int`},
		{"choice_without_choices", func() {
			New[struct {
				A string `form:"type=choice"`
			}]()
		}, `a choice needs choices=`},
		{"choices_on_int", func() {
			New[struct {
				A int `form:"choices=1|2"`
			}]()
		}, `choices= is for a string`},
		{"min_beyond_type", func() {
			New[struct {
				A int8 `form:"min=-1000"`
			}]()
		}, `beyond what the field's type holds`},
		{"duplicate_name", func() {
			New[struct {
				A string `form:"name=x"`
				B string `form:"name=x"`
			}]()
		}, `two fields are named "x"`},
		{"bad_pattern", func() {
			New[struct {
				A string `pattern:"("`
			}]()
		}, `pattern:`},
		{"duplicate_option", func() {
			New[struct {
				A string `form:"optional,optional"`
			}]()
		}, `given twice`},
		{"field_without_name", func() { New[Values](Field{}) }, `has no Name`},
		{"type_does_not_fit", func() {
			New[struct {
				A int `form:"type=email"`
			}]()
		}, `a email field cannot be stored in a int`},
		{"file_in_string", func() {
			New[struct {
				A string `form:"type=image"`
			}]()
		}, `a image field cannot be stored in a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("New did not panic")
				}
				if msg := fmtPanic(r); !strings.Contains(msg, tt.want) {
					t.Fatalf("panic %q, want it to contain %q", msg, tt.want)
				}
			}()
			tt.new()
		})
	}
}

func fmtPanic(r any) string {
	if err, ok := r.(error); ok {
		return err.Error()
	}
	s, _ := r.(string)
	return s
}

func validArticle() url.Values {
	return url.Values{
		"title": {"Hello"}, "slug": {"hello"}, "rank": {"-3"}, "votes": {"65535"}, "score": {"2.5"},
		"price": {"19.90"}, "published": {"on"}, "featured": {"false"}, "pub_date": {"2024-05-01T10:30"},
		"delay": {"1h"}, "tags": {"web", "go"}, "status": {"p"}, "id": {"6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		"extra": {`{"k": [1, "x"]}`}, "raw": {`[1,2]`},
	}
}

func TestIsValid_FillsStruct(t *testing.T) {
	f := New[article]()
	f.Value.Internal, f.Value.hidden = "kept", "kept too"
	f.BindValues(validArticle(), nil)
	ok, err := f.IsValid(context.Background())
	if err != nil || !ok {
		t.Fatalf("IsValid = %v, %v; errors %v", ok, err, f.Errors())
	}
	v := f.Value
	checks := []struct {
		name      string
		got, want any
	}{
		{"title", v.Title, "Hello"},
		{"rank", v.Rank, int8(-3)},
		{"votes", v.Votes, uint16(65535)},
		{"score", *v.Score, 2.5},
		{"price", v.Price.text, "19.90"},
		{"published", v.Published, true},
		{"featured", *v.Featured, false},
		{"pub_date", v.PubDate, time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)},
		{"delay", v.Delay, time.Hour},
		{"tags", v.Tags, []string{"web", "go"}},
		{"status", v.Status, "p"},
		{"id", v.ID, [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}},
		{"extra", v.Extra, map[string]any{"k": []any{1.0, "x"}}},
		{"raw", string(v.Raw), "[1,2]"},
		{"internal_kept", v.Internal, "kept"},
		{"unexported_kept", v.hidden, "kept too"},
		{"cleaned_map", f.Cleaned()["rank"], int64(-3)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if again, _ := f.IsValid(context.Background()); !again {
		t.Error("a second IsValid must give the same answer")
	}
}

func TestIsValid_StructErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(url.Values)
		field string
		code  string
	}{
		{"int8_overflow", func(d url.Values) { d.Set("rank", "200") }, "rank", "max_value"},
		{"uint_negative", func(d url.Values) { d.Set("votes", "-1") }, "votes", "min_value"},
		{"uint16_overflow", func(d url.Values) { d.Set("votes", "65536") }, "votes", "max_value"},
		{"decimal_places", func(d url.Values) { d.Set("price", "1.999") }, "price", "max_decimal_places"},
		{"json_wrong_shape", func(d url.Values) { d.Set("extra", `[1]`) }, "extra", "invalid_json"},
		{"choice", func(d url.Values) { d.Set("status", "x") }, "status", "invalid_choice"},
		{"required_missing", func(d url.Values) { d.Del("title") }, "title", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := validArticle()
			tt.edit(data)
			f := New[article]()
			f.BindValues(data, nil)
			ok, err := f.IsValid(context.Background())
			if err != nil || ok {
				t.Fatalf("IsValid = %v, %v", ok, err)
			}
			if !f.Errors().Has(tt.field, tt.code) || len(f.Errors()) != 1 {
				t.Fatalf("errors %v, want only %s on %s", f.Errors(), tt.code, tt.field)
			}
		})
	}
}

// signup checks itself with the hooks of Django's clean_<field> and clean.
type signup struct {
	Username string
	Password string `form:"widget=password"`
	Confirm  string `form:"widget=password"`
	calls    []string
}

func (s *signup) CleanField(_ context.Context, name string) error {
	s.calls = append(s.calls, "field:"+name)
	if name == "username" {
		if s.Username == "admin" {
			return Errorf("reserved", "%q is reserved.", s.Username)
		}
		s.Username = strings.ToLower(s.Username)
	}
	return nil
}

func (s *signup) Clean(context.Context) error {
	s.calls = append(s.calls, "clean")
	if s.Password != s.Confirm {
		return errors.Join(&Error{Field: "confirm", Code: "mismatch", Message: "The passwords differ."},
			&Error{Code: "retry", Message: "Try again."})
	}
	return nil
}

func TestIsValid_Hooks(t *testing.T) {
	t.Run("field_hook_changes_value", func(t *testing.T) {
		f := New[signup]()
		f.BindValues(url.Values{"username": {"Ann"}, "password": {"x"}, "confirm": {"x"}}, nil)
		if ok, err := f.IsValid(context.Background()); !ok || err != nil {
			t.Fatalf("IsValid = %v, %v: %v", ok, err, f.Errors())
		}
		if f.Value.Username != "ann" {
			t.Errorf("Username = %q, want the hook's ann", f.Value.Username)
		}
		if want := []string{"field:username", "field:password", "field:confirm", "clean"}; !slices.Equal(f.Value.calls, want) {
			t.Errorf("calls %v, want %v", f.Value.calls, want)
		}
	})
	t.Run("errors_of_hooks", func(t *testing.T) {
		f := New[signup]()
		f.BindValues(url.Values{"username": {"admin"}, "password": {"x"}, "confirm": {"y"}}, nil)
		ok, err := f.IsValid(context.Background())
		if ok || err != nil {
			t.Fatalf("IsValid = %v, %v", ok, err)
		}
		errs := f.Errors()
		if !errs.Has("username", "reserved") || !errs.Has("confirm", "mismatch") || !errs.Has(NonField, "retry") {
			t.Fatalf("errors %v", errs)
		}
		if got := errs["username"][0].Error(); got != `"admin" is reserved.` {
			t.Errorf("message %q", got)
		}
	})
	t.Run("field_hook_skipped_when_invalid", func(t *testing.T) {
		f := New[signup]()
		f.BindValues(url.Values{"password": {"x"}, "confirm": {"x"}}, nil)
		f.IsValid(context.Background())
		if slices.Contains(f.Value.calls, "field:username") || !slices.Contains(f.Value.calls, "clean") {
			t.Errorf("calls %v: CleanField runs only on a valid field, Clean always", f.Value.calls)
		}
	})
	t.Run("failure_that_is_not_the_users", func(t *testing.T) {
		boom := errors.New("database is down")
		f := New[Values](Field{Name: "a", Clean: func(context.Context, any) (any, error) { return nil, boom }})
		f.BindValues(url.Values{"a": {"x"}}, nil)
		if ok, err := f.IsValid(context.Background()); ok || !errors.Is(err, boom) {
			t.Fatalf("IsValid = %v, %v; want the hook's error", ok, err)
		}
	})
	t.Run("form_clean_func", func(t *testing.T) {
		f := New[Values](Field{Name: "a", Optional: true}, Field{Name: "b", Optional: true})
		f.Clean = func(_ context.Context, f *Form[Values]) error {
			if f.Value["a"] == "" && f.Value["b"] == "" {
				return &Error{Code: "one_needed", Message: "Fill in a or b."}
			}
			return nil
		}
		f.BindValues(url.Values{}, nil)
		if ok, _ := f.IsValid(context.Background()); ok || !f.Errors().Has(NonField, "one_needed") {
			t.Fatalf("errors %v", f.Errors())
		}
		if len(f.NonFieldErrors()) != 1 {
			t.Errorf("NonFieldErrors = %v", f.NonFieldErrors())
		}
	})
	t.Run("field_clean_returns_value", func(t *testing.T) {
		f := New[Values](Field{Name: "n", Type: Integer{}, Clean: func(_ context.Context, v any) (any, error) { return v.(int64) * 2, nil }})
		f.BindValues(url.Values{"n": {"21"}}, nil)
		if ok, _ := f.IsValid(context.Background()); !ok || f.Value["n"] != int64(42) {
			t.Fatalf("value %v, errors %v", f.Value["n"], f.Errors())
		}
	})
}

func TestIsValid_Unbound(t *testing.T) {
	f := New[signup]()
	if ok, err := f.IsValid(context.Background()); ok || err != nil || f.Errors() != nil || f.IsBound() {
		t.Fatalf("an unbound form: IsValid = %v, %v, errors %v", ok, err, f.Errors())
	}
}

func TestAllValidatorsReported(t *testing.T) {
	f := New[Values](Field{Name: "code", Type: Char{MaxLength: 3}, Validators: []Validator{
		RegexValidator(regexpMust(`^[0-9]+$`), "digits"),
	}})
	f.BindValues(url.Values{"code": {"abcd"}}, nil)
	f.IsValid(context.Background())
	if !f.Errors().Has("code", "max_length") || !f.Errors().Has("code", "digits") {
		t.Fatalf("errors %v: every validator's problem is reported", f.Errors())
	}
}

func TestMessages(t *testing.T) {
	f := New[Values](Field{Name: "name", Type: Char{MaxLength: 2}, Messages: map[string]string{
		"required":   "Tell us your name.",
		"max_length": "At most {limit_value}, not {show_value}.",
	}})
	f.BindValues(url.Values{}, nil)
	f.IsValid(context.Background())
	if got := f.Errors()["name"][0].Error(); got != "Tell us your name." {
		t.Errorf("required message %q", got)
	}
	f.BindValues(url.Values{"name": {"abc"}}, nil)
	f.IsValid(context.Background())
	if got := f.Errors()["name"][0].Error(); got != "At most 2, not 3." {
		t.Errorf("max_length message %q", got)
	}
	if got, _ := json.Marshal(f.Errors()); string(got) != `{"name":[{"message":"At most 2, not 3.","code":"max_length"}]}` {
		t.Errorf("JSON %s", got)
	}
}

func TestAddError(t *testing.T) {
	f := New[signup]()
	f.BindValues(url.Values{"username": {"ann"}, "password": {"x"}, "confirm": {"x"}}, nil)
	if ok, _ := f.IsValid(context.Background()); !ok {
		t.Fatal(f.Errors())
	}
	f.AddError("", errors.New("Wrong user name or password."))
	f.AddError("password", &Error{Code: "expired", Message: "Your password expired."})
	if ok, _ := f.IsValid(context.Background()); ok {
		t.Fatal("a form with added errors is not valid")
	}
	if !f.Errors().Has(NonField, "invalid") || f.NonFieldErrors()[0].Error() != "Wrong user name or password." {
		t.Errorf("non-field errors %v", f.NonFieldErrors())
	}
	if _, ok := f.Cleaned()["password"]; ok || !f.Errors().Has("password", "expired") {
		t.Errorf("AddError drops the cleaned value: %v, %v", f.Cleaned(), f.Errors())
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmtPanic(r), `no field "nope" (it has username, password, confirm)`) {
			t.Errorf("panic %v", r)
		}
	}()
	f.AddError("nope", errors.New("x"))
}

func TestInitialAndHasChanged(t *testing.T) {
	type edit struct {
		Title string
		Count int
		When  time.Time `form:"type=date"`
		Done  bool
	}
	f := New[edit]()
	f.SetInitial(edit{Title: "Old", Count: 3, When: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if got := f.Field("count").Values(); !slices.Equal(got, []string{"3"}) {
		t.Errorf("unbound shows %v", got)
	}
	f.BindValues(url.Values{"title": {"Old"}, "count": {"03"}, "when": {"01/02/2024"}}, nil)
	if f.HasChanged() {
		t.Errorf("equal values written differently are no change: %v", f.ChangedFields())
	}
	f.BindValues(url.Values{"title": {"New"}, "count": {"x"}, "when": {"2024-01-02"}, "done": {"on"}}, nil)
	if got := f.ChangedFields(); !slices.Equal(got, []string{"title", "count", "done"}) {
		t.Errorf("ChangedFields = %v", got)
	}
	if got := f.Field("count").Values(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("a bound form shows what was sent, got %v", got)
	}
	others := New[Values](
		Field{Name: "box", Type: Boolean{}, Optional: true},
		Field{Name: "doc", Type: JSON{}, Optional: true, Initial: map[string]any{"a": 1}},
		Field{Name: "at", Type: DateTime{}, Initial: time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC)},
		Field{Name: "pick", Type: Choice{Chooser: keyChooser{new([]string)}}, Initial: "1"},
	)
	others.BindValues(url.Values{"doc": {`{ "a" : 1 }`}, "at": {"2024-01-02T11:00:00+01:00"}, "pick": {"1"}}, nil)
	if got := others.ChangedFields(); len(got) != 0 {
		t.Errorf("an unchecked box, an equal JSON document, the same instant, the same choice are no change: %v", got)
	}
	callable := New[Values](Field{Name: "n", Type: Integer{}, Initial: func() any { return 7 }})
	if got := callable.Field("n").Values(); !slices.Equal(got, []string{"7"}) {
		t.Errorf("a func() any initial is called: %v", got)
	}
	if unbound := New[edit](); unbound.HasChanged() {
		t.Error("an unbound form has not changed")
	}
}

func TestDisabledAndPrefix(t *testing.T) {
	f := New[Values](
		Field{Name: "owner", Disabled: true, Initial: "ann"},
		Field{Name: "title"},
	)
	f.Prefix = "p1"
	f.BindValues(url.Values{"p1-owner": {"mallory"}, "owner": {"eve"}, "p1-title": {"T"}, "title": {"wrong"}}, nil)
	if ok, _ := f.IsValid(context.Background()); !ok {
		t.Fatal(f.Errors())
	}
	if f.Value["owner"] != "ann" || f.Value["title"] != "T" {
		t.Fatalf("values %v: a disabled field keeps its initial value, names carry the prefix", f.Value)
	}
	if got := f.Field("title").ID(); got != "id_p1-title" {
		t.Errorf("ID = %q", got)
	}
}

// TestDocsDeclarations builds the forms docs/forms.md shows.
func TestDocsDeclarations(t *testing.T) {
	type Profile struct {
		Avatar *multipart.FileHeader `form:"type=image,optional,max_size=2097152,max_width=2000,max_height=2000"`
		CV     *multipart.FileHeader `form:"optional,types=application/pdf,extensions=pdf"`
	}
	f := New[Profile]()
	if got := f.Field("avatar").Field().Type; !reflect.DeepEqual(got, Image{File: File{MaxSize: 2097152}, MaxWidth: 2000, MaxHeight: 2000}) {
		t.Errorf("avatar: %#v", got)
	}
	if got := f.Field("cv").Field().Type; !reflect.DeepEqual(got, File{Types: []string{"application/pdf"}, Extensions: []string{"pdf"}}) {
		t.Errorf("cv: %#v", got)
	}
}

func TestOptionalChoiceHasBlank(t *testing.T) {
	f := New[struct {
		Plan string `form:"choices=a|b,optional"`
	}]()
	h, err := f.Field("plan").Widget()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(h), `<option value="" selected>---------</option>`) {
		t.Errorf("an optional select starts with an empty choice:\n%s", h)
	}
	f.BindValues(url.Values{"plan": {""}}, nil)
	if ok, _ := f.IsValid(context.Background()); !ok || f.Value.Plan != "" {
		t.Errorf("the empty choice is valid: %v", f.Errors())
	}
}

func TestValuesFormRebound(t *testing.T) {
	f := New[Values](Field{Name: "n", Type: Integer{}})
	f.BindValues(url.Values{"n": {"1"}}, nil)
	f.IsValid(context.Background())
	f.BindValues(url.Values{"n": {"x"}}, nil)
	if ok, _ := f.IsValid(context.Background()); ok {
		t.Fatal("x is not a number")
	}
	if _, stale := f.Value["n"]; stale {
		t.Errorf("Value keeps %v from the earlier binding", f.Value["n"])
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// ---- binding requests ----

func multipartBody(t *testing.T, fields map[string]string, files map[string][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		w, err := mw.CreateFormFile(name, name+".bin")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestBind(t *testing.T) {
	t.Parallel()
	type upload struct {
		Title string
		Doc   *multipart.FileHeader
		Tags  []string `form:"choices=a|b|c,optional"`
		N     int      `form:"optional"`
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int // of Bind's error, 0 for none
		check  func(t *testing.T, f *Form[upload])
	}{
		{"urlencoded", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader("title=Hi&tags=a&tags=c"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 0, func(t *testing.T, f *Form[upload]) {
			if !f.Errors().Has("doc", "required") || f.Value.Title != "Hi" || !slices.Equal(f.Value.Tags, []string{"a", "c"}) {
				t.Errorf("value %+v errors %v", f.Value, f.Errors())
			}
		}},
		{"multipart", func() *http.Request {
			body, ct := multipartBody(t, map[string]string{"title": "Hi"}, map[string][]byte{"doc": []byte("hello")})
			r := httptest.NewRequest("POST", "/", body)
			r.Header.Set("Content-Type", ct)
			return r
		}, 0, func(t *testing.T, f *Form[upload]) {
			if len(f.Errors()) != 0 || f.Value.Doc == nil || f.Value.Doc.Filename != "doc.bin" {
				t.Errorf("value %+v errors %v", f.Value, f.Errors())
			}
		}},
		{"json", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`{"title": "Hi", "tags": ["b"], "n": 12, "doc": null}`))
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			return r
		}, 0, func(t *testing.T, f *Form[upload]) {
			if f.Value.Title != "Hi" || f.Value.N != 12 || !slices.Equal(f.Value.Tags, []string{"b"}) || !f.Errors().Has("doc", "required") {
				t.Errorf("value %+v errors %v", f.Value, f.Errors())
			}
		}},
		{"json_wrong_types", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`{"title": {"x": 1}, "n": 1.5e400, "tags": "a"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 0, func(t *testing.T, f *Form[upload]) {
			if f.Value.Title != "" || !f.Errors().Has("title", "invalid") || !f.Errors().Has("n", "invalid_integer") || f.Errors().Has("tags", "") {
				t.Errorf("value %+v errors %v", f.Value, f.Errors())
			}
		}},
		{"json_duplicate_keys_last_wins", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`{"title": "a", "title": "b"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 0, func(t *testing.T, f *Form[upload]) {
			if f.Value.Title != "b" {
				t.Errorf("title %q", f.Value.Title)
			}
		}},
		{"query_for_get", func() *http.Request { return httptest.NewRequest("GET", "/?title=Q&n=3", nil) }, 0,
			func(t *testing.T, f *Form[upload]) {
				if f.Value.Title != "Q" || f.Value.N != 3 {
					t.Errorf("value %+v", f.Value)
				}
			}},
		{"json_not_object", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`[1, 2]`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusBadRequest, nil},
		{"json_too_large", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader(`{"title": "`+strings.Repeat("x", 3<<20)+`"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusRequestEntityTooLarge, nil},
		{"malformed_multipart", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader("--x\r\nbroken"))
			r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			return r
		}, http.StatusBadRequest, nil},
		{"malformed_urlencoded", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader("title=%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusBadRequest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New[upload]()
			err := f.Bind(tt.req())
			if tt.status != 0 {
				var we *web.Error
				if !errors.As(err, &we) || we.Status != tt.status {
					t.Fatalf("Bind error %v, want status %d", err, tt.status)
				}
				return
			}
			if err != nil {
				t.Fatalf("Bind: %v", err)
			}
			if _, err := f.IsValid(context.Background()); err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
		})
	}
}

// ---- files ----

func fileHeader(t *testing.T, name string, content []byte) *multipart.FileHeader {
	t.Helper()
	body, ct := multipartBody(t, nil, map[string][]byte{"f": content})
	_, params, _ := strings.Cut(ct, "boundary=")
	form, err := multipart.NewReader(body, params).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	fh := form.File["f"][0]
	fh.Filename = name
	return fh
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFiles(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	img := pngBytes(t, 40, 30)
	tests := []struct {
		name    string
		typ     Type
		file    *multipart.FileHeader
		clear   bool
		initial any
		opt     bool
		code    string // "" for valid
	}{
		{"plain", File{}, fileHeader(t, "a.txt", []byte("hi")), false, nil, false, ""},
		{"empty_file", File{}, fileHeader(t, "a.txt", nil), false, nil, false, "empty"},
		{"empty_allowed", File{AllowEmpty: true}, fileHeader(t, "a.txt", nil), false, nil, false, ""},
		{"too_large", File{MaxSize: 3}, fileHeader(t, "a.txt", []byte("four")), false, nil, false, "file_too_large"},
		{"sniffed_pdf", File{Types: []string{"application/pdf"}}, fileHeader(t, "a.pdf", pdf), false, nil, false, ""},
		{"png_named_pdf_refused", File{Types: []string{"application/pdf"}}, fileHeader(t, "a.pdf", img), false, nil, false, "invalid_file_type"},
		{"extension", File{Extensions: []string{"pdf"}}, fileHeader(t, "a.PDF", pdf), false, nil, false, ""},
		{"extension_refused", File{Extensions: []string{"pdf"}}, fileHeader(t, "a.exe", pdf), false, nil, false, "invalid_extension"},
		{"name_too_long", File{MaxNameLength: 5}, fileHeader(t, "abcdef.txt", []byte("x")), false, nil, false, "max_filename_length"},
		{"name_nul", File{}, fileHeader(t, "a\x00.txt", []byte("x")), false, nil, false, "invalid_file"},
		{"name_not_utf8", File{}, fileHeader(t, "a\xff.txt", []byte("x")), false, nil, false, "invalid_file"},
		{"missing_required", File{}, nil, false, nil, false, "required"},
		{"missing_with_initial", File{}, nil, false, "stored/a.txt", false, ""},
		{"clear_and_upload", File{}, fileHeader(t, "a.txt", []byte("x")), true, "stored/a.txt", true, "contradiction"},
		{"clear_required", File{}, nil, true, "stored/a.txt", false, "required"},
		{"image", Image{MaxWidth: 100, MaxHeight: 100}, fileHeader(t, "a.png", img), false, nil, false, ""},
		{"image_too_large", Image{MaxWidth: 20}, fileHeader(t, "a.png", img), false, nil, false, "image_too_large"},
		{"image_not_an_image", Image{}, fileHeader(t, "a.png", pdf), false, nil, false, "invalid_image"},
		{"image_truncated", Image{}, fileHeader(t, "a.png", img[:20]), false, nil, false, "invalid_image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New[Values](Field{Name: "doc", Type: tt.typ, Initial: tt.initial, Optional: tt.opt})
			data := url.Values{}
			if tt.clear {
				data.Set("doc-clear", "on")
			}
			files := Files{}
			if tt.file != nil {
				files["doc"] = []*multipart.FileHeader{tt.file}
			}
			f.BindValues(data, files)
			ok, err := f.IsValid(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tt.code == "" {
				if !ok {
					t.Fatalf("errors %v", f.Errors())
				}
				return
			}
			if ok || !f.Errors().Has("doc", tt.code) {
				t.Fatalf("valid=%v errors %v, want %s", ok, f.Errors(), tt.code)
			}
		})
	}
	t.Run("clear_optional", func(t *testing.T) {
		f := New[Values](Field{Name: "doc", Type: File{}, Optional: true, Initial: "stored/a.txt"})
		f.BindValues(url.Values{"doc-clear": {"on"}}, nil)
		if ok, _ := f.IsValid(context.Background()); !ok || f.Cleaned()["doc"] != (Cleared{}) {
			t.Fatalf("cleaned %v, errors %v", f.Cleaned(), f.Errors())
		}
	})
	t.Run("file_name_as_text", func(t *testing.T) {
		f := New[Values](Field{Name: "doc", Type: File{}})
		f.BindValues(url.Values{"doc": {"a.txt"}}, nil)
		if ok, _ := f.IsValid(context.Background()); ok || !f.Errors().Has("doc", "invalid_file") {
			t.Fatalf("errors %v: a form without enctype sends the name as text", f.Errors())
		}
	})
}

// keyChooser validates one key at a time and fails if asked for the list.
type keyChooser struct{ asked *[]string }

func (k keyChooser) Choices(context.Context) ([]Option, error) {
	return nil, errors.New("the whole list must not be read to validate")
}

func (k keyChooser) ValidChoice(_ context.Context, v string) (bool, error) {
	*k.asked = append(*k.asked, v)
	return v == "1" || v == "2", nil
}

func TestChoiceValidator(t *testing.T) {
	var asked []string
	f := New[Values](
		Field{Name: "one", Type: Choice{Chooser: keyChooser{&asked}}},
		Field{Name: "many", Type: MultipleChoice{Chooser: keyChooser{&asked}}},
	)
	f.BindValues(url.Values{"one": {"2"}, "many": {"1", "3"}}, nil)
	ok, err := f.IsValid(context.Background())
	if err != nil || ok {
		t.Fatalf("IsValid = %v, %v", ok, err)
	}
	if f.Value["one"] != "2" || !f.Errors().Has("many", "invalid_choice") || !slices.Equal(asked, []string{"2", "1", "3"}) {
		t.Errorf("value %v errors %v asked %v", f.Value, f.Errors(), asked)
	}
}

// TestBind_AfterFormsMiddleware binds a request the Forms middleware
// already parsed within its limits, files included, through real HTTP.
func TestBind_AfterFormsMiddleware(t *testing.T) {
	type upload struct {
		Title string
		Doc   *multipart.FileHeader
	}
	var got upload
	var errs Errors
	h := middleware.Forms(middleware.FormLimits{})(web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		f := New[upload]()
		if err := f.Bind(r); err != nil {
			return err
		}
		if _, err := f.IsValid(r.Context()); err != nil {
			return err
		}
		got, errs = f.Value, f.Errors()
		return nil
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	body, ct := multipartBody(t, map[string]string{"title": "Hi"}, map[string][]byte{"doc": []byte("content")})
	resp, err := http.Post(srv.URL, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(errs) != 0 || got.Title != "Hi" || got.Doc == nil || got.Doc.Size != 7 {
		t.Fatalf("status %d, value %+v, errors %v", resp.StatusCode, got, errs)
	}
}
