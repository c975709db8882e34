package modelform_test

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Author struct {
	orm.Model
	Name  string `orm:"max_length=50,unique"`
	Email string `orm:"email,blank"`
}

func (a Author) String() string { return a.Name }

type Tag struct {
	orm.Model
	Name string `orm:"max_length=20"`
}

type Book struct {
	orm.Model
	Title     string                 `orm:"max_length=100,verbose_name=book title,help_text=As on the cover."`
	Author    orm.ForeignKey[Author] `orm:"on_delete=cascade"`
	Pages     int16
	Published bool
	Status    string `orm:"max_length=1,choices=d|p"`
	Price     string `orm:"max_digits=6,decimal_places=2,blank"`
	Summary   string `orm:"blank"`
	Tags      orm.ManyToMany[Tag]
	Created   time.Time `orm:"auto_now_add"`
	Secret    string    `orm:"max_length=10,editable=false"`
}

func meta[T any](t *testing.T) *orm.Meta {
	t.Helper()
	m, err := orm.MetaOf[T]()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNew_FieldsFromModel(t *testing.T) {
	f, err := modelform.New[Book](context.Background(), nil, nil, modelform.Options{Exclude: []string{"tags"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range f.Fields() {
		names = append(names, b.Name())
	}
	if want := []string{"title", "author", "pages", "published", "status", "price", "summary"}; !slices.Equal(names, want) {
		t.Fatalf("fields %v, want %v (no id, auto_now_add, editable=false)", names, want)
	}
	tests := []struct {
		name     string
		typ      any
		optional bool
	}{
		{"title", forms.Char{MaxLength: 100}, false},
		{"pages", forms.Integer{Min: new(int64(-32768)), Max: new(int64(32767))}, false},
		{"published", forms.Boolean{}, true},
		{"status", forms.Choice{Options: []forms.Option{{Value: "d", Label: "d"}, {Value: "p", Label: "p"}}}, false},
		{"price", forms.Decimal{MaxDigits: 6, DecimalPlaces: 2}, true},
	}
	for _, tt := range tests {
		fd := f.Field(tt.name).Field()
		if !reflect.DeepEqual(fd.Type, tt.typ) || fd.Optional != tt.optional {
			t.Errorf("%s: %#v optional=%v, want %#v optional=%v", tt.name, fd.Type, fd.Optional, tt.typ, tt.optional)
		}
	}
	if b := f.Field("title"); b.Label() != "Book title" || b.HelpText() != "As on the cover." {
		t.Errorf("title label %q help %q", b.Label(), b.HelpText())
	}
	for _, bad := range []modelform.Options{{Fields: []string{"nope"}}, {Fields: []string{"secret"}}, {Exclude: []string{"created"}}} {
		if _, err := modelform.New[Book](context.Background(), nil, nil, bad); err == nil || !strings.Contains(err.Error(), "editable: title, author") {
			t.Errorf("New(%+v) error %v, want one naming the editable fields", bad, err)
		}
	}
}

func TestModelForm(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		nuagestest.CreateTables(t, db, Author{}, Tag{}, Book{})
		ann, bob := &Author{Name: "Ann"}, &Author{Name: "Bob"}
		for _, a := range []*Author{ann, bob} {
			if err := orm.Insert(ctx, db, a); err != nil {
				t.Fatal(err)
			}
		}
		goTag, webTag := &Tag{Name: "go"}, &Tag{Name: "web"}
		for _, tg := range []*Tag{goTag, webTag} {
			if err := orm.Insert(ctx, db, tg); err != nil {
				t.Fatal(err)
			}
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		bookData := func(edit func(url.Values)) url.Values {
			v := url.Values{"title": {"Go in Action"}, "author": {id(ann.ID)}, "pages": {"300"}, "status": {"p"},
				"price": {"29.90"}, "tags": {id(goTag.ID), id(webTag.ID)}}
			if edit != nil {
				edit(v)
			}
			return v
		}

		t.Run("create", func(t *testing.T) {
			f, err := modelform.New[Book](ctx, db, nil, modelform.Options{})
			if err != nil {
				t.Fatal(err)
			}
			h, err := f.Field("author").Widget()
			if err != nil || !strings.Contains(string(h), `<option value="`+id(bob.ID)+`">Bob</option>`) {
				t.Fatalf("author select %s, %v", h, err)
			}
			f.BindValues(bookData(nil), nil)
			ok, err := f.IsValid(ctx)
			if err != nil || !ok {
				t.Fatalf("IsValid = %v, %v: %v", ok, err, f.Errors())
			}
			book, err := f.Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := orm.Query[Book](db).Filter("pk", book.ID).Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != "Go in Action" || got.Author.ID != ann.ID || got.Pages != 300 || got.Price != "29.90" || got.Created.IsZero() {
				t.Errorf("saved %+v", got)
			}
			keys, _, err := meta[Book](t).ManyToMany[0].LinkedKeys(ctx, db, book)
			if err != nil || !slices.Equal(keys, []int64{goTag.ID, webTag.ID}) {
				t.Errorf("tags %v, %v", keys, err)
			}
		})

		t.Run("update_keeps_what_the_form_does_not_show", func(t *testing.T) {
			book, err := orm.Query[Book](db).Filter("title", "Go in Action").Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			book.Secret = "kept"
			if err := orm.Save(ctx, db, &book); err != nil {
				t.Fatal(err)
			}
			f, err := modelform.New(ctx, db, &book, modelform.Options{Fields: []string{"title", "tags"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Field("tags").Values(); !slices.Equal(got, []string{id(goTag.ID), id(webTag.ID)}) {
				t.Errorf("initial tags %v", got)
			}
			if got := f.Field("title").Values(); !slices.Equal(got, []string{"Go in Action"}) {
				t.Errorf("initial title %v", got)
			}
			f.BindValues(url.Values{"title": {"Go in Action, 2nd ed."}, "tags": {id(webTag.ID)}}, nil)
			if ok, err := f.IsValid(ctx); !ok || err != nil {
				t.Fatalf("IsValid = %v, %v: %v", ok, err, f.Errors())
			}
			if _, err := f.Save(ctx); err != nil {
				t.Fatal(err)
			}
			got, _ := orm.Query[Book](db).Filter("pk", book.ID).Get(ctx)
			if got.Title != "Go in Action, 2nd ed." || got.Secret != "kept" || got.Pages != 300 || got.Author.ID != ann.ID {
				t.Errorf("after update %+v", got)
			}
			keys, _, _ := meta[Book](t).ManyToMany[0].LinkedKeys(ctx, db, &got)
			if !slices.Equal(keys, []int64{webTag.ID}) {
				t.Errorf("tags %v", keys)
			}
		})

		t.Run("errors", func(t *testing.T) {
			tests := []struct {
				name, field, code string
				edit              func(url.Values)
			}{
				{"unknown_author", "author", "invalid_choice", func(v url.Values) { v.Set("author", "999999") }},
				{"author_not_a_number", "author", "invalid_choice", func(v url.Values) { v.Set("author", "x") }},
				{"pages_overflow_smallint", "pages", "max_value", func(v url.Values) { v.Set("pages", "40000") }},
				{"price_places", "price", "max_decimal_places", func(v url.Values) { v.Set("price", "1.999") }},
				{"status_choice", "status", "invalid_choice", func(v url.Values) { v.Set("status", "x") }},
				{"unknown_tag", "tags", "invalid_choice", func(v url.Values) { v.Add("tags", "999999") }},
				{"title_required", "title", "required", func(v url.Values) { v.Del("title") }},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					f, err := modelform.New[Book](ctx, db, nil, modelform.Options{})
					if err != nil {
						t.Fatal(err)
					}
					f.BindValues(bookData(tt.edit), nil)
					ok, err := f.IsValid(ctx)
					if err != nil || ok || !f.Errors().Has(tt.field, tt.code) {
						t.Fatalf("IsValid = %v, %v; errors %v, want %s on %s", ok, err, f.Errors(), tt.code, tt.field)
					}
					if _, err := f.Save(ctx); !errors.Is(err, modelform.ErrNotValid) {
						t.Errorf("Save of an invalid form: %v", err)
					}
				})
			}
		})

		t.Run("uniqueness", func(t *testing.T) {
			f, err := modelform.New[Author](ctx, db, nil, modelform.Options{})
			if err != nil {
				t.Fatal(err)
			}
			f.BindValues(url.Values{"name": {"Ann"}}, nil)
			ok, err := f.IsValid(ctx)
			if err != nil || ok || !f.Errors().Has("name", "unique") {
				t.Fatalf("IsValid = %v, %v; errors %v", ok, err, f.Errors())
			}
			if msg := f.Errors()["name"][0].Error(); msg != "Author with this Name already exists." {
				t.Errorf("message %q", msg)
			}
			// Editing Ann and keeping her name is not a duplicate of herself.
			edit, err := modelform.New(ctx, db, ann, modelform.Options{})
			if err != nil {
				t.Fatal(err)
			}
			edit.BindValues(url.Values{"name": {"Ann"}, "email": {"ann@example.com"}}, nil)
			if ok, err := edit.IsValid(ctx); !ok || err != nil {
				t.Fatalf("IsValid = %v, %v: %v", ok, err, edit.Errors())
			}
			if _, err := edit.Save(ctx); err != nil {
				t.Fatal(err)
			}
			// Renaming Bob to Ann is.
			rename, _ := modelform.New(ctx, db, bob, modelform.Options{})
			rename.BindValues(url.Values{"name": {"Ann"}}, nil)
			if ok, _ := rename.IsValid(ctx); ok || !rename.Errors().Has("name", "unique") {
				t.Fatalf("errors %v", rename.Errors())
			}
		})
	})
}

func TestExtraFieldThatDoesNotFit(t *testing.T) {
	f, err := modelform.New[Book](context.Background(), nil, nil, modelform.Options{
		Fields: []string{"pages"},
		Extra:  []forms.Field{{Name: "pages", Type: forms.Char{}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.BindValues(url.Values{"pages": {"many"}}, nil)
	if ok, err := f.IsValid(context.Background()); ok || err == nil || !strings.Contains(err.Error(), "Book.Pages") {
		t.Fatalf("IsValid = %v, %v; want a failure naming Book.Pages", ok, err)
	}
}
