package orm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
)

// Insert adds obj as a new row. An auto-increment primary key left at zero
// is assigned by the database and written back into obj; auto_now and
// auto_now_add fields are set to db.Now(). The save hooks of the
// registry attached to db run around it, in one transaction.
func Insert[T any](ctx context.Context, db *database.DB, obj *T) error {
	m, err := MetaOf[T]()
	if err == nil {
		err = m.concrete()
	}
	if err != nil {
		return err
	}
	v := reflect.ValueOf(obj).Elem()
	return withSaveHooks(ctx, db, m, v, func(ctx context.Context) (bool, error) {
		return true, insert(ctx, db, m, v, false)
	})
}

// withSaveHooks runs write, which reports whether it inserted, between the
// model's save hooks, in a transaction when there are any. When the
// transaction rolls back, a primary key the insert assigned is reset.
func withSaveHooks(ctx context.Context, db *database.DB, m *Meta, v reflect.Value, write func(ctx context.Context) (created bool, err error)) error {
	h := registryOf(db).hooksFor(m.typ)
	if !h.on(BeforeSave | AfterSave) {
		_, err := write(ctx)
		return err
	}
	obj := v.Addr().Interface() // the *T the hooks take
	pk := v.FieldByIndex(m.PK.index)
	unsaved := m.PK.Kind.IsAuto() && pk.IsZero() // a key the insert would assign
	err := db.Atomic(ctx, func(ctx context.Context) error {
		if err := h.run(ctx, m, BeforeSave, db, obj, false); err != nil {
			return err
		}
		created, err := write(ctx)
		if err != nil {
			return err
		}
		if err := h.run(ctx, m, AfterSave, db, obj, created); err != nil {
			return err
		}
		return nil
	})
	if err != nil && unsaved {
		pk.SetZero()
	}
	return err
}

// insert adds the model value v as a row; raw leaves auto_now and
// auto_now_add fields as they are (fixtures).
func insert(ctx context.Context, db *database.DB, m *Meta, v reflect.Value, raw bool) error {
	now := db.Now().UTC()
	d := db.Dialect()
	pk := v.FieldByIndex(m.PK.index)
	autoPK := m.PK.Kind.IsAuto() && pk.IsZero()
	args := make([]any, 0, len(m.Fields))
	for _, f := range m.Fields {
		if f == m.PK && autoPK {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if !raw && (f.AutoNow || (f.AutoNowAdd && fv.IsZero())) {
			setTime(fv, now)
		}
		arg, err := f.dbValue(d, fv)
		if err != nil {
			return err
		}
		args = append(args, arg)
	}
	id, err := insertRow(ctx, db, m, autoPK, args)
	if err == nil && autoPK {
		pk.SetInt(id)
	}
	return err
}

// insertRow runs the INSERT of m with args bound in m.Fields' order (the
// primary key left out when autoPK) and returns the key the database
// chose, when autoPK.
func insertRow(ctx context.Context, db *database.DB, m *Meta, autoPK bool, args []any) (id int64, err error) {
	d := db.Dialect()
	query := m.insertSQL(d, autoPK)
	switch {
	case !autoPK:
		_, err = db.Exec(ctx, query, args...)
	case d.Features().Returning:
		err = db.QueryRow(ctx, query+" "+d.Returning([]string{d.QuoteIdent(m.PK.Column)}), args...).Scan(&id)
	default:
		var res interface{ LastInsertId() (int64, error) }
		if res, err = db.Exec(ctx, query, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	return id, err
}

// Save writes obj: an UPDATE of its row when its primary key is set and the
// row exists, an Insert otherwise, as Django's save does. auto_now fields
// are set to db.Now(). The save hooks run around it, as for Insert.
func Save[T any](ctx context.Context, db *database.DB, obj *T) error {
	m, err := MetaOf[T]()
	if err == nil {
		err = m.concrete()
	}
	if err != nil {
		return err
	}
	v := reflect.ValueOf(obj).Elem()
	return withSaveHooks(ctx, db, m, v, func(ctx context.Context) (bool, error) {
		return save(ctx, db, m, v, false)
	})
}

// save updates or inserts the model value v and reports whether it
// inserted; raw writes every field as it is (fixtures).
func save(ctx context.Context, db *database.DB, m *Meta, v reflect.Value, raw bool) (created bool, err error) {
	pk := v.FieldByIndex(m.PK.index)
	if pk.IsZero() && m.PK.Kind.IsAuto() {
		return true, insert(ctx, db, m, v, raw)
	}
	now := db.Now().UTC()
	set := Set{}
	for _, f := range m.Fields {
		if m.isKey(f) || (f.AutoNowAdd && !raw) {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if f.AutoNow && !raw {
			setTime(fv, now)
		}
		set[f.Name] = fv.Interface() // Update stores it as the field does
	}
	byKey := queryByPK[struct{}](db, m, v) // nothing is read into a T
	if len(set) == 0 {                     // only a key: make sure the row exists
		if n, err := byKey.Count(ctx); err != nil || n > 0 {
			return false, err
		}
		return true, insert(ctx, db, m, v, raw)
	}
	n, err := byKey.Update(ctx, set)
	if err != nil || n > 0 {
		return false, err
	}
	return true, insert(ctx, db, m, v, raw)
}

// Delete deletes obj's row; it is an error when there is none. With a
// registry attached to db, the on_delete rules of every registered model
// that points at it are followed in Go and the delete hooks run, all in one
// transaction, as Django's delete does; without one, the database's foreign
// key actions apply.
func Delete[T any](ctx context.Context, db *database.DB, obj *T) error {
	m, err := MetaOf[T]()
	if err != nil {
		return err
	}
	v := reflect.ValueOf(obj).Elem()
	n, err := queryByPK[T](db, m, v).Delete(ctx)
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: no %s with primary key %v to delete", ErrDoesNotExist, m.Name, keyText(m.keyOf(v)))
	}
	return err
}

// queryByPK selects the row of the model value v, of model m, by its
// primary key. T is m's Go type, or struct{} for a query that reads no row
// (Count, Update, Delete) on a model known at run time only.
func queryByPK[T any](db *database.DB, m *Meta, v reflect.Value) QuerySet[T] {
	match := Q{}
	for i, k := range m.keyOf(v) {
		match[m.Key[i].Name] = k
	}
	return QuerySet[T]{db: db, meta: m, limit: -1}.Where(match)
}

// keyText writes a primary key for messages: 7, or (7, 2) when composite.
func keyText(key []any) string {
	if len(key) == 1 {
		return fmt.Sprint(key[0])
	}
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = fmt.Sprint(k)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// setTime sets a time.Time or *time.Time field.
func setTime(fv reflect.Value, t time.Time) {
	switch p := fv.Addr().Interface().(type) {
	case *time.Time:
		*p = t
	case **time.Time:
		*p = &t
	}
}

// dbValue is what to bind for the field's value fv on d.
func (f *Field) dbValue(d dialect.Dialect, fv reflect.Value) (any, error) {
	if f.conv != nil {
		return f.conv.value(d, fv)
	}
	return bindable(fv.Interface()), nil
}

// Refresh reloads obj's fields from its row, as Django's refresh_from_db:
// ErrDoesNotExist when the row is gone.
func Refresh[T any](ctx context.Context, db *database.DB, obj *T) error {
	m, err := MetaOf[T]()
	if err != nil {
		return err
	}
	fresh, err := queryByPK[T](db, m, reflect.ValueOf(obj).Elem()).Get(ctx)
	if err != nil {
		return err
	}
	*obj = fresh
	return nil
}
