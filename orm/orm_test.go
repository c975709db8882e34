package orm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Question struct {
	orm.Model
	Text    string    `orm:"max_length=200"`
	PubDate time.Time `orm:"verbose_name=date published"`
	Votes   int
	Note    *string
	Updated time.Time `orm:"auto_now"`
	Created time.Time `orm:"auto_now_add"`
}

// migrate creates the tables of the models; the migrations issue will do
// this for real projects.
func migrate(t testing.TB, db *database.DB, metas ...*orm.Meta) {
	t.Helper()
	for _, m := range metas {
		schema, err := m.TableSchema(db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		stmts, err := db.Dialect().CreateTable(schema)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			if _, err := db.Exec(t.Context(), s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
}

func meta[T any](t testing.TB) *orm.Meta {
	t.Helper()
	m, err := orm.MetaOf[T]()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func day(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// seed inserts the questions every query case runs against.
func seed(t *testing.T, db *database.DB) {
	t.Helper()
	note := "noted"
	for _, q := range []Question{
		{Text: "What's up?", PubDate: day(2024, 3, 17, 13, 45), Votes: 5},
		{Text: "What is Go?", PubDate: day(2023, 12, 31, 23, 59), Votes: 0, Note: &note},
		{Text: "Élan vital", PubDate: day(2024, 6, 1, 8, 0), Votes: 10},
		{Text: "50%_off deal", PubDate: day(2024, 1, 15, 12, 0), Votes: 3},
	} {
		if err := orm.Insert(t.Context(), db, &q); err != nil {
			t.Fatal(err)
		}
		if q.ID == 0 {
			t.Fatal("Insert left the primary key at zero")
		}
	}
}

func texts(qs []Question) string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text
	}
	return fmt.Sprintf("%q", out)
}

// TestQuery runs one table of queries on every engine and expects the same
// rows from each.
func TestQuery(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		all := orm.Query[Question](db)
		// These cases check order; the others compare rows as sets, since
		// text order depends on collations.
		ordered := map[string]bool{"order_desc": true, "limit_offset": true, "offset_only": true}
		tests := []struct {
			name string
			q    orm.QuerySet[Question]
			want []string
		}{
			{"all", all, []string{"50%_off deal", "What is Go?", "What's up?", "Élan vital"}},
			{"exact", all.Filter("text", "What is Go?"), []string{"What is Go?"}},
			{"exact_is_case_sensitive", all.Filter("text", "what is go?"), nil},
			{"iexact", all.Filter("text__iexact", "what is go?"), []string{"What is Go?"}},
			{"iexact_folds_non_ascii", all.Filter("text__iexact", "élan VITAL"), []string{"Élan vital"}},
			{"contains_is_case_sensitive", all.Filter("text__contains", "what"), nil},
			{"icontains", all.Filter("text__icontains", "WHAT"), []string{"What is Go?", "What's up?"}},
			{"wildcards_are_literal", all.Filter("text__contains", "%_"), []string{"50%_off deal"}},
			{"startswith", all.Filter("text__startswith", "What"), []string{"What is Go?", "What's up?"}},
			{"iendswith", all.Filter("text__iendswith", "GO?"), []string{"What is Go?"}},
			{"regex", all.Filter("text__regex", "^W.*\\?$"), []string{"What is Go?", "What's up?"}},
			{"in", all.Filter("votes__in", []int{0, 10}), []string{"What is Go?", "Élan vital"}},
			{"in_empty", all.Filter("votes__in", []int{}), nil},
			{"gt", all.Filter("votes__gt", 3), []string{"What's up?", "Élan vital"}},
			{"lte", all.Filter("votes__lte", 3), []string{"50%_off deal", "What is Go?"}},
			{"range", all.Filter("votes__range", [2]int{3, 5}), []string{"50%_off deal", "What's up?"}},
			{"isnull", all.Filter("note__isnull", false), []string{"What is Go?"}},
			{"exact_nil_is_null", all.Filter("note", nil), []string{"50%_off deal", "What's up?", "Élan vital"}},
			{"year", all.Filter("pub_date__year", 2024), []string{"50%_off deal", "What's up?", "Élan vital"}},
			{"month_gte", all.Filter("pub_date__month__gte", 6), []string{"What is Go?", "Élan vital"}},
			{"week_day_sunday", all.Filter("pub_date__week_day", 1), []string{"What is Go?", "What's up?"}},
			{"hour", all.Filter("pub_date__hour", 13), []string{"What's up?"}},
			{"date", all.Filter("pub_date__date", day(2024, 3, 17, 0, 0)), []string{"What's up?"}},
			{"datetime_gt", all.Filter("pub_date__gt", day(2024, 3, 17, 13, 45)), []string{"Élan vital"}},
			{"exclude", all.Exclude("text__startswith", "What"), []string{"50%_off deal", "Élan vital"}},
			{"q_or", all.Where(orm.Or(orm.Q{"votes": 0}, orm.Q{"votes": 10})), []string{"What is Go?", "Élan vital"}},
			{"q_and_within", all.Where(orm.Q{"votes__gte": 3, "pub_date__year": 2024}), []string{"50%_off deal", "What's up?", "Élan vital"}},
			{"not_or", all.Where(orm.Not(orm.Or(orm.Q{"votes": 0}, orm.Q{"votes": 10}))), []string{"50%_off deal", "What's up?"}},
			{"f_compare", all.Filter("votes__gt", orm.F("id")), []string{"What's up?", "Élan vital"}},
			{"f_arithmetic", all.Filter("votes", orm.F("id").Mul(2).Add(1)), nil},
			{"chained_filters", all.Filter("votes__gt", 0).Filter("text__icontains", "w"), []string{"What's up?"}},
			{"order_desc", orm.Query[Question](db).OrderBy("-votes"), []string{"Élan vital", "What's up?", "50%_off deal", "What is Go?"}},
			{"limit_offset", orm.Query[Question](db).OrderBy("-votes").Offset(1).Limit(2), []string{"What's up?", "50%_off deal"}},
			{"offset_only", orm.Query[Question](db).OrderBy("votes").Offset(3), []string{"Élan vital"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.q.All(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				want := append([]string{}, tt.want...)
				if !ordered[tt.name] {
					slices.SortFunc(got, func(a, b Question) int { return strings.Compare(a.Text, b.Text) })
					slices.Sort(want)
				}
				if texts(got) != fmt.Sprintf("%q", want) {
					t.Errorf("got %s, want %q", texts(got), tt.want)
				}
			})
		}

		t.Run("values_round_trip", func(t *testing.T) {
			q, err := orm.Query[Question](db).Filter("text", "What is Go?").Get(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if !q.PubDate.Equal(day(2023, 12, 31, 23, 59)) || q.PubDate.Location() != time.UTC || q.Note == nil || *q.Note != "noted" || q.Votes != 0 {
				t.Errorf("got %+v", q)
			}
		})
	})
}

func TestQuery_Terminals(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		ctx := t.Context()
		q := orm.Query[Question](db)

		if n, err := q.Filter("votes__gt", 0).Count(ctx); err != nil || n != 3 {
			t.Errorf("Count = %d, %v; want 3", n, err)
		}
		if n, err := q.OrderBy("votes").Limit(2).Count(ctx); err != nil || n != 2 {
			t.Errorf("Count of a limited query = %d, %v; want 2", n, err)
		}
		if ok, err := q.Filter("votes", 42).Exists(ctx); err != nil || ok {
			t.Errorf("Exists(votes=42) = %v, %v; want false", ok, err)
		}
		if _, err := q.Filter("votes", 42).Get(ctx); !errors.Is(err, orm.ErrDoesNotExist) {
			t.Errorf("Get(no row) error = %v, want ErrDoesNotExist", err)
		}
		if _, err := q.Filter("votes__gt", 0).Get(ctx); !errors.Is(err, orm.ErrMultipleObjectsReturned) {
			t.Errorf("Get(3 rows) error = %v, want ErrMultipleObjectsReturned", err)
		}
		if first, ok, err := q.First(ctx); err != nil || !ok || first.Text != "What's up?" {
			t.Errorf("First = %q, %v, %v; want the first by primary key", first.Text, ok, err)
		}

		n, err := q.Filter("votes__lt", 5).Update(ctx, orm.Set{"votes": orm.F("votes").Add(100)})
		if err != nil || n != 2 {
			t.Fatalf("Update = %d, %v; want 2 rows", n, err)
		}
		if got, _ := q.Filter("votes__gte", 100).OrderBy("votes").All(ctx); texts(got) != `["What is Go?" "50%_off deal"]` {
			t.Errorf("after Update: %s", texts(got))
		}
		if n, err := q.Filter("text", "What is Go?").Update(ctx, orm.Set{"votes": 100}); err != nil || n != 1 {
			t.Errorf("Update writing the same value = %d, %v; want the matched row counted", n, err)
		}
		if _, err := q.Limit(1).Update(ctx, orm.Set{"votes": 1}); err == nil {
			t.Error("Update on a limited query succeeded")
		}
		if n, err := q.Filter("votes__gte", 100).Delete(ctx); err != nil || n != 2 {
			t.Errorf("Delete = %d, %v; want 2", n, err)
		}
		if n, _ := q.Count(ctx); n != 2 {
			t.Errorf("%d rows left, want 2", n)
		}

		var seen []string
		for obj, err := range q.OrderBy("text").Iter(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, obj.Text)
			break // stopping early closes the rows
		}
		if len(seen) != 1 {
			t.Errorf("Iter yielded %v before the break", seen)
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("after breaking out of Iter: %v", err)
		}
	})
}

// auto_now_add is set at the insert and auto_now at every save, by the
// clock of the database handle.
func TestAutoNow(t *testing.T) {
	t.Parallel()
	t1, t2 := day(2024, 1, 1, 9, 0), day(2024, 1, 2, 9, 0)
	now := t1
	db, err := database.Open(t.Context(), "default", database.Config{
		URL: nuagestest.URL(t, nuagestest.SQLite),
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	migrate(t, db, meta[Question](t))
	ctx := t.Context()
	q := Question{Text: "Clock?", PubDate: t1}
	if err := orm.Save(ctx, db, &q); err != nil {
		t.Fatal(err)
	}
	now = t2
	if err := orm.Save(ctx, db, &q); err != nil {
		t.Fatal(err)
	}
	got, err := orm.Query[Question](db).Filter("pk", q.ID).Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(t1) || !got.Updated.Equal(t2) {
		t.Errorf("created %v, updated %v; want created at the insert (%v), updated at the last save (%v)", got.Created, got.Updated, t1, t2)
	}
	objs := []Question{{Text: "Bulk?", PubDate: t1}}
	if err := orm.BulkCreate(ctx, db, objs); err != nil {
		t.Fatal(err)
	}
	if !objs[0].Created.Equal(t2) || !objs[0].Updated.Equal(t2) {
		t.Errorf("BulkCreate: created %v, updated %v; want both %v", objs[0].Created, objs[0].Updated, t2)
	}
}

func TestInstances(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		ctx := t.Context()
		q := Question{Text: "New?", PubDate: day(2024, 1, 1, 0, 0)}
		if err := orm.Save(ctx, db, &q); err != nil {
			t.Fatal(err)
		}
		if q.ID == 0 || q.Updated.IsZero() {
			t.Fatalf("Save of a new object: ID %d, Updated %v; want both set", q.ID, q.Updated)
		}
		q.Votes = 7
		if err := orm.Save(ctx, db, &q); err != nil {
			t.Fatal(err)
		}
		got, err := orm.Query[Question](db).Filter("pk", q.ID).Get(ctx)
		if err != nil || got.Votes != 7 {
			t.Fatalf("after Save: %+v, %v", got, err)
		}
		if n, _ := orm.Query[Question](db).Count(ctx); n != 1 {
			t.Errorf("Save of an existing object inserted: %d rows", n)
		}
		// An explicit key that is not in the table yet is inserted.
		explicit := Question{Model: orm.Model{ID: 1000}, Text: "Explicit", PubDate: day(2024, 1, 2, 0, 0)}
		if err := orm.Save(ctx, db, &explicit); err != nil {
			t.Fatal(err)
		}
		if _, err := orm.Query[Question](db).Filter("pk", 1000).Get(ctx); err != nil {
			t.Errorf("explicit key: %v", err)
		}
		if err := orm.Delete(ctx, db, &q); err != nil {
			t.Fatal(err)
		}
		if err := orm.Delete(ctx, db, &q); !errors.Is(err, orm.ErrDoesNotExist) {
			t.Errorf("second Delete = %v, want ErrDoesNotExist", err)
		}
		// A unique violation surfaces classified, through the ORM.
		dup := explicit
		if err := orm.Insert(ctx, db, &dup); !errors.Is(err, database.ErrUniqueViolation) {
			t.Errorf("Insert of a duplicate key = %v, want ErrUniqueViolation", err)
		}
	})
}

// TestSafety shows that names reaching SQL come only from metadata: crafted
// field names, lookups and orderings are refused before any SQL runs, and
// crafted values are bound.
func TestSafety(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	migrate(t, db, meta[Question](t))
	seed(t, db)
	q := orm.Query[Question](db)
	refused := []struct {
		name string
		q    orm.QuerySet[Question]
		want string
	}{
		{"field_injection", q.Filter("text) OR 1=1 --", "x"), `Question has no field "text) OR 1=1 --"; the fields are pk, id, text, pub_date, votes, note, updated, created`},
		{"lookup_injection", q.Filter("text__exact) OR (1=1", "x"), `unknown lookup "exact) OR (1=1"`},
		{"order_injection", q.OrderBy("id; DROP TABLE question"), `has no field "id; DROP TABLE question"`},
		{"f_injection", q.Filter("votes", orm.F("votes + 1) OR (1")), `has no field "votes + 1) OR (1"`},
		{"q_key_injection", q.Where(orm.Or(orm.Q{"votes": 1}, orm.Q{"1=1) OR (votes": 1})), `has no field "1=1) OR (votes"`},
		{"set_injection", q, ""},
		{"relation_not_yet", q.Filter("author__name", "x"), `has no field "author"`},
		{"transform_on_text", q.Filter("text__year", 2024), `the "year" transform needs a datetime field`},
		{"contains_non_string", q.Filter("text__contains", 5), "the contains lookup needs a string, got int"},
		{"regex_not_re2", q.Filter("text__regex", "(?=What)"), `"(?=What)" is not a regular expression in RE2 syntax`},
	}
	for _, tt := range refused {
		if tt.want == "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.q.All(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	t.Run("update_key_injection", func(t *testing.T) {
		_, err := q.Update(t.Context(), orm.Set{"votes = 0, text": "x"})
		if err == nil || !strings.Contains(err.Error(), `has no field "votes = 0, text"`) {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("json_key_is_bound", func(t *testing.T) {
		// CVE-2019-14234's shape: a crafted key of a JSON key lookup. Keys
		// travel as bound parameters, so the text matches no key.
		migrate(t, db, meta[Doc](t))
		if err := orm.Insert(t.Context(), db, &Doc{Name: "d", Data: map[string]any{"a": 1}}); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{`a') OR 1=1 --`, `a" OR "1"="1`, `a'::text = 'a`, `$.a`} {
			n, err := orm.Query[Doc](db).Filter("data__"+key, 1).Count(t.Context())
			if err != nil || n != 0 {
				t.Errorf("key %q: %d rows, %v; want 0 and no error", key, n, err)
			}
		}
		sql, args, err := orm.Query[Doc](db).Filter(`data__a') OR 1=1 --`, 1).SQL()
		if err != nil || strings.Contains(sql, "OR 1=1") || len(args) != 2 {
			t.Errorf("the key reached the SQL text: %s %v %v", sql, args, err)
		}
	})
	t.Run("annotation_names_are_fields", func(t *testing.T) {
		// CVE-2022-28346's shape for Annotate on models: the name must be an
		// annotation field, so crafted text is refused before any SQL.
		_, err := orm.Query[Shelf](db).Annotate(orm.Aggregates{`n" FROM shelf; --`: orm.Count("pk")}).All(t.Context())
		if err == nil || !strings.Contains(err.Error(), "tagged") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("aggregate_names_never_reach_sql", func(t *testing.T) {
		// Django's CVE-2022-28346 and CVE-2022-28347 shapes: crafted alias names.
		evil := `n") FROM question; DROP TABLE question; --`
		got, err := q.Aggregate(t.Context(), orm.Aggregates{evil: orm.Count("pk")})
		if err != nil || got[evil] != int64(4) {
			t.Errorf("Aggregate with a crafted name = %v, %v", got, err)
		}
		rows, err := q.Values("votes").Annotate(orm.Aggregates{evil: orm.Count("pk")}).All(t.Context())
		if err != nil || len(rows) != 4 {
			t.Errorf("Annotate with a crafted name = %v, %v", rows, err)
		}
		if _, err := q.Values(`votes" FROM question; --`).All(t.Context()); err == nil {
			t.Error("Values with a crafted field name was accepted")
		}
		if _, err := q.Aggregate(t.Context(), orm.Aggregates{"n": orm.Sum(`votes) FROM question; --`)}); err == nil {
			t.Error("an aggregate over a crafted field name was accepted")
		}
	})
	t.Run("values_are_bound", func(t *testing.T) {
		evil := "' OR '1'='1"
		got, err := q.Filter("text", evil).All(t.Context())
		if err != nil || len(got) != 0 {
			t.Errorf("crafted value matched %d rows, %v", len(got), err)
		}
		sqlText, args, err := q.Filter("text", evil).SQL()
		if err != nil || strings.Contains(sqlText, evil) || !slices.Contains(args, any(evil)) {
			t.Errorf("SQL %q args %q: the value must be an argument, not text", sqlText, args)
		}
	})
}

func TestMeta(t *testing.T) {
	m := meta[Question](t)
	if m.Table != "question" || m.PK.Name != "id" || m.PK.Column != "id" {
		t.Errorf("meta = %+v", m)
	}
	f, ok := m.Field("pub_date")
	if !ok || f.VerboseName != "date published" || f.Null {
		t.Errorf("pub_date = %+v", f)
	}
	if f, _ := m.Field("note"); !f.Null {
		t.Error("a pointer field is not nullable")
	}
}

type badTag struct {
	orm.Model
	Name string `orm:"max_lenght=20"`
}
type noPK struct{ Name string }
type twoPKs struct {
	orm.Model
	Code int64 `orm:"primary_key"`
}
type autoNowOnString struct {
	orm.Model
	When string `orm:"auto_now"`
}
type nullString struct {
	orm.Model
	Name string `orm:"null"`
}
type unsupportedType struct {
	orm.Model
	Done chan bool
}
type badOrdering struct{ orm.Model }

func (badOrdering) Meta() orm.Options { return orm.Options{Ordering: []string{"-nope"}} }

type customTable struct {
	Code    string  `orm:"primary_key,max_length=10"`
	Comment *string `orm:"db_column=remark,null,unique"`
}

func (customTable) Meta() orm.Options {
	return orm.Options{Table: "legacy_items", Ordering: []string{"code"}}
}

func TestMeta_Errors(t *testing.T) {
	tests := []struct {
		name string
		get  func() error
		want string
	}{
		{"bad_tag", func() error { _, err := orm.MetaOf[badTag](); return err }, `orm: model badTag, field Name: unknown option "max_lenght"`},
		{"no_pk", func() error { _, err := orm.MetaOf[noPK](); return err }, "orm: model noPK has no primary key: embed orm.Model"},
		{"two_pks", func() error { _, err := orm.MetaOf[twoPKs](); return err }, "orm: model twoPKs has two primary keys, ID and Code"},
		{"auto_now_on_string", func() error { _, err := orm.MetaOf[autoNowOnString](); return err }, "field When: auto_now and auto_now_add need a time.Time field"},
		{"unsupported_type", func() error { _, err := orm.MetaOf[unsupportedType](); return err }, "field Done: type chan bool is not supported yet"},
		{"bad_ordering", func() error { _, err := orm.MetaOf[badOrdering](); return err }, `Meta ordering "-nope" names no field`},
		{"null_without_pointer", func() error { _, err := orm.MetaOf[nullString](); return err }, "field Name: null needs a field that can hold NULL: make it a pointer (*string) or sql.Null[string]"},
		{"not_a_struct", func() error { _, err := orm.MetaOf[int](); return err }, "orm: model int is not a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.get()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	m, err := orm.MetaOf[customTable]()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := m.Field("comment")
	if m.Table != "legacy_items" || m.PK.Name != "code" || c.Column != "remark" || !c.Null || !c.Unique {
		t.Errorf("customTable meta = %+v, comment = %+v", m, c)
	}
}

func TestCustomPrimaryKeyAndDefaultOrdering(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		m, err := orm.MetaOf[customTable]()
		if err != nil {
			t.Fatal(err)
		}
		migrate(t, db, m)
		ctx := context.Background()
		for _, code := range []string{"b", "a"} {
			if err := orm.Insert(ctx, db, &customTable{Code: code}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := orm.Query[customTable](db).All(ctx)
		if err != nil || len(got) != 2 || got[0].Code != "a" {
			t.Errorf("default ordering by code: %+v, %v", got, err)
		}
	})
}

func TestNullOrdering_SameOnEveryEngine(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db) // only "What is Go?" has a note
		ctx := t.Context()
		asc, err := orm.Query[Question](db).OrderBy("note", "votes").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(asc); got != `["50%_off deal" "What's up?" "Élan vital" "What is Go?"]` {
			t.Errorf("ascending: %s, want the NULL notes first (by votes), then the note", got)
		}
		desc, err := orm.Query[Question](db).OrderBy("-note", "votes").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(desc); got != `["What is Go?" "50%_off deal" "What's up?" "Élan vital"]` {
			t.Errorf("descending: %s, want the note first and NULLs last", got)
		}
	})
}

func TestSelectForUpdate(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		q := orm.Query[Question](db).Filter("votes__gt", 4).SelectForUpdate(dialect.Lock{})
		if _, err := q.All(t.Context()); err == nil || !strings.Contains(err.Error(), "SelectForUpdate outside a transaction") {
			t.Errorf("outside a transaction: error = %v", err)
		}
		err := db.Atomic(t.Context(), func(ctx context.Context) error {
			got, err := q.All(ctx)
			if err == nil && len(got) != 2 {
				err = fmt.Errorf("locked %d rows, want 2", len(got))
			}
			return err
		})
		if err != nil {
			t.Error(err)
		}
		sqlText, _, err := q.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if hasClause := strings.Contains(sqlText, "FOR UPDATE"); hasClause == db.Dialect().Features().SingleWriter {
			t.Errorf("SQL %q: FOR UPDATE where the engine has row locks, nothing on SQLite", sqlText)
		}
	})
}

type Profile struct {
	orm.Model
	Key      [16]byte
	Backup   *[16]byte
	Settings map[string]any
	Tags     []string
	Address  *struct {
		City string `json:"city"`
	}
	Raw json.RawMessage `orm:"null"`
}

func TestJSONAndUUIDFields(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		m := meta[Profile](t)
		for name, want := range map[string]dialect.Kind{"key": dialect.KindUUID, "backup": dialect.KindUUID, "settings": dialect.KindJSON, "tags": dialect.KindJSON, "address": dialect.KindJSON} {
			if f, _ := m.Field(name); f.Kind != want {
				t.Errorf("%s has kind %s, want %s", name, f.Kind, want)
			}
		}
		migrate(t, db, m)
		ctx := t.Context()
		key := [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}
		p := Profile{Key: key, Settings: map[string]any{"theme": "dark", "size": 2.0}, Tags: []string{"a", "b"}, Raw: json.RawMessage(`{"n": 2}`)}
		p.Address = &struct {
			City string `json:"city"`
		}{City: "Lyon"}
		if err := orm.Insert(ctx, db, &p); err != nil {
			t.Fatal(err)
		}
		empty := Profile{Key: [16]byte{1}}
		if err := orm.Insert(ctx, db, &empty); err != nil {
			t.Fatal(err)
		}
		got, err := orm.Query[Profile](db).Filter("key", key).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != key || got.Backup != nil || got.Settings["theme"] != "dark" || got.Settings["size"] != 2.0 ||
			fmt.Sprint(got.Tags) != "[a b]" || got.Address == nil || got.Address.City != "Lyon" {
			t.Errorf("round trip: %+v", got)
		}
		var raw map[string]int
		if err := json.Unmarshal(got.Raw, &raw); err != nil || raw["n"] != 2 {
			t.Errorf("raw JSON = %s, %v", got.Raw, err)
		}
		if n, err := orm.Query[Profile](db).Filter("key__in", [][16]byte{key, {9}}).Count(ctx); err != nil || n != 1 {
			t.Errorf("key__in = %d, %v; want 1", n, err)
		}
		e, err := orm.Query[Profile](db).Filter("key", [16]byte{1}).Get(ctx)
		if err != nil || e.Settings != nil || e.Address != nil || e.Raw != nil {
			t.Errorf("empty profile: %+v, %v", e, err)
		}
		backup := [16]byte{7}
		if _, err := orm.Query[Profile](db).Filter("pk", p.ID).Update(ctx, orm.Set{"backup": backup}); err != nil {
			t.Fatal(err)
		}
		if got, err := orm.Query[Profile](db).Filter("backup", backup).Get(ctx); err != nil || got.Backup == nil || *got.Backup != backup {
			t.Errorf("backup after Update: %v, %v", got.Backup, err)
		}
	})
}

type Task struct {
	orm.Model
	Took    time.Duration
	Timeout *time.Duration
}

func TestDurationFields(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Task](t))
		ctx := t.Context()
		long := 25*time.Hour + time.Minute + 1500*time.Millisecond + time.Microsecond
		for _, d := range []time.Duration{long, -3*24*time.Hour + time.Hour, 90 * time.Second} {
			task := Task{Took: d}
			if d > 0 {
				timeout := 2 * d
				task.Timeout = &timeout
			}
			if err := orm.Insert(ctx, db, &task); err != nil {
				t.Fatal(err)
			}
			got, err := orm.Query[Task](db).Filter("pk", task.ID).Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Took != d || (task.Timeout == nil) != (got.Timeout == nil) || (got.Timeout != nil && *got.Timeout != 2*d) {
				t.Errorf("round trip of %v: took %v, timeout %v", d, got.Took, got.Timeout)
			}
		}
		n, err := orm.Query[Task](db).Filter("took__gt", time.Hour).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("took > 1h: %d, %v; want 1", n, err)
		}
		if got, _, err := orm.Query[Task](db).OrderBy("took").First(ctx); err != nil || got.Took >= 0 {
			t.Errorf("shortest = %v, %v; want the negative one", got.Took, err)
		}
	})
}
