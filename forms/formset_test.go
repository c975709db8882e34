package forms

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type item struct {
	Name string `form:"max_length=20"`
	Qty  int    `form:"min=1"`
}

func mgmt(total, initial int) url.Values {
	return url.Values{"form-TOTAL_FORMS": {strconv.Itoa(total)}, "form-INITIAL_FORMS": {strconv.Itoa(initial)}}
}

func withData(v url.Values, kv ...string) url.Values {
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func TestFormSet(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		fs      func() *FormSet[item]
		data    url.Values
		valid   bool
		values  []item
		deleted []int
		code    string // a non-form error code expected
		formErr string // "index:field" with an error
	}{
		{"create_two_skip_empty_extra", func() *FormSet[item] { return &FormSet[item]{Extra: 3} },
			withData(mgmt(3, 0), "form-0-name", "a", "form-0-qty", "1", "form-1-name", "b", "form-1-qty", "2"),
			true, []item{{"a", 1}, {"b", 2}}, nil, "", ""},
		{"invalid_form", func() *FormSet[item] { return &FormSet[item]{Extra: 2} },
			withData(mgmt(2, 0), "form-0-name", "a", "form-0-qty", "0"),
			false, nil, nil, "", "0:qty"},
		{"missing_management_form", func() *FormSet[item] { return &FormSet[item]{Extra: 1} },
			url.Values{"form-0-name": {"a"}}, false, nil, nil, "missing_management_form", ""},
		{"tampered_total", func() *FormSet[item] { return &FormSet[item]{} },
			withData(url.Values{"form-TOTAL_FORMS": {"lots"}, "form-INITIAL_FORMS": {"0"}}), false, nil, nil, "missing_management_form", ""},
		{"hostile_total_capped", func() *FormSet[item] { return &FormSet[item]{Max: 2, ValidateMax: true} },
			withData(mgmt(1000000000, 0), "form-0-name", "a", "form-0-qty", "1"), false, nil, nil, "too_many_forms", ""},
		{"too_many", func() *FormSet[item] { return &FormSet[item]{Max: 1, ValidateMax: true} },
			withData(mgmt(2, 0), "form-0-name", "a", "form-0-qty", "1", "form-1-name", "b", "form-1-qty", "1"), false, nil, nil, "too_many_forms", ""},
		{"too_few", func() *FormSet[item] { return &FormSet[item]{Min: 2, ValidateMin: true} },
			withData(mgmt(2, 0), "form-0-name", "a", "form-0-qty", "1"), false, nil, nil, "too_few_forms", ""},
		{"edit_delete_order", func() *FormSet[item] {
			return &FormSet[item]{Initial: []item{{"a", 1}, {"b", 2}, {"c", 3}}, CanDelete: true, CanOrder: true}
		},
			withData(mgmt(3, 3),
				"form-0-name", "a", "form-0-qty", "1", "form-0-ORDER", "3",
				"form-1-name", "b", "form-1-qty", "0", "form-1-DELETE", "on", // invalid but deleted
				"form-2-name", "c", "form-2-qty", "5", "form-2-ORDER", "1"),
			true, []item{{"c", 5}, {"a", 1}}, []int{1}, "", ""},
		{"initial_forms_cannot_exceed_initial", func() *FormSet[item] { return &FormSet[item]{} },
			withData(mgmt(1, 5), "form-0-name", "a", "form-0-qty", "1"), true, []item{{"a", 1}}, nil, "", ""},
		{"clean_hook", func() *FormSet[item] {
			return &FormSet[item]{Extra: 2, Clean: func(_ context.Context, fs *FormSet[item]) error {
				seen := map[string]bool{}
				for _, v := range fs.Values() {
					if seen[v.Name] {
						return &Error{Code: "duplicate", Message: "Names must differ."}
					}
					seen[v.Name] = true
				}
				return nil
			}}
		},
			withData(mgmt(2, 0), "form-0-name", "a", "form-0-qty", "1", "form-1-name", "a", "form-1-qty", "2"), false, nil, nil, "duplicate", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := tt.fs()
			fs.BindValues(tt.data, nil)
			ok, err := fs.IsValid(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.valid {
				t.Fatalf("valid = %v, non-form errors %v", ok, fs.NonFormErrors())
			}
			if tt.code != "" && !slices.ContainsFunc(fs.NonFormErrors(), func(e *Error) bool { return e.Code == tt.code }) {
				t.Errorf("non-form errors %v, want %s", fs.NonFormErrors(), tt.code)
			}
			if tt.formErr != "" {
				i, field, _ := strings.Cut(tt.formErr, ":")
				if f := fs.Forms()[int(i[0]-'0')]; !f.Errors().Has(field, "") {
					t.Errorf("form %s errors %v", i, f.Errors())
				}
			}
			if tt.valid && !slices.Equal(fs.Values(), tt.values) {
				t.Errorf("Values = %v, want %v", fs.Values(), tt.values)
			}
			if !slices.Equal(fs.Deleted(), tt.deleted) {
				t.Errorf("Deleted = %v, want %v", fs.Deleted(), tt.deleted)
			}
			if len(fs.Forms()) > fs.absoluteMax() {
				t.Errorf("%d forms built", len(fs.Forms()))
			}
		})
	}
}

func TestFormSet_Render(t *testing.T) {
	fs := &FormSet[item]{Initial: []item{{"a", 1}}, Extra: 1, CanDelete: true}
	h, err := fs.HTML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "formset", h)
	if len(fs.Forms()) != 2 {
		t.Errorf("%d forms, want the initial one and one extra", len(fs.Forms()))
	}
	// Rendering a bound formset shows what was sent and the errors.
	bound := &FormSet[item]{Extra: 1}
	bound.BindValues(url.Values{"form-0-name": {"x"}}, nil)
	bound.IsValid(context.Background())
	h, err = bound.HTML()
	if err != nil || !strings.Contains(string(h), "ManagementForm data is missing") {
		t.Errorf("bound render: %v\n%s", err, h)
	}
}

func TestFormSet_New(t *testing.T) {
	var built []int
	fs := &FormSet[item]{Extra: 2, New: func(i int) *Form[item] {
		built = append(built, i)
		f := New[item](Field{Name: "qty", Type: Integer{}, Optional: true})
		f.LabelSuffix = "-"
		return f
	}}
	fs.BindValues(withData(mgmt(2, 0), "form-1-name", "b"), nil)
	if ok, err := fs.IsValid(context.Background()); !ok || err != nil {
		t.Fatalf("IsValid = %v, %v: %v", ok, err, fs.Forms()[1].Errors())
	}
	if !slices.Equal(built, []int{0, 1}) || !slices.Equal(fs.Values(), []item{{Name: "b"}}) {
		t.Errorf("built %v, values %v", built, fs.Values())
	}
	h, err := fs.HTML()
	if err != nil || strings.Contains(string(h), "Name:") {
		t.Errorf("each form as New built it: %v\n%s", err, h)
	}
}
