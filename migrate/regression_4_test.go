package migrate_test

import (
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
)

// An index over a removed column goes with it; SQLite's rebuild must not
// recreate it over a string constant.
func TestRegression_SQLiteIndexOnRemovedColumn(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	c := item()
	c.Indexes = []dialect.Index{{Name: "item_code_ix", Columns: []string{"code"}, Unique: true}}
	ms := chain("a", []migrate.Operation{c}, []migrate.Operation{migrate.RemoveField{App: "a", Model: "Item", Name: "code"}})
	if err := run(t, db, ms, "", ""); err != nil {
		t.Fatal(err)
	}
	if n := queryString(t, db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'item_code_ix'"); n != "0" {
		t.Error("the index of the removed column was rebuilt")
	}
	exec(t, db, "INSERT INTO item DEFAULT VALUES")
	if _, err := db.Exec(t.Context(), "INSERT INTO item DEFAULT VALUES"); err != nil {
		t.Errorf("second row refused: %v", err)
	}
}
