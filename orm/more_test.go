package orm_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

func TestOrderingAndLists(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		ctx := t.Context()
		qs := orm.Query[Question](db)
		texts := func(q orm.QuerySet[Question]) string {
			t.Helper()
			got, err := orm.Column[string](ctx, q, "text")
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%q", got)
		}
		cases := []struct {
			name string
			q    orm.QuerySet[Question]
			want string
		}{
			{"nulls_default_asc", qs.OrderBy("note", "votes"), `["50%_off deal" "What's up?" "Élan vital" "What is Go?"]`},
			{"nulls_last_asc", qs.OrderBy(orm.NullsLast("note"), "votes"), `["What is Go?" "50%_off deal" "What's up?" "Élan vital"]`},
			{"nulls_first_desc", qs.OrderBy(orm.NullsFirst("-note"), "votes"), `["50%_off deal" "What's up?" "Élan vital" "What is Go?"]`},
			{"nulls_default_desc", qs.OrderBy("-note", "votes"), `["What is Go?" "50%_off deal" "What's up?" "Élan vital"]`},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				if got := texts(tt.q); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
			})
		}

		t.Run("last", func(t *testing.T) {
			for _, tt := range []struct {
				q    orm.QuerySet[Question]
				want string
			}{
				{qs, "50%_off deal"}, // by pk
				{qs.OrderBy("votes"), "Élan vital"},
				{qs.OrderBy("-votes"), "What is Go?"},
				{qs.OrderBy(orm.NullsLast("note"), "votes"), "Élan vital"},
			} {
				got, ok, err := tt.q.Last(ctx)
				if err != nil || !ok || got.Text != tt.want {
					t.Errorf("Last = %q, %v, %v; want %q", got.Text, ok, err, tt.want)
				}
			}
			if _, ok, err := qs.Filter("votes", 99).Last(ctx); ok || err != nil {
				t.Errorf("Last of nothing = %v, %v", ok, err)
			}
		})

		t.Run("list", func(t *testing.T) {
			rows, err := qs.Filter("votes__gte", 5).OrderBy("votes").Values("text", "votes").List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(rows); got != "[[What's up? 5] [Élan vital 10]]" {
				t.Errorf("List = %s", got)
			}
			if _, err := orm.Column[int](ctx, qs, "text"); err == nil {
				t.Error("Column[int] of a text field did not fail")
			}
		})

		t.Run("refresh", func(t *testing.T) {
			q, _, err := qs.OrderBy("votes").First(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := qs.Filter("pk", q.ID).Update(ctx, orm.Set{"votes": 42}); err != nil {
				t.Fatal(err)
			}
			if err := orm.Refresh(ctx, db, &q); err != nil || q.Votes != 42 {
				t.Errorf("Refresh: votes %d, %v", q.Votes, err)
			}
			if err := orm.Delete(ctx, db, &q); err != nil {
				t.Fatal(err)
			}
			if err := orm.Refresh(ctx, db, &q); !errors.Is(err, orm.ErrDoesNotExist) {
				t.Errorf("Refresh of a deleted row: %v", err)
			}
		})
	})
}

func TestOnlyDefer(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		ctx := t.Context()
		qs := orm.Query[Question](db).Filter("votes", 10)
		only, err := qs.Only("text").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if only.ID == 0 || only.Text != "Élan vital" || only.Votes != 0 || !only.PubDate.IsZero() {
			t.Errorf("Only(text) = %+v: want the key and text, the rest zero", only)
		}
		deferred, err := qs.Defer("text", "note").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if deferred.Text != "" || deferred.Votes != 10 || deferred.PubDate.IsZero() {
			t.Errorf("Defer(text, note) = %+v", deferred)
		}
		for _, q := range []orm.QuerySet[Question]{qs.Only("nope"), qs.Defer("id"), qs.Defer("nope")} {
			if _, err := q.All(ctx); err == nil {
				t.Error("a bad Only/Defer field did not fail")
			}
		}
	})
}

func TestSubqueries(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ursula, _ := library(t, db)
		ctx := t.Context()
		if err := orm.Insert(ctx, db, &Author{Name: "Nobody", Country: "FR"}); err != nil {
			t.Fatal(err)
		}
		authors := orm.Query[Author](db).OrderBy("name")
		names := func(q orm.QuerySet[Author]) string {
			t.Helper()
			got, err := orm.Column[string](ctx, q, "name")
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(got)
		}
		longBook := orm.Query[Book](db).Filter("author", orm.OuterRef("pk")).Filter("pages__gt", 300)
		longest := orm.Query[Book](db).Filter("author", orm.OuterRef("author")).OrderBy("-pages").Limit(1).Values("pages")
		cases := []struct {
			name string
			q    orm.QuerySet[Author]
			want string
		}{
			{"exists", authors.Where(orm.Exists(longBook)), "[Ursula]"},
			{"not_exists", authors.Where(orm.Not(orm.Exists(orm.Query[Book](db).Filter("author", orm.OuterRef("pk"))))), "[Nobody]"},
			{"subquery_value", authors.Filter("id__in", orm.Query[Book](db).Filter("pages__gte", orm.Subquery(longest)).Values("author")), "[Terry Ursula]"},
			{"outer_ref_same_table", authors.Where(orm.Exists(orm.Query[Author](db).Filter("country", orm.OuterRef("country")).Exclude("pk", orm.OuterRef("pk")))), "[]"},
			{"outer_ref_across", authors.Where(orm.Exists(orm.Query[Book](db).Filter("author__country", orm.OuterRef("country")).Filter("title__startswith", "Mort"))), "[Terry]"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				if got := names(tt.q); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
			})
		}
		t.Run("subquery_in_update", func(t *testing.T) {
			n, err := orm.Query[Author](db).Filter("pk", ursula.ID).Update(ctx, orm.Set{"country": orm.Subquery(orm.Query[Author](db).Filter("name", "Terry").Values("country"))})
			if err != nil || n != 1 {
				t.Fatalf("Update = %d, %v", n, err)
			}
			if got := names(authors.Filter("country", "GB")); got != "[Terry Ursula]" {
				t.Errorf("GB authors after the update: %s", got)
			}
		})
		if _, err := authors.Filter("pk", orm.OuterRef("pk")).All(ctx); err == nil || !strings.Contains(err.Error(), `OuterRef("pk") outside a subquery`) {
			t.Errorf("OuterRef at the top: %v", err)
		}
	})
}

func TestDistinctOn(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		library(t, db)
		ctx := t.Context()
		// The longest book of each author.
		q := orm.Query[Book](db).DistinctOn("author").OrderBy("author", "-pages")
		books, err := q.All(ctx)
		if !db.Dialect().Features().DistinctOn {
			if err == nil || !strings.Contains(err.Error(), "DistinctOn is PostgreSQL's DISTINCT ON, which "+db.Dialect().Name()+" lacks") {
				t.Errorf("err = %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(books); got != `["Mort" "The Dispossessed"]` {
			t.Errorf("got %s", got)
		}
		if n, err := q.Count(ctx); err != nil || n != 2 {
			t.Errorf("Count = %d, %v", n, err)
		}
	})
}

func TestSelectRelatedNullable(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		library(t, db)
		ctx := t.Context()
		dispossessed, err := orm.Query[Book](db).Filter("title", "The Dispossessed").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		earthsea, err := orm.Query[Book](db).Filter("title", "Earthsea").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []Book{dispossessed, earthsea} {
			if err := orm.Insert(ctx, db, &Review{Book: orm.ForeignKey[Book]{ID: b.ID}, Stars: 4}); err != nil {
				t.Fatal(err)
			}
		}
		books, err := orm.Query[Book](db).SelectRelated("editor", "author").OrderBy("title").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range books {
			editor, ok := b.Editor.Loaded()
			name := "-"
			if ok {
				name = editor.Name
			}
			author, _ := b.Author.Loaded()
			got = append(got, b.Title+" by "+author.Name+" ed. "+name)
		}
		if want := "[Earthsea by Ursula ed. - Mort by Terry ed. - The Dispossessed by Ursula ed. Terry]"; fmt.Sprint(got) != want {
			t.Errorf("got %v\nwant %s", got, want)
		}
		// Deeper, through the nullable key: a review's book's editor.
		reviews, err := orm.Query[Review](db).SelectRelated("book__editor").OrderBy("book__title").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, r := range reviews {
			book, _ := r.Book.Loaded()
			editor, ok := book.Editor.Loaded()
			got = append(got, fmt.Sprintf("%s:%v:%s", book.Title, ok, func() string {
				if ok {
					return editor.Name
				}
				return ""
			}()))
		}
		if want := "[Earthsea:false: The Dispossessed:true:Terry]"; fmt.Sprint(got) != want {
			t.Errorf("got %v, want %s", got, want)
		}
	})
}
