package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
)

// Conflict tells BulkCreate what to do with a row that violates a unique
// constraint, as Django's ignore_conflicts and update_conflicts.
type Conflict struct {
	Ignore bool     // keep the existing row
	Target []string // update: the fields of the unique constraint (needed on SQLite and PostgreSQL)
	Update []string // update: the fields to overwrite with the new values
}

// maxBoundArgs keeps one INSERT under every engine's limit on bound
// parameters (SQLite's is 32,766; PostgreSQL's and MySQL's 65,535).
const maxBoundArgs = 30000

// BulkCreate inserts objs with as few statements as the engines' limits on
// bound parameters allow, inside one transaction. Where the engine returns
// inserted rows (SQLite, PostgreSQL, MariaDB) and no conflict handling is
// asked for, the new primary keys are written back into objs, as Django
// does.
func BulkCreate[T any](ctx context.Context, db *database.DB, objs []T, conflict ...Conflict) error {
	m, err := MetaOf[T]()
	if err != nil || len(objs) == 0 {
		return err
	}
	if len(conflict) > 1 {
		return errors.New("orm: BulkCreate takes at most one Conflict")
	}
	d := db.Dialect()
	insert, suffix := "INSERT", ""
	if len(conflict) == 1 {
		if insert, suffix, err = conflictClause(d, m, conflict[0]); err != nil {
			return err
		}
	}
	autoPK := m.PK.Kind.IsAuto() && reflect.ValueOf(objs[0]).FieldByIndex(m.PK.index).IsZero()
	var fields []*Field
	for _, f := range m.Fields {
		if !(f == m.PK && autoPK) {
			fields = append(fields, f)
		}
	}
	returning := autoPK && suffix == "" && d.Features().Returning
	now := db.Now().UTC()
	batch := max(1, maxBoundArgs/len(fields))
	return db.Atomic(ctx, func(ctx context.Context) error {
		for start := 0; start < len(objs); start += batch {
			chunk := objs[start:min(start+batch, len(objs))]
			var rows []string
			var args []any
			for i := range chunk {
				v := reflect.ValueOf(&chunk[i]).Elem()
				if pk := v.FieldByIndex(m.PK.index); autoPK != pk.IsZero() && m.PK.Kind.IsAuto() {
					return fmt.Errorf("orm: BulkCreate of %s: either every object has its primary key or none has", m.Name)
				}
				phs := make([]string, len(fields))
				for j, f := range fields {
					fv := v.FieldByIndex(f.index)
					if f.AutoNow || (f.AutoNowAdd && fv.IsZero()) {
						setTime(fv, now)
					}
					arg, err := f.dbValue(d, fv)
					if err != nil {
						return err
					}
					args = append(args, arg)
					phs[j] = d.Placeholder(len(args))
				}
				rows = append(rows, "("+strings.Join(phs, ", ")+")")
			}
			query := insert + " INTO " + d.QuoteIdent(m.Table) + " (" + strings.Join(columnsOf(d, fields), ", ") + ") VALUES " + strings.Join(rows, ", ")
			if suffix != "" {
				query += " " + suffix
			}
			if !returning {
				if _, err := db.Exec(ctx, query, args...); err != nil {
					return err
				}
				continue
			}
			ids, err := db.Query(ctx, query+" "+d.Returning([]string{d.QuoteIdent(m.PK.Column)}), args...)
			if err != nil {
				return err
			}
			// RETURNING gives the rows in insertion order on the engines
			// that have it for multi-row INSERTs.
			for i := 0; ids.Next(); i++ {
				var id int64
				if err := ids.Scan(&id); err != nil {
					ids.Close()
					return err
				}
				reflect.ValueOf(&chunk[i]).Elem().FieldByIndex(m.PK.index).SetInt(id)
			}
			if err := ids.Err(); err != nil {
				return err
			}
		}
		return nil
	})
}

func conflictClause(d dialect.Dialect, m *Meta, c Conflict) (insert, suffix string, err error) {
	columns := func(names []string) ([]string, error) {
		out := make([]string, len(names))
		for i, n := range names {
			f, err := fieldOf(m, n)
			if err != nil {
				return nil, err
			}
			out[i] = f.Column
		}
		return out, nil
	}
	dc := dialect.Conflict{Action: dialect.ConflictUpdate}
	if c.Ignore {
		dc.Action = dialect.ConflictIgnore
		if len(c.Update) > 0 {
			return "", "", errors.New("orm: a Conflict either ignores or updates")
		}
	}
	if dc.Target, err = columns(c.Target); err != nil {
		return "", "", err
	}
	if dc.Update, err = columns(c.Update); err != nil {
		return "", "", err
	}
	if dc.Action == dialect.ConflictIgnore && len(dc.Target) == 0 && d.Name() == "mysql" {
		dc.Target = []string{m.PK.Column} // MySQL assigns a column to itself to ignore
	}
	return d.Upsert(dc)
}

func columnsOf(d dialect.Dialect, fields []*Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = d.QuoteIdent(f.Column)
	}
	return out
}

// GetOrCreate returns the one row the query matches, or inserts create and
// returns it with created true, as Django's get_or_create. A concurrent
// insert of the same row (a unique violation) is answered with that row.
func (q QuerySet[T]) GetOrCreate(ctx context.Context, create T) (obj T, created bool, err error) {
	obj, err = q.Get(ctx)
	if !errors.Is(err, ErrDoesNotExist) {
		return obj, false, err
	}
	err = q.db.Atomic(ctx, func(ctx context.Context) error { return Insert(ctx, q.db, &create) })
	if errors.Is(err, database.ErrUniqueViolation) {
		obj, err = q.Get(ctx)
		return obj, false, err
	}
	return create, err == nil, err
}

// UpdateOrCreate applies set to the one row the query matches, locking it,
// or inserts create, as Django's update_or_create; it returns the row as
// stored.
func (q QuerySet[T]) UpdateOrCreate(ctx context.Context, set Set, create T) (obj T, created bool, err error) {
	err = q.db.Atomic(ctx, func(ctx context.Context) error {
		found, err := q.SelectForUpdate(dialect.Lock{}).Get(ctx)
		if errors.Is(err, ErrDoesNotExist) {
			created = true
			obj = create
			return Insert(ctx, q.db, &obj)
		}
		if err != nil {
			return err
		}
		byPK := queryByPK[T](q.db, q.meta, reflect.ValueOf(&found).Elem())
		if _, err := byPK.Update(ctx, set); err != nil {
			return err
		}
		obj, err = byPK.Get(ctx)
		return err
	})
	return obj, created, err
}
