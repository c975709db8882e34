package orm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
)

// ErrProtected is matched by errors.Is when a delete is refused because a
// foreign key with on_delete=protect, or one with on_delete=restrict whose
// rows are not deleted along, points at the rows, as Django's
// ProtectedError and RestrictedError.
var ErrProtected = errors.New("orm: protected by a foreign key")

// collector gathers what deleting rows takes with it, as Django's
// Collector: the rows of every model that cascade, the foreign keys that
// on_delete=set_null or set_default rewrite, and the rows that protect or
// restrict the delete. It follows the models of the registry attached to the
// database.
type collector struct {
	reg        *Registry
	db         *database.DB
	order      []*Meta                  // models in the order met; deleted in reverse
	rows       map[*Meta]map[int64]bool // primary keys to delete, per model
	updates    []fieldUpdate
	restricted []restriction
}

// fieldUpdate sets fk of the rows pointing at the keys to value.
type fieldUpdate struct {
	ref   referrer
	value any
	keys  []any
}

// restriction lists rows an on_delete=restrict key makes the delete depend on.
type restriction struct {
	ref  referrer
	rows []int64
}

// add collects the rows of m with the given keys and, through the
// registry, what points at them.
func (c *collector) add(ctx context.Context, m *Meta, keys []int64) error {
	seen := c.rows[m]
	if seen == nil {
		seen = map[int64]bool{}
		c.rows[m] = seen
		c.order = append(c.order, m)
	}
	var fresh []any
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	for _, ref := range c.reg.referrers(m) {
		if ref.fk.deleteRule == "do_nothing" {
			continue
		}
		if ref.fk.deleteRule == "set_null" || ref.fk.deleteRule == "set_default" {
			var value any // NULL
			if ref.fk.deleteRule == "set_default" {
				value = ref.fk.Default
			}
			c.updates = append(c.updates, fieldUpdate{ref, value, fresh})
			continue
		}
		pointing, err := c.keysOf(ctx, ref, fresh)
		if err != nil {
			return err
		}
		switch {
		case len(pointing) == 0:
		case ref.fk.deleteRule == "protect":
			return fmt.Errorf("%w: cannot delete %s %v: %d %s row(s) point at it through %s.%s, which is on_delete=protect",
				ErrProtected, m.Name, fresh[0], len(pointing), ref.meta.Name, ref.meta.Name, ref.fk.GoName)
		case ref.fk.deleteRule == "restrict":
			c.restricted = append(c.restricted, restriction{ref, pointing})
		default: // cascade
			if err := c.add(ctx, ref.meta, pointing); err != nil {
				return err
			}
		}
	}
	return nil
}

// keysOf returns the primary keys of the rows of ref's model whose key
// points at one of keys.
func (c *collector) keysOf(ctx context.Context, ref referrer, keys []any) ([]int64, error) {
	d := c.db.Dialect()
	var out []int64
	for chunk := range slices.Chunk(keys, maxBoundArgs) {
		cc := newCompiler(d, ref.meta)
		cond, err := (lookupCond{ref.fk.Name + "__in", chunk}).compile(cc)
		if err != nil {
			return nil, err
		}
		rows, err := c.db.Query(ctx, "SELECT "+cc.ref(ref.meta.Table, ref.meta.PK)+" FROM "+d.QuoteIdent(ref.meta.Table)+" WHERE "+cond, cc.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkRestricted refuses the delete when a restricting row is not deleted
// along: Django allows RESTRICT only where a cascade removes the row too.
func (c *collector) checkRestricted() error {
	for _, r := range c.restricted {
		for _, k := range r.rows {
			if !c.rows[r.ref.meta][k] {
				return fmt.Errorf("%w: cannot delete the %s: %s %d points at it through %s.%s, which is on_delete=restrict",
					ErrProtected, r.ref.fk.related.Name(), r.ref.meta.Name, k, r.ref.meta.Name, r.ref.fk.GoName)
			}
		}
	}
	return nil
}

// run deletes what was collected: Before hooks, the foreign keys rewritten,
// the rows from the last model met to the first, then After hooks. It
// returns how many rows of each model were deleted.
func (c *collector) run(ctx context.Context) (map[*Meta]int64, error) {
	if err := c.checkRestricted(); err != nil {
		return nil, err
	}
	loaded := map[*Meta][]reflect.Value{}
	for _, m := range c.order {
		h := c.reg.hooksFor(m.typ)
		if !h.on(BeforeDelete | AfterDelete) {
			continue
		}
		objs, err := c.load(ctx, m)
		if err != nil {
			return nil, err
		}
		loaded[m] = objs
		for _, obj := range objs {
			if err := h.run(ctx, m, BeforeDelete, c.db, obj.Interface(), false); err != nil {
				return nil, err
			}
		}
	}
	d := c.db.Dialect()
	for _, u := range c.updates {
		for chunk := range slices.Chunk(u.keys, maxBoundArgs-1) {
			cc := newCompiler(d, u.ref.meta)
			set := d.QuoteIdent(u.ref.fk.Column) + " = " + cc.bind(u.value)
			cond, err := (lookupCond{u.ref.fk.Name + "__in", chunk}).compile(cc)
			if err != nil {
				return nil, err
			}
			if _, err := c.db.Exec(ctx, "UPDATE "+d.QuoteIdent(u.ref.meta.Table)+" SET "+set+" WHERE "+cond, cc.args...); err != nil {
				return nil, err
			}
		}
	}
	counts := map[*Meta]int64{}
	for _, m := range slices.Backward(c.order) {
		keys := slices.Sorted(maps.Keys(c.rows[m]))
		for chunk := range slices.Chunk(keys, maxBoundArgs) {
			n, err := deleteKeys(ctx, c.db, m, chunk)
			if err != nil {
				return nil, err
			}
			counts[m] += n
		}
	}
	for _, m := range c.order {
		h := c.reg.hooksFor(m.typ)
		for _, obj := range loaded[m] {
			if err := h.run(ctx, m, AfterDelete, c.db, obj.Interface(), false); err != nil {
				return nil, err
			}
		}
	}
	return counts, nil
}

// load reads the collected rows of m, for its hooks.
func (c *collector) load(ctx context.Context, m *Meta) ([]reflect.Value, error) {
	keys := slices.Sorted(maps.Keys(c.rows[m]))
	var out []reflect.Value
	for chunk := range slices.Chunk(keys, maxBoundArgs) {
		ids := make([]any, len(chunk))
		for i, k := range chunk {
			ids[i] = k
		}
		byID, err := loadByID(ctx, c.db, m, ids)
		if err != nil {
			return nil, err
		}
		for _, k := range chunk {
			if obj, ok := byID[k]; ok {
				out = append(out, obj)
			}
		}
	}
	return out, nil
}

func deleteKeys(ctx context.Context, db *database.DB, m *Meta, keys []int64) (int64, error) {
	d := db.Dialect()
	phs := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		phs[i], args[i] = d.Placeholder(i+1), k
	}
	return rowsAffected(db.Exec(ctx, "DELETE FROM "+d.QuoteIdent(m.Table)+" WHERE "+d.QuoteIdent(m.PK.Column)+" IN ("+strings.Join(phs, ", ")+")", args...))
}

// collectAndDelete deletes the rows of m with the given keys and what their
// on_delete rules take with them, in one transaction.
func collectAndDelete(ctx context.Context, db *database.DB, reg *Registry, m *Meta, keys []int64) (int64, error) {
	var n int64
	err := db.Atomic(ctx, func(ctx context.Context) error {
		c := &collector{reg: reg, db: db, rows: map[*Meta]map[int64]bool{}}
		if err := c.add(ctx, m, keys); err != nil {
			return err
		}
		counts, err := c.run(ctx)
		n = counts[m]
		return err
	})
	return n, err
}

// needsCollector reports whether deleting rows of m must go through the
// collector: a registry is attached, and it holds hooks for a model or a
// key that points at m. A historical model (no Go type, so no registered
// key can name it) follows the database's rules too.
func needsCollector(reg *Registry, m *Meta) bool {
	if reg == nil || m.typ == nil || m.composite() || !m.PK.Kind.IsAuto() && m.PK.Kind != dialect.KindBigInt {
		return false // keys that are not integers: the database's own rules apply
	}
	return reg.hooksFor(m.typ).on(BeforeDelete|AfterDelete) || len(reg.referrers(m)) > 0
}
