package orm_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// FuzzFilter checks that no lookup string can panic the compiler or reach
// the SQL text unless it names a field, and that values are always bound.
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{"text", "text__icontains", "pub_date__year__gte", "pk", "votes__in", "a__b__c__d", "text) OR 1=1 --", "__", ""} {
		f.Add(seed, "value")
	}
	db := nuagestest.OpenDB(f, nuagestest.SQLite)
	m, err := orm.MetaOf[Question]()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		sqlText, args, err := orm.Query[Question](db).Filter(key, value).SQL()
		if err != nil {
			return
		}
		field, _, _ := strings.Cut(key, "__")
		if _, ok := m.Field(field); !ok {
			t.Fatalf("Filter(%q) compiled to %q although %q is no field", key, sqlText, field)
		}
		if strings.Contains(key, `"`) || strings.Contains(key, ";") {
			t.Fatalf("Filter(%q) compiled although the key holds quote or semicolon", key)
		}
		// A value spliced into SQL would appear as a string literal that
		// the same query with a harmless value does not have.
		ref, _, _ := orm.Query[Question](db).Filter(key, "x").SQL()
		if value != "" && strings.Contains(sqlText, "'"+value) && !strings.Contains(ref, "'"+value) {
			t.Fatalf("value %q appears in the SQL %q instead of being bound (args %q)", value, sqlText, args)
		}
		if len(args) == 0 {
			t.Fatalf("Filter(%q, %q) compiled to %q with no bound argument", key, value, sqlText)
		}
	})
}

// TestConcurrentQueries runs queries from many goroutines at once, for the
// race detector: the metadata and select caches are shared.
func TestConcurrentQueries(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Question](t))
		seed(t, db)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for range 20 {
					n, err := orm.Query[Question](db).Filter("votes__gte", i%4).Count(t.Context())
					if err != nil || n < 1 {
						t.Errorf("Count = %d, %v", n, err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}
