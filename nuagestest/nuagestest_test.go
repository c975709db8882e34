package nuagestest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
)

// TestURL_FreshAndDropped checks that every test gets its own database and
// that the database is gone once the test is over.
func TestURL_FreshAndDropped(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		var first database.Config
		t.Run("inner", func(t *testing.T) {
			first = nuagestest.Config(t, engine)
			second := nuagestest.URL(t, engine)
			if first.URL == second {
				t.Fatalf("two calls gave the same database %q", second)
			}
			db := nuagestest.OpenDB(t, engine)
			if _, err := db.Exec(t.Context(), "CREATE TABLE probe (x integer)"); err != nil {
				t.Fatal(err)
			}
		})
		if first.URL == "" {
			t.Skip("the inner test got no database for this engine")
		}
		if engine == nuagestest.SQLite {
			return // the temporary directory is removed with the test
		}
		// Connecting to the dropped database must fail.
		db, err := database.Open(context.Background(), "dropped", first)
		if err == nil {
			db.Close()
			t.Fatalf("database %s still exists after its test", database.Redact(first.URL))
		}
		if !strings.Contains(err.Error(), "nuagestest_") {
			t.Errorf("error %q does not name the dropped database", err)
		}
	})
}
