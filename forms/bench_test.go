package forms

import (
	"context"
	"html/template"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type benchSignup struct {
	Username string    `form:"max_length=150" help:"Letters only."`
	Email    string    `form:"type=email"`
	Age      int       `form:"min=13"`
	Plan     string    `form:"choices=free:Free|pro:Pro"`
	Terms    bool      `form:"required"`
	Born     time.Time `form:"type=date"`
}

var benchData = url.Values{
	"username": {"ann"}, "email": {"ann@example.com"}, "age": {"42"}, "plan": {"pro"}, "terms": {"on"}, "born": {"1990-05-17"},
}

// BenchmarkBindValid binds and validates a six-field form; the baseline
// is the same checks written by hand into the same struct.
func BenchmarkBindValid(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		f := New[benchSignup]()
		f.BindValues(benchData, nil)
		if ok, err := f.IsValid(ctx); !ok || err != nil {
			b.Fatal(f.Errors(), err)
		}
	}
}

func BenchmarkBindValidBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var s benchSignup
		errs := map[string]string{}
		get := func(k string) string { return strings.TrimSpace(benchData.Get(k)) }
		if s.Username = get("username"); s.Username == "" || utf8.RuneCountInString(s.Username) > 150 {
			errs["username"] = "bad"
		}
		if a, err := mail.ParseAddress(get("email")); err != nil {
			errs["email"] = "bad"
		} else {
			s.Email = a.Address
		}
		if n, err := strconv.Atoi(get("age")); err != nil || n < 13 {
			errs["age"] = "bad"
		} else {
			s.Age = n
		}
		if s.Plan = get("plan"); s.Plan != "free" && s.Plan != "pro" {
			errs["plan"] = "bad"
		}
		if s.Terms = get("terms") == "on"; !s.Terms {
			errs["terms"] = "bad"
		}
		var err error
		if s.Born, err = time.Parse("2006-01-02", get("born")); err != nil {
			errs["born"] = "bad"
		}
		if len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkRender renders the form, bound with errors; the baseline is
// hand-written html/template markup of the same fields.
func BenchmarkRender(b *testing.B) {
	f := New[benchSignup]()
	f.BindValues(url.Values{"username": {"ann"}, "email": {"nope"}}, nil)
	f.IsValid(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		h, err := f.HTML()
		if err != nil {
			b.Fatal(err)
		}
		io.WriteString(io.Discard, string(h))
	}
}

var baselineTemplate = template.Must(template.New("").Parse(`{{range .}}{{$f := .}}<div><label for="id_{{.Name}}">{{.Label}}:</label>
{{with .Help}}<div class="helptext" id="id_{{$f.Name}}_helptext">{{.}}</div>{{end}}{{with .Errors}}<ul class="errorlist" id="id_{{$f.Name}}_error">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Options}}<select name="{{.Name}}" required id="id_{{.Name}}">{{range .Options}}<option value="{{.}}">{{.}}</option>{{end}}</select>{{else}}<input type="{{.Type}}" name="{{.Name}}"{{with .Value}} value="{{.}}"{{end}} required{{with .Errors}} aria-invalid="true"{{end}} id="id_{{.Name}}">{{end}}</div>
{{end}}`))

func BenchmarkRenderBaseline(b *testing.B) {
	type field struct {
		Name, Label, Help, Type, Value string
		Errors, Options                []string
	}
	fields := []field{
		{Name: "username", Label: "Username", Help: "Letters only.", Type: "text", Value: "ann"},
		{Name: "email", Label: "Email", Type: "email", Value: "nope", Errors: []string{"Enter a valid email address."}},
		{Name: "age", Label: "Age", Type: "number", Errors: []string{"This field is required."}},
		{Name: "plan", Label: "Plan", Options: []string{"free", "pro"}, Errors: []string{"This field is required."}},
		{Name: "terms", Label: "Terms", Type: "checkbox", Errors: []string{"This field is required."}},
		{Name: "born", Label: "Born", Type: "date", Errors: []string{"This field is required."}},
	}
	b.ReportAllocs()
	for b.Loop() {
		var buf strings.Builder
		if err := baselineTemplate.Execute(&buf, fields); err != nil {
			b.Fatal(err)
		}
		io.WriteString(io.Discard, buf.String())
	}
}
