package orm_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// TestPlans runs queries of one shape with different values, so that all
// but the first reuse the compiled text, and checks each answer.
func TestPlans(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		ctx := t.Context()
		all, err := orm.Query[Question](db).OrderBy("votes").All(ctx)
		if err != nil || len(all) != 4 {
			t.Fatal(len(all), err)
		}
		for range 2 {
			for _, want := range all {
				got, err := orm.Query[Question](db).Filter("pk", want.ID).Get(ctx)
				if err != nil || got.Text != want.Text {
					t.Errorf("Get(pk=%d) = %q, %v; want %q", want.ID, got.Text, err, want.Text)
				}
				n := 0
				for _, q := range all {
					if q.Votes > want.Votes && q.PubDate.After(want.PubDate) {
						n++
					}
				}
				got2, err := orm.Query[Question](db).Filter("votes__gt", want.Votes).Filter("pub_date__gt", want.PubDate).All(ctx)
				if err != nil || len(got2) != n {
					t.Errorf("votes > %d and pub_date > %v: %d rows, %v; want %d", want.Votes, want.PubDate, len(got2), err, n)
				}
				first, found, err := orm.Query[Question](db).Filter("votes__gte", want.Votes).OrderBy("votes").First(ctx)
				if err != nil || !found || first.ID != want.ID {
					t.Errorf("First(votes >= %d) = %q, %v, %v; want %q", want.Votes, first.Text, found, err, want.Text)
				}
			}
		}
		page, err := orm.Query[Question](db).Filter("votes__gte", 0).OrderBy("votes").Offset(1).Limit(2).All(ctx)
		if err != nil || texts(page) != texts(all[1:3]) {
			t.Errorf("page = %s, %v; want %s", texts(page), err, texts(all[1:3]))
		}

		// A query on one table names its columns alone once its shape is
		// known; with a join they stay qualified.
		table := db.Dialect().QuoteIdent("question") + "."
		text, args, err := orm.Query[Question](db).Filter("pk", all[2].ID).SQL()
		if err != nil || strings.Contains(text, table) || len(args) != 1 || args[0] != any(all[2].ID) {
			t.Errorf("SQL = %q %v, %v: want unqualified columns and the key bound", text, args, err)
		}
	})
}

// TestPlansConvertValues: a lookup on a field whose values are converted
// before binding (a duration is stored in microseconds) is compiled every
// time, so a raw value first does not decide how a later one is bound.
func TestPlansConvertValues(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Task](t))
		ctx := t.Context()
		for _, d := range []time.Duration{time.Minute, 2 * time.Hour} {
			if err := orm.Insert(ctx, db, &Task{Took: d}); err != nil {
				t.Fatal(err)
			}
		}
		// PostgreSQL stores an interval, which a raw number does not
		// compare with; it binds a time.Duration as is, so only the other
		// engines show a wrong binding.
		raw, err := orm.Query[Task](db).Filter("took__gt", int64(time.Hour/time.Microsecond)).All(ctx)
		if db.Dialect().Name() != "postgres" && (err != nil || len(raw) != 1) {
			t.Errorf("took > 3,600,000,000 µs: %d rows, %v; want 1", len(raw), err)
		}
		typed, err := orm.Query[Task](db).Filter("took__gt", 90*time.Second).All(ctx)
		if err != nil || len(typed) != 1 || typed[0].Took != 2*time.Hour {
			t.Errorf("took > 90s: %v, %v; want the 2h task", typed, err)
		}
	})
}

// TestPlansKeepShapesApart: names that would make the same cache key if
// the key were only their text joined together are still refused.
func TestPlansKeepShapesApart(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	migrate(t, db, meta[Question](t))
	seed(t, db)
	ctx := t.Context()
	q := orm.Query[Question](db)
	for _, ok := range []orm.QuerySet[Question]{q, q.Filter("votes", 5).Filter("text", "What's up?"), q.OrderBy("votes", "text")} {
		if _, err := ok.All(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for name, bad := range map[string]orm.QuerySet[Question]{
		"empty lookup":         q.Filter("", 5),
		"NUL in a lookup":      q.Filter("votes\x00text", 5),
		"NUL in an order name": q.OrderBy("votes\x00text"),
	} {
		if got, err := bad.All(ctx); err == nil {
			t.Errorf("%s: %d rows, no error", name, len(got))
		}
	}
}

// TestGetByKey: Get reads a key lookup without a LIMIT, and keeps one
// wherever a join may repeat the row; either way it reads at most two rows.
func TestGetByKey(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ursula, terry := library(t, db)
		ctx := t.Context()
		authors := orm.Query[Author](db)
		if _, err := authors.Filter("pk", ursula.ID).Filter("books__pages__gt", 0).Get(ctx); !errors.Is(err, orm.ErrMultipleObjectsReturned) {
			t.Errorf("Ursula once per book: %v, want ErrMultipleObjectsReturned", err)
		}
		if _, err := authors.Filter("pk", ursula.ID).OrderBy("books__title").Get(ctx); !errors.Is(err, orm.ErrMultipleObjectsReturned) {
			t.Errorf("Ursula once per book, by the order: %v, want ErrMultipleObjectsReturned", err)
		}
		if _, err := authors.Filter("pk", ursula.ID).Offset(1).Get(ctx); !errors.Is(err, orm.ErrDoesNotExist) {
			t.Errorf("past the only row: %v, want ErrDoesNotExist", err)
		}
		got, err := authors.Filter("pk", terry.ID).PrefetchRelated("books").Get(ctx)
		if books, ok := got.Books.Loaded(); err != nil || !ok || len(books) != 1 || books[0].Title != "Mort" {
			t.Errorf("Get with PrefetchRelated: %+v, %v", got, err)
		}
		book, err := orm.Query[Book](db).Filter("title", "Mort").SelectRelated("author").Get(ctx)
		if a, ok := book.Author.Loaded(); err != nil || !ok || a.Name != "Terry" {
			t.Errorf("Get with SelectRelated: %+v, %v", book, err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for _, a := range []Author{ursula, terry, ursula} {
					if got, err := authors.Filter("pk", a.ID).Get(ctx); err != nil || got.Name != a.Name {
						t.Errorf("Get(pk=%d) = %q, %v", a.ID, got.Name, err)
					}
				}
			})
		}
		wg.Wait()
	})
}

// TestUpdatePlans runs updates of a few shapes with different values, so
// that all but the first of each reuse the compiled text.
func TestUpdatePlans(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t), meta[Task](t))
		seed(t, db)
		ctx := t.Context()
		all, err := orm.Query[Question](db).OrderBy("votes").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		votes := map[int64]int{}
		for _, q := range all {
			votes[q.ID] = q.Votes
		}
		check := func(what string, n int64, err error, want int64) {
			t.Helper()
			if err != nil || n != want {
				t.Errorf("%s: %d rows, %v; want %d", what, n, err, want)
			}
			got, err := orm.Query[Question](db).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range got {
				if q.Votes != votes[q.ID] {
					t.Errorf("after %s: question %d has %d votes, want %d", what, q.ID, q.Votes, votes[q.ID])
				}
			}
		}
		q := orm.Query[Question](db)
		for i, a := range all {
			votes[a.ID] += i + 1
			n, err := q.Filter("pk", a.ID).Update(ctx, orm.Set{"votes": orm.F("votes").Add(i + 1)})
			check("votes + i", n, err, 1)
			votes[a.ID] -= 2 * (i + 1)
			n, err = q.Filter("pk", a.ID).Update(ctx, orm.Set{"votes": orm.F("votes").Sub(2 * (i + 1))})
			check("votes - 2i", n, err, 1)
			votes[a.ID] += i + 1
			n, err = q.Filter("pk", a.ID).Update(ctx, orm.Set{"votes": orm.F("votes").Sub(orm.F("votes").Sub(orm.F("votes")).Sub(i + 1))})
			check("votes - (0 - i)", n, err, 1)
			votes[a.ID] = 100 + i
			n, err = q.Filter("pk", a.ID).Update(ctx, orm.Set{"votes": 100 + i, "text": a.Text})
			check("votes = 100 + i", n, err, 1)
		}
		for id := range votes {
			if votes[id] > 101 {
				votes[id] = 7
			}
		}
		n, err := q.Filter("votes__gt", 101).Update(ctx, orm.Set{"votes": 7})
		check("votes > 101 = 7", n, err, 2)
		for id := range votes {
			votes[id] = 5
		}
		n, err = q.Exclude("votes", 42).Update(ctx, orm.Set{"votes": 5})
		check("all = 5", n, err, 4)

		// A duration is stored in microseconds: a raw number first must
		// not decide how a later time.Duration is bound.
		task := Task{Took: time.Minute}
		if err := orm.Insert(ctx, db, &task); err != nil {
			t.Fatal(err)
		}
		tasks := orm.Query[Task](db).Filter("pk", task.ID)
		if db.Dialect().Name() != "postgres" { // an interval takes no raw number
			if _, err := tasks.Update(ctx, orm.Set{"took": int64(time.Hour / time.Microsecond)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tasks.Update(ctx, orm.Set{"took": 2 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		if got, err := tasks.Get(ctx); err != nil || got.Took != 2*time.Hour {
			t.Errorf("took = %v, %v; want 2h", got.Took, err)
		}
	})
}
