package forms_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/nuages-go/nuages/forms"
)

// Contact is a form declared from a struct: the Go types choose the
// fields, the tags their options.
type Contact struct {
	Name    string `form:"max_length=50"`
	Email   string `form:"type=email"`
	Topic   string `form:"choices=bug:A bug|idea:An idea"`
	Message string `form:"widget=textarea,min_length=10"`
	CopyMe  bool   `label:"Send me a copy"`
}

func ExampleNew() {
	f := forms.New[Contact]()
	f.BindValues(url.Values{
		"name": {"Ann"}, "email": {"ann@example"}, "topic": {"idea"}, "message": {"Dark mode, please."},
	}, nil)
	ok, err := f.IsValid(context.Background())
	fmt.Println(ok, err)
	for _, e := range f.Errors()["email"] {
		fmt.Printf("%s: %s\n", e.Code, e)
	}

	f.BindValues(url.Values{
		"name": {"Ann"}, "email": {"ann@example.com"}, "topic": {"idea"}, "message": {"Dark mode, please."}, "copy_me": {"on"},
	}, nil)
	ok, err = f.IsValid(context.Background())
	fmt.Println(ok, err)
	fmt.Printf("%+v\n", f.Value)
	// Output:
	// false <nil>
	// invalid_email: Enter a valid email address.
	// true <nil>
	// {Name:Ann Email:ann@example.com Topic:idea Message:Dark mode, please. CopyMe:true}
}

func ExampleNew_fields() {
	// A search form built from Fields alone: its values come in a map.
	f := forms.New[forms.Values](
		forms.Field{Name: "q", Type: forms.Char{MaxLength: 100}, Optional: true},
		forms.Field{Name: "page", Type: forms.Integer{Min: new(int64(1))}, Optional: true},
	)
	r := httptest.NewRequest("GET", "/search?q=gophers&page=0", nil)
	if err := f.Bind(r); err != nil {
		panic(err)
	}
	ok, _ := f.IsValid(r.Context())
	fmt.Println(ok, f.Value["q"], f.Errors())
	// Output: false gophers page: Ensure this value is greater than or equal to 1.
}

// Booking checks one field with CleanField and the whole with Clean,
// Django's clean_<field> and clean.
type Booking struct {
	Guests int    `form:"min=1"`
	Nights int    `form:"min=1"`
	Promo  string `form:"optional"`
}

func (b *Booking) CleanField(_ context.Context, name string) error {
	if name == "promo" && b.Promo != "" {
		b.Promo = strings.ToUpper(b.Promo)
		if b.Promo != "SUMMER" {
			return &forms.Error{Code: "unknown_promo", Message: "{code} is not a promotion.", Params: map[string]any{"code": b.Promo}}
		}
	}
	return nil
}

func (b *Booking) Clean(context.Context) error {
	if b.Guests*b.Nights > 20 {
		return &forms.Error{Code: "too_big", Message: "Call us for more than 20 guest nights."}
	}
	return nil
}

func ExampleFieldCleaner() {
	f := forms.New[Booking]()
	f.BindValues(url.Values{"guests": {"5"}, "nights": {"7"}, "promo": {"winter"}}, nil)
	f.IsValid(context.Background())
	fmt.Println(f.Errors())
	// Output: __all__: Call us for more than 20 guest nights.; promo: WINTER is not a promotion.
}

func ExampleForm_HTML() {
	f := forms.New[forms.Values](
		forms.Field{Name: "email", Type: forms.Email{}, HelpText: "We never share it."},
		forms.Field{Name: "password", Widget: forms.PasswordInput{}},
	)
	f.BindValues(url.Values{"email": {"<nope>"}, "password": {"hunter2"}}, nil)
	f.IsValid(context.Background())
	h, err := f.HTML() // in a template: {{.form.HTML}}
	fmt.Println(h, err)
	// Output:
	// <div><label for="id_email">Email:</label>
	// <div class="helptext" id="id_email_helptext">We never share it.</div>
	// <ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>
	// <input type="email" name="email" value="&lt;nope&gt;" maxlength="320" required aria-invalid="true" aria-describedby="id_email_error id_email_helptext" id="id_email"></div>
	// <div><label for="id_password">Password:</label>
	// <input type="password" name="password" required id="id_password"></div> <nil>
}

func ExampleChoice_coerce() {
	// Choices known only at run time (rows of a table), and the chosen
	// value turned into what the view needs: Django's TypedChoiceField,
	// and the shape of a model choice field.
	authors := map[string]string{"1": "Ann", "2": "Bob"}
	chooser := forms.ChooserFunc(func(context.Context) ([]forms.Option, error) {
		return []forms.Option{{Value: "1", Label: "Ann"}, {Value: "2", Label: "Bob"}}, nil
	})
	f := forms.New[forms.Values](forms.Field{Name: "author", Type: forms.Choice{
		Chooser: chooser,
		Coerce:  func(_ context.Context, pk string) (any, error) { return authors[pk], nil },
	}})
	f.BindValues(url.Values{"author": {"2"}}, nil)
	ok, _ := f.IsValid(context.Background())
	fmt.Println(ok, f.Value["author"])
	// Output: true Bob
}

func ExampleForm_BindJSON() {
	f := forms.New[Contact]()
	err := f.BindJSON([]byte(`{"name": "Ann", "email": "ann@example.com", "topic": "bug", "message": "It crashes on start.", "copy_me": true}`))
	ok, _ := f.IsValid(context.Background())
	fmt.Println(err, ok, f.Value.CopyMe)
	// Output: <nil> true true
}
