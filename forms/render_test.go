package forms

import (
	"context"
	"flag"
	"html/template"
	iofs "io/fs"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the output of the rendering tests")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got template.HTML) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// storedFile is a stored file as a storage would give it: a name and a URL.
type storedFile struct{ name string }

func (s storedFile) Name() string { return s.name }
func (s storedFile) URL() string  { return "/media/" + s.name }

// everything has a field of every widget.
type everything struct {
	Name     string        `form:"max_length=50,placeholder=Ann" help:"Your full name."`
	Email    string        `form:"type=email,optional"`
	Age      int           `form:"min=0,max=150,optional"`
	Password string        `form:"widget=password"`
	Token    string        `form:"widget=hidden,optional"`
	Bio      string        `form:"widget=textarea,optional"`
	Color    string        `form:"choices=r:Red|g:Green|b:Blue"`
	Agree    bool          `form:"required" label:"I agree"`
	Toppings []string      `form:"choices=ham|egg|cheese,widget=checkboxes,optional"`
	Size     string        `form:"choices=s:Small|l:Large,widget=radio"`
	Born     time.Time     `form:"type=date,optional"`
	Alarm    time.Time     `form:"type=time,optional"`
	Meeting  time.Time     `form:"optional"`
	Slot     time.Time     `form:"type=splitdatetime,optional"`
	Wait     time.Duration `form:"optional"`
	Known    *bool
	Price    string                `form:"type=decimal,decimal_places=2,optional"`
	Avatar   *multipart.FileHeader `form:"type=image,optional"`
	Cv       *multipart.FileHeader `form:"widget=file,optional,extensions=pdf"`
	Data     string                `form:"type=json,optional"`
}

func everythingForm() *Form[everything] {
	f := New[everything](Field{Name: "color", Type: Choice{Options: []Option{
		{Value: "r", Label: "Red", Group: "Warm"}, {Value: "o", Label: "Orange", Group: "Warm"},
		{Value: "b", Label: "Blue", Group: "Cold"}, {Value: "x", Label: "None", Disabled: true},
	}}})
	return f
}

func TestRender_Unbound(t *testing.T) {
	f := everythingForm()
	f.SetInitial(everything{Name: "Ann", Password: "secret", Token: "t0k", Color: "b", Toppings: []string{"egg"}, Size: "l",
		Born: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), Alarm: time.Date(0, 1, 1, 7, 30, 0, 0, time.UTC),
		Meeting: time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC), Slot: time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC),
		Wait: 90 * time.Second, Price: "9.90", Data: `{"a":1}`})
	f.Initial["avatar"] = storedFile{"me.png"}
	f.Initial["known"] = true
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	f.Location = paris
	h, err := f.HTML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "unbound", h)
	if strings.Contains(string(h), "secret") {
		t.Error("a password is never rendered")
	}
}

func TestRender_BoundWithErrors(t *testing.T) {
	f := everythingForm()
	hostile := `"><script>alert(1)</script>`
	f.BindValues(url.Values{
		"name": {hostile}, "email": {"not-an-email"}, "age": {"-1"}, "password": {"typed"}, "token": {"a\x00"},
		"color": {"o"}, "toppings": {"ham", "cheese"}, "size": {hostile}, "slot_0": {"2024-07-01"}, "slot_1": {""},
		"known": {"false"}, "bio": {"</textarea><b>x</b>"}, "data": {"{"},
	}, nil)
	f.ErrorClass, f.RequiredClass = "error", "required"
	f.ErrorClass, f.RequiredClass = "error", "required"
	f.Clean = func(context.Context, *Form[everything]) error {
		return &Error{Code: "check", Message: "Check the <form> & try again."}
	}
	if ok, err := f.IsValid(context.Background()); ok || err != nil {
		t.Fatalf("IsValid = %v, %v", ok, err)
	}
	h, err := f.HTML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "bound_errors", h)
	if strings.Contains(string(h), "<script>") || strings.Contains(string(h), "</textarea><b>") {
		t.Error("a value was not escaped")
	}
	if strings.Contains(string(h), "typed") {
		t.Error("a password is never sent back")
	}
}

func TestRender_FieldByField(t *testing.T) {
	f := New[Values](
		Field{Name: "q", Label: "Search", HelpText: "Words & phrases.", Optional: true, Attrs: Attrs{{"class", "wide"}},
			Widget: Input{Attrs: Attrs{{"class", "widget-own"}, {"autocomplete", "off"}}}},
		Field{Name: "page", Type: Integer{Min: new(int64(1))}, Widget: Input{Type: "hidden"}, Initial: 1},
	)
	f.AutoID = "f_%s"
	f.LabelSuffix = "-"
	b := f.Field("q")
	var out []string
	for _, fn := range []func() (template.HTML, error){b.LabelTag, b.Widget, func() (template.HTML, error) { return b.WidgetWith("class", "narrow", "autofocus", "") }, f.Field("page").Widget, f.AsDiv} {
		h, err := fn()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(h))
	}
	golden(t, "field_by_field", template.HTML(strings.Join(out, "\n----\n")))
	if _, err := b.WidgetWith("odd"); err == nil {
		t.Error("WidgetWith with an odd count must fail")
	}
}

func TestRender_NoIDs(t *testing.T) {
	f := New[Values](Field{Name: "q", HelpText: "Help."}, Field{Name: "c", Type: Choice{Options: []Option{{Value: "a", Label: "A"}}}, Widget: RadioSelect{}})
	f.AutoID = "-"
	h, err := f.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\b(id|for|aria-describedby)=`).MatchString(string(h)) {
		t.Errorf("AutoID \"-\" renders no ids:\n%s", h)
	}
}

func TestRender_ProjectOverridesTemplates(t *testing.T) {
	project := fstest.MapFS{
		"forms/widgets/input.html": {Data: []byte(`{{with .widget}}<input class="project" name="{{.Name}}"{{.Attrs.HTML}}>{{end}}`)},
	}
	f := New[Values](Field{Name: "q"}, Field{Name: "body", Widget: Textarea{}})
	f.Renderer = templates.New(templates.Options{Dirs: []iofs.FS{project, Templates()}})
	f.Template = "forms/div.html"
	h, err := f.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(h), `<input class="project" name="q" required id="id_q">`) || !strings.Contains(string(h), "<textarea") {
		t.Errorf("the project's input.html must replace the forms' one, the rest stays:\n%s", h)
	}
	f.Template = "missing.html"
	if _, err := f.HTML(); err == nil {
		t.Error("a missing template is an error")
	}
}

func TestIsMultipart(t *testing.T) {
	if New[Values](Field{Name: "a"}).IsMultipart() {
		t.Error("no file field: not multipart")
	}
	if !New[Values](Field{Name: "a", Type: File{}}).IsMultipart() {
		t.Error("a file field needs multipart")
	}
}

func TestRender_InAPage(t *testing.T) {
	page := fstest.MapFS{"page.html": {Data: []byte(`<form method="post">{{.form.HTML}}{{with .form.Field "q"}}<p>{{.LabelTag}} {{.Widget}} {{range .Errors}}{{.}}{{end}}</p>{{end}}</form>`)}}
	e := templates.New(templates.Options{Dirs: []iofs.FS{page, Templates()}})
	f := New[Values](Field{Name: "q", Type: Char{MaxLength: 3}})
	f.Renderer = e
	f.BindValues(url.Values{"q": {"<b>x"}}, nil)
	f.IsValid(context.Background())
	var buf strings.Builder
	if err := e.Render(&buf, nil, "page.html", templates.Data{"form": f}); err != nil {
		t.Fatal(err)
	}
	golden(t, "in_a_page", template.HTML(buf.String()))
	if strings.Contains(buf.String(), "&lt;input") || strings.Contains(buf.String(), `value="<b>"`) {
		t.Errorf("the form's HTML is inserted once, its values escaped once:\n%s", buf.String())
	}
}
