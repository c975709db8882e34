package migrate

import (
	"context"

	"github.com/nuages-go/nuages/database"
)

// What the external tests need of the package's internals: they are
// external because they open databases with nuagestest, which imports
// this package through the root package.

// InspectedColumn is a column as the catalog describes it (inspected).
type InspectedColumn struct {
	Name, Type          string
	Null, PK            bool
	RefTable, RefColumn string
}

// InspectColumns reads the columns of table from db's catalog.
func InspectColumns(ctx context.Context, db *database.DB, table string) ([]InspectedColumn, error) {
	_, qColumns, qKeys := db.Dialect().Introspect()
	cols, err := inspectColumns(ctx, db, qColumns, qKeys, table)
	out := make([]InspectedColumn, len(cols))
	for i, c := range cols {
		out[i] = InspectedColumn{c.name, c.typ, c.null, c.pk, c.refTable, c.refColumn}
	}
	return out, err
}

// Column reads the first column of query's rows.
func Column[T any](ctx context.Context, db *database.DB, query string, args ...any) ([]T, error) {
	return column[T](ctx, db, query, args...)
}

// PK is the model's primary key field.
func (m *Model) PK() (*Field, error) { return m.pk() }
