package nuagestest

import (
	"reflect"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/orm"
)

// CreateTables creates the tables of models (zero values of model
// structs, as Question{}), their many-to-many tables included, straight
// from the models' metadata: for tests of code below the migrations.
// Tests of a project run its migrations instead.
func CreateTables(t TB, db *database.DB, models ...any) {
	t.Helper()
	var metas []*orm.Meta
	for _, v := range models {
		m, err := orm.MetaOfType(reflect.TypeOf(v))
		if err != nil {
			t.Fatalf("nuagestest: CreateTables: %v", err)
		}
		metas = append(metas, m)
	}
	createTables(t, db, metas)
}

func createTables(t TB, db *database.DB, metas []*orm.Meta) {
	t.Helper()
	var through []*orm.Meta // after the tables they point to
	for _, m := range metas {
		for _, f := range m.ManyToMany {
			if th, err := f.Through(); err == nil {
				through = append(through, th)
			}
		}
		schema, err := m.TableSchema(db.Dialect())
		if err != nil {
			t.Fatalf("nuagestest: CreateTables: %v", err)
		}
		stmts, err := db.Dialect().CreateTable(schema)
		if err != nil {
			t.Fatalf("nuagestest: CreateTables: %v", err)
		}
		for _, s := range stmts {
			if _, err := db.Exec(t.Context(), s); err != nil {
				t.Fatalf("nuagestest: CreateTables: %s: %v", s, err)
			}
		}
	}
	if len(through) > 0 {
		createTables(t, db, through)
	}
}
