package modelform_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

func management(total, initial int, kv ...string) url.Values {
	v := url.Values{"form-TOTAL_FORMS": {strconv.Itoa(total)}, "form-INITIAL_FORMS": {strconv.Itoa(initial)}}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func authorNames(t *testing.T, db *database.DB) []string {
	t.Helper()
	all, err := orm.Query[Author](db).OrderBy("name").All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range all {
		out = append(out, a.Name)
	}
	return out
}

func TestFormSet(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		nuagestest.CreateTables(t, db, Author{}, Tag{}, Book{})

		t.Run("create", func(t *testing.T) {
			fs, err := modelform.NewFormSet[Author](ctx, db, nil, modelform.FormSetOptions{Extra: 3})
			if err != nil {
				t.Fatal(err)
			}
			fs.BindValues(management(3, 0, "form-0-name", "Ann", "form-1-name", "Bob"), nil)
			if ok, err := fs.IsValid(ctx); !ok || err != nil {
				t.Fatalf("IsValid = %v, %v: %v", ok, err, fs.NonFormErrors())
			}
			saved, err := fs.Save(ctx)
			if err != nil || len(saved) != 2 || saved[0].ID == 0 {
				t.Fatalf("Save = %v, %v", saved, err)
			}
			if got := authorNames(t, db); !slices.Equal(got, []string{"Ann", "Bob"}) {
				t.Errorf("authors %v", got)
			}
		})

		t.Run("uniqueness", func(t *testing.T) {
			fs, _ := modelform.NewFormSet[Author](ctx, db, nil, modelform.FormSetOptions{Extra: 1})
			fs.BindValues(management(1, 0, "form-0-name", "Ann"), nil)
			ok, err := fs.IsValid(ctx)
			if ok || err != nil || !fs.Forms()[0].Errors().Has("name", "unique") {
				t.Fatalf("IsValid = %v, %v: %v", ok, err, fs.Forms()[0].Errors())
			}
			if _, err := fs.Save(ctx); err != modelform.ErrNotValid {
				t.Errorf("Save of an invalid formset: %v", err)
			}
		})

		t.Run("edit_and_delete", func(t *testing.T) {
			rows, err := orm.Query[Author](db).OrderBy("name").All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ptrs := []*Author{&rows[0], &rows[1]}
			fs, err := modelform.NewFormSet(ctx, db, ptrs, modelform.FormSetOptions{CanDelete: true, Extra: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got := fs.Forms()[0].Field("name").Values(); !slices.Equal(got, []string{"Ann"}) {
				t.Errorf("form 0 shows %v", got)
			}
			fs.BindValues(management(3, 2, "form-0-name", "Anna", "form-0-email", "anna@example.com", "form-1-name", "Bob", "form-1-DELETE", "on"), nil)
			if ok, err := fs.IsValid(ctx); !ok || err != nil {
				t.Fatalf("IsValid = %v, %v", ok, err)
			}
			if _, err := fs.Save(ctx); err != nil {
				t.Fatal(err)
			}
			if got := authorNames(t, db); !slices.Equal(got, []string{"Anna"}) {
				t.Errorf("authors %v", got)
			}
		})

		t.Run("inline", func(t *testing.T) {
			anna, err := orm.Query[Author](db).Filter("name", "Anna").Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			opts := modelform.FormSetOptions{Extra: 2, ParentField: "author", ParentID: anna.ID,
				Options: modelform.Options{Fields: []string{"title", "author", "pages", "status", "price"}}}
			fs, err := modelform.NewFormSet[Book](ctx, db, nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			if fs.Forms()[0].Field("author") != nil {
				t.Error("the parent's key is not a field of an inline form")
			}
			fs.BindValues(management(2, 0, "form-0-title", "First", "form-0-pages", "10", "form-0-status", "d", "form-0-price", "1.50"), nil)
			if ok, err := fs.IsValid(ctx); !ok || err != nil {
				t.Fatalf("IsValid = %v, %v: %v / %v / %v", ok, err, fs.Forms()[0].Errors(), fs.Forms()[1].Errors(), fs.NonFormErrors())
			}
			if _, err := fs.Save(ctx); err != nil {
				t.Fatal(err)
			}
			books, err := orm.Query[Book](db).Filter("author", anna.ID).All(ctx)
			if err != nil || len(books) != 1 || books[0].Title != "First" {
				t.Fatalf("books of Anna %v, %v", books, err)
			}
			if _, err := modelform.NewFormSet[Book](ctx, db, nil, modelform.FormSetOptions{ParentField: "title"}); err == nil {
				t.Error("a ParentField that is not a ForeignKey is an error")
			}
		})
	})
}
