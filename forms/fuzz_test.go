package forms

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// FuzzBind binds arbitrary form data and JSON to a form of every field
// type: validation never panics, a valid form's values convert back, and
// what is rendered keeps every value escaped.
func FuzzBind(f *testing.F) {
	for _, seed := range []string{
		"name=Ann&color=b&size=s&agree=on&password=x",
		"age=99999999999999999999&price=1e999&wait=P99999999D&slot_0=2024-02-30&slot_1=25:61",
		"name=%00&email=a%40b&bio=%ff%fe&meeting=2024-03-31+02:30&toppings=ham&toppings=ham",
		`data={"a":[[[[1]]]]}&known=2&born=Oct+25,+2006&alarm=14:30:59.5`,
		`{"name": "<script>", "toppings": ["egg", 1, true], "age": 1.5, "data": {"x": null}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		form := everythingForm()
		if strings.HasPrefix(s, "{") {
			if err := form.BindJSON([]byte(s)); err != nil {
				return
			}
		} else {
			data, err := url.ParseQuery(s)
			if err != nil {
				return
			}
			form.BindValues(data, nil)
		}
		ok, err := form.IsValid(context.Background())
		if err != nil {
			t.Fatalf("IsValid failed on input %q: %v", s, err)
		}
		if ok != (len(form.Errors()) == 0) {
			t.Fatalf("valid=%v with errors %v", ok, form.Errors())
		}
		h, err := form.HTML()
		if err != nil {
			t.Fatalf("rendering failed: %v", err)
		}
		if strings.Contains(string(h), "<script") {
			t.Fatalf("unescaped input in:\n%s", h)
		}
		form.ChangedFields()
	})
}

// FuzzFormSet binds arbitrary data to a formset: never a panic, never more
// forms than AbsoluteMax, whatever the management form says.
func FuzzFormSet(f *testing.F) {
	for _, seed := range []string{
		"form-TOTAL_FORMS=2&form-INITIAL_FORMS=0&form-0-name=a&form-0-qty=1",
		"form-TOTAL_FORMS=99999999999999999999&form-INITIAL_FORMS=-5",
		"form-TOTAL_FORMS=3&form-INITIAL_FORMS=3&form-1-DELETE=on&form-2-ORDER=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		fs := &FormSet[item]{Initial: []item{{"a", 1}}, Max: 5, CanDelete: true, CanOrder: true, ValidateMax: true}
		fs.BindValues(data, nil)
		if _, err := fs.IsValid(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(fs.Forms()); n > fs.absoluteMax() {
			t.Fatalf("%d forms", n)
		}
		fs.Values()
		if _, err := fs.HTML(); err != nil {
			t.Fatal(err)
		}
	})
}
