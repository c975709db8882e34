package migrate_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Visit struct {
	orm.Model
	Author orm.ForeignKey[Author] `orm:"on_delete=cascade"`
	At     time.Time
	Took   time.Duration
	Ref    [16]byte
	Note   *string
	Data   map[string]any
	Paid   string `orm:"max_digits=8,decimal_places=2"`
}

func visitApps(t *testing.T) []migrate.AppModels {
	return []migrate.AppModels{{App: "people", Models: []*orm.Meta{metaOf[Author](t), metaOf[Visit](t)}}}
}

// setUp migrates a fresh database to the people app's models.
func setUp(t *testing.T, db *database.DB) {
	t.Helper()
	to, _, err := migrate.StateOf(visitApps(t))
	if err != nil {
		t.Fatal(err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	migrateTo(t, executor(t, db, []*migrate.Migration{{App: "people", Name: "0001_initial", Operations: ops["people"]}}, new(strings.Builder)), "", "")
}

const djangoFixture = `[
 {"model": "people.author", "pk": 1, "fields": {"name": "Ann", "email": "ann@example.com"}},
 {"model": "people.visit", "pk": 7, "fields": {"author": 1, "at": "2024-03-17T13:45:00.5Z", "took": "1 02:03:04.000005",
  "ref": "12345678-1234-5678-1234-567812345678", "note": null, "data": {"k": [1, "x"]}, "paid": "19.99"}}
]`

func TestFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		setUp(t, db)
		n, err := migrate.Load(ctx, db, visitApps(t), "django.json", strings.NewReader(djangoFixture))
		if err != nil || n != 2 {
			t.Fatalf("Load = %d, %v", n, err)
		}
		v, err := orm.Query[Visit](db).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != 7 || v.Author.ID != 1 || v.Took != 26*time.Hour+3*time.Minute+4*time.Second+5*time.Microsecond || v.Paid != "19.99" || v.Note != nil || v.At != time.Date(2024, 3, 17, 13, 45, 0, 5e8, time.UTC) {
			t.Errorf("loaded %+v", v)
		}
		var first bytes.Buffer
		next := Author{Name: "Bob", Email: "bob@example.com"} // the key counter is past the fixture's
		if err := orm.Insert(ctx, db, &next); err != nil || next.ID != 2 {
			t.Fatalf("insert after loading: id %d, %v", next.ID, err)
		}
		if err := orm.Delete(ctx, db, &next); err != nil {
			t.Fatal(err)
		}
		if err := migrate.Dump(ctx, db, visitApps(t), &first, migrate.DumpOptions{}); err != nil {
			t.Fatal(err)
		}
		want := `[{"model":"people.author","pk":1,"fields":{"name":"Ann","email":"ann@example.com"}},{"model":"people.visit","pk":7,"fields":{"author":1,"at":"2024-03-17T13:45:00.5Z","took":"1 02:03:04.000005","ref":"12345678-1234-5678-1234-567812345678","note":null,"data":{"k":[1,"x"]},"paid":"19.99"}}]`
		if first.String() != want {
			t.Errorf("dump:\n got %s\nwant %s", first.String(), want)
		}
		// Flush, load the dump back: the same dump again.
		if err := migrate.Flush(ctx, db, visitApps(t)); err != nil {
			t.Fatal(err)
		}
		if n, _ := orm.Query[Author](db).Count(ctx); n != 0 {
			t.Fatalf("%d authors after Flush", n)
		}
		if _, err := migrate.Load(ctx, db, visitApps(t), "dump.json", bytes.NewReader(first.Bytes())); err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if err := migrate.Dump(ctx, db, visitApps(t), &second, migrate.DumpOptions{Only: []string{"people.Visit"}}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(second.String(), `[{"model":"people.visit","pk":7,`) || !strings.Contains(first.String(), second.String()[1:len(second.String())-1]) {
			t.Errorf("the reloaded dump differs:\n%s", second.String())
		}
	})
}

func TestFixturesBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		setUp(t, db)
		tests := []struct {
			name, fixture, want string
		}{
			{"not_json", `{"model":`, "fixture bad.json is not a JSON array of objects"},
			{"unknown_model", `[{"model": "people.nobody", "pk": 1, "fields": {}}]`, "fixture bad.json, object 0 (people.nobody): no such model"},
			{"unknown_field", `[{"model": "people.author", "pk": 1, "fields": {"name": "A", "email": "a@b.c"}}, {"model": "people.author", "pk": 2, "fields": {"nmae": "B"}}]`, `fixture bad.json, object 1 (people.author): Author has no field "nmae"`},
			{"bad_value", `[{"model": "people.author", "pk": 1, "fields": {"name": "A", "email": "a@b.c"}}, {"model": "people.visit", "pk": 1, "fields": {"author": "one"}}]`, `fixture bad.json, object 1 (people.visit): field "author": a relation's value is the related row's key`},
		}
		for _, tt := range tests {
			_, err := migrate.Load(ctx, db, visitApps(t), "bad.json", strings.NewReader(tt.fixture))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
			}
			if n, _ := orm.Query[Author](db).Count(ctx); n != 0 {
				t.Errorf("%s: %d authors were kept from a fixture that failed", tt.name, n)
			}
		}
	})
}

// NaturalKey makes an author's email its natural key, for fixtures.
func (Author) NaturalKey() []string { return []string{"email"} }

func TestFixturesNaturalKeys(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		setUp(t, db)
		fixture := `[
			{"model": "people.author", "fields": {"name": "Ann", "email": "ann@example.com"}},
			{"model": "people.visit", "pk": 1, "fields": {"author": ["ann@example.com"], "at": "2024-01-01T00:00:00Z", "took": "00:00:01", "ref": "12345678-1234-5678-1234-567812345678", "data": {}, "paid": "1.00"}}
		]`
		if _, err := migrate.Load(ctx, db, visitApps(t), "natural.json", strings.NewReader(fixture)); err != nil {
			t.Fatal(err)
		}
		again := `[{"model": "people.author", "fields": {"name": "Ann B", "email": "ann@example.com"}}]`
		if _, err := migrate.Load(ctx, db, visitApps(t), "again.json", strings.NewReader(again)); err != nil {
			t.Fatal(err)
		}
		authors, err := orm.Query[Author](db).All(ctx)
		if err != nil || len(authors) != 1 || authors[0].Name != "Ann B" {
			t.Fatalf("authors = %+v, %v: the natural key should update the one row", authors, err)
		}
		v, err := orm.Query[Visit](db).Get(ctx)
		if err != nil || v.Author.ID != authors[0].ID {
			t.Errorf("visit's author = %d, %v; want %d", v.Author.ID, err, authors[0].ID)
		}
		var natural bytes.Buffer
		if err := migrate.Dump(ctx, db, visitApps(t), &natural, migrate.DumpOptions{NaturalForeign: true, NaturalPrimary: true}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`{"model":"people.author","fields":{"name":"Ann B","email":"ann@example.com"}}`, `"author":["ann@example.com"]`} {
			if !strings.Contains(natural.String(), want) {
				t.Errorf("natural dump lacks %s:\n%s", want, natural.String())
			}
		}
		if err := migrate.Flush(ctx, db, visitApps(t)); err != nil {
			t.Fatal(err)
		}
		if _, err := migrate.Load(ctx, db, visitApps(t), "natural.json", bytes.NewReader(natural.Bytes())); err != nil {
			t.Fatalf("loading the natural dump back: %v", err)
		}
		if n, _ := orm.Query[Visit](db).Filter("author__email", "ann@example.com").Count(ctx); n != 1 {
			t.Errorf("after the natural round trip, %d visits of Ann", n)
		}
		bad := `[{"model": "people.visit", "pk": 2, "fields": {"author": ["nobody@example.com"], "paid": "1"}}]`
		if _, err := migrate.Load(ctx, db, visitApps(t), "bad.json", strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), `field "author": no Author has the natural key [nobody@example.com]`) {
			t.Errorf("an unknown natural key: %v", err)
		}
	})
}
