// Package forms declares HTML forms, binds them to what a request sent,
// validates it with Django's pipeline and renders the form back with its
// errors: Django's forms, on Go structs.
//
//	type Signup struct {
//		Username string `form:"max_length=150" help:"Letters, digits and @/./+/-/_ only."`
//		Email    string `form:"type=email"`
//		Age      *int   `form:"min=13"` // a pointer: optional
//		Plan     string `form:"choices=free:Free|pro:Pro,widget=radio"`
//		Terms    bool   `form:"required" label:"I accept the terms"`
//	}
//
//	func signup(w http.ResponseWriter, r *http.Request) error {
//		f := forms.New[Signup]()
//		if r.Method == http.MethodPost {
//			if err := f.Bind(r); err != nil {
//				return err // a malformed body: 400
//			}
//			ok, err := f.IsValid(r.Context())
//			if err != nil {
//				return err
//			}
//			if ok {
//				createUser(f.Value) // the cleaned Signup
//				return web.Redirect(w, r, "accounts:welcome")
//			}
//		}
//		return engine.Render(w, r, "signup.html", templates.Data{"form": f})
//	}
//
// and in signup.html, {{.form.HTML}} renders every field with its label,
// help text, errors and widget; {{(.form.Field "email").Widget}} one widget.
//
// # Declaring
//
// A struct's exported fields are the form's fields, in order, named in
// snake_case (PubDate is "pub_date"); embedded structs add theirs;
// `form:"-"` leaves one out. The Go type chooses the field type: string
// is Char, integers are Integer (bounded by the Go type), floats Float,
// bool Boolean, *bool NullBoolean, time.Time DateTime, time.Duration
// Duration, *multipart.FileHeader File, json.RawMessage JSON, [16]byte
// UUID, a string or []string with choices= Choice or MultipleChoice. A
// pointer is optional; every other field is required (a bool excepted),
// as Django's are. The form tag takes comma-separated options:
//
//	name=title           the field's name
//	type=email           the field type: char email url slug uuid json integer float decimal boolean
//	                     nullboolean date time datetime splitdatetime duration choice multiplechoice file image
//	widget=textarea      text email url number password hidden textarea select selectmultiple radio checkbox
//	                     checkboxes nullboolean date time datetime file clearablefile splitdatetime
//	optional, required, required=false, disabled
//	min_length=2, max_length=200, no_strip, unicode (slug)
//	min=0, max=10, step=2, max_digits=8, decimal_places=2
//	choices=draft:Draft|published:Published
//	max_size=1048576, extensions=pdf|txt, types=application/pdf|image/, allow_empty, max_width=800, max_height=600
//	placeholder=...
//
// A flag is written alone or =true or =false; a value holding a comma is
// written in single quotes, two for one inside (placeholder='Smith, Ada');
// an option given twice is refused, as in the orm tag.
//
// label:"..." and help:"..." tags give the label and the help text,
// pattern:"^[A-Z]{2}$" makes a Char a Regex. A field of another type, a
// malformed option or an unknown one makes New panic with a message that
// names the field: a mistake found by the first test, never at random.
//
// Forms are also built from Fields alone, or a struct's fields completed
// or replaced by name (a Chooser of rows for a choice, a hook):
//
//	f := forms.New[forms.Values](
//		forms.Field{Name: "q", Type: forms.Char{MaxLength: 100}, Optional: true},
//		forms.Field{Name: "page", Type: forms.Integer{Min: new(int64(1))}, Optional: true},
//	)
//
// # Validation
//
// IsValid runs Django's pipeline for each field: its widget reads the
// submission (the last value of a key sent twice, as Django's QueryDict),
// text that is not UTF-8 or holds NUL is refused, the Type converts it,
// an empty value is "required" unless Optional, the Type's validators and
// the Field's run (all of them: every problem is reported), then the
// Field's Clean hook and the struct's CleanField. The cleaned value goes
// into Value. Then the struct's Clean and the form's Clean check the whole,
// and may name fields in the *Error values they return. A view adds
// problems it finds later with AddError. Every *Error has a Code and a
// message with {placeholders}, which Field.Messages rewords per code,
// ready for translation.
//
// # Rendering
//
// Form.HTML renders the form through html/template files: forms/div.html
// (Django 5's div layout), forms/field.html, forms/label.html,
// forms/errors.html and forms/widgets/*.html, in Templates(). A project
// overrides any of them by writing a file of the same name in a directory
// its templates.Engine searches first, and sets the form's Renderer to that
// engine. Labels are tied to inputs with for=; help text and errors with
// aria-describedby; a field with errors has aria-invalid="true"; a
// required one has required; radio and checkbox lists are a <fieldset>
// with a <legend>.
//
// # Security
//
// Everything a user sent is text to convert, never trusted: values are
// converted by type and bounded (numbers of at most 400 characters,
// int64 overflow reported, decimals exact, dates within a time.Duration),
// and every value shown back is escaped by html/template for the place it
// lands. A password input never sends back what was typed. Uploads are
// judged by their content, sniffed with http.DetectContentType, and images
// by image.DecodeConfig, never by the type or name the client claims
// (Extensions checks the name in addition). Attribute names come from
// code, and values are escaped. Labels and help text are escaped too:
// to put markup in them, override the template.
package forms
