// Package dbcache is the database backend of the cache framework, Django's
// DatabaseCache: a cache shared by every process of a site that has a
// database but no Redis. Rows live in one table (CreateTable, run by the
// createcachetable command); expired rows are culled as Django does, when
// the table holds more than Options.MaxEntries rows.
package dbcache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
)

// DefaultTable is the table of a cache whose Options.Table is empty.
const DefaultTable = "nuages_cache"

// Django's defaults for culling.
const (
	DefaultMaxEntries    = 300
	DefaultCullFrequency = 3
)

// never is the expiry of a key stored with cache.NoExpiry.
const never = math.MaxInt64

// Options configure New.
type Options struct {
	cache.Options
	// Table is the table's name (default DefaultTable).
	Table string
	// MaxEntries is how many rows the table holds before Set culls it,
	// Django's MAX_ENTRIES (default DefaultMaxEntries).
	MaxEntries int
	// CullFrequency: when the table is full, expired rows are deleted
	// and, if that is not enough, 1/CullFrequency of the rows, Django's
	// CULL_FREQUENCY (default DefaultCullFrequency; negative: all rows).
	CullFrequency int
}

// Cache is a cache.Cache in a database table.
type Cache struct {
	db         *database.DB
	keys       cache.Keys
	ttl        time.Duration
	now        func() time.Time
	table      string // quoted
	name       string
	maxEntries int
	cullFreq   int
	flight     cache.Flight
	closed     atomic.Bool

	// The statements, built once from the dialect.
	get, set, insert, replaceExpired, del, touch, cas string
}

var _ cache.Cache = (*Cache)(nil)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// New returns a cache on db's table opts.Table; it does not create the
// table (CreateTable does).
func New(db *database.DB, opts Options) (*Cache, error) {
	c := &Cache{
		db:         db,
		keys:       cache.NewKeys(opts.Options),
		ttl:        opts.TTL,
		now:        opts.Clock,
		name:       opts.Table,
		maxEntries: opts.MaxEntries,
		cullFreq:   opts.CullFrequency,
	}
	if c.name == "" {
		c.name = DefaultTable
	}
	if !identifier.MatchString(c.name) {
		return nil, fmt.Errorf("cache/dbcache: table name %q: use letters, digits and underscores, such as %q", c.name, DefaultTable)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxEntries <= 0 {
		c.maxEntries = DefaultMaxEntries
	}
	if c.cullFreq == 0 {
		c.cullFreq = DefaultCullFrequency
	}
	d := db.Dialect()
	q := d.QuoteIdent
	c.table = q(c.name)
	p := d.Placeholder
	key, value, expires := q("cache_key"), q("value"), q("expires")
	insert, suffix, err := d.Upsert(dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"cache_key"}, Update: []string{"value", "expires"}})
	if err != nil {
		return nil, fmt.Errorf("cache/dbcache: %w", err)
	}
	c.get = "SELECT " + value + " FROM " + c.table + " WHERE " + key + " = " + p(1) + " AND " + expires + " > " + p(2)
	c.set = insert + " INTO " + c.table + " (" + key + ", " + value + ", " + expires + ") VALUES (" + p(1) + ", " + p(2) + ", " + p(3) + ") " + suffix
	c.insert = "INSERT INTO " + c.table + " (" + key + ", " + value + ", " + expires + ") VALUES (" + p(1) + ", " + p(2) + ", " + p(3) + ")"
	c.replaceExpired = "UPDATE " + c.table + " SET " + value + " = " + p(1) + ", " + expires + " = " + p(2) + " WHERE " + key + " = " + p(3) + " AND " + expires + " <= " + p(4)
	c.del = "DELETE FROM " + c.table + " WHERE " + key + " = " + p(1)
	c.touch = "UPDATE " + c.table + " SET " + expires + " = " + p(1) + " WHERE " + key + " = " + p(2) + " AND " + expires + " > " + p(3)
	c.cas = "UPDATE " + c.table + " SET " + value + " = " + p(1) + " WHERE " + key + " = " + p(2) + " AND " + value + " = " + p(3) + " AND " + expires + " > " + p(4)
	return c, nil
}

// Table returns the table's definition: the key, the value and its expiry
// in Unix nanoseconds, with an index on the expiry for culling.
func Table(name string) dialect.Table {
	return dialect.Table{
		Name: name,
		Columns: []dialect.Column{
			{Name: "cache_key", Kind: dialect.KindChar, MaxLength: cache.MaxKeyLength, PrimaryKey: true},
			{Name: "value", Kind: dialect.KindBinary},
			{Name: "expires", Kind: dialect.KindBigInt},
		},
		Indexes: []dialect.Index{{Name: dialect.ObjectName(name, []string{"expires"}, "idx"), Columns: []string{"expires"}}},
	}
}

// CreateTable creates the cache's table unless it exists, and reports
// whether it did: Django's createcachetable.
func (c *Cache) CreateTable(ctx context.Context) (bool, error) {
	tables, _, _ := c.db.Dialect().Introspect()
	rows, err := c.db.Query(ctx, tables)
	if err != nil {
		return false, fmt.Errorf("cache/dbcache: listing tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return false, err
		}
		if name == c.name {
			return false, rows.Close()
		}
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	stmts, err := c.db.Dialect().CreateTable(Table(c.name))
	if err != nil {
		return false, fmt.Errorf("cache/dbcache: %w", err)
	}
	err = c.db.Atomic(ctx, func(ctx context.Context) error {
		for _, s := range stmts {
			if _, err := c.db.Exec(ctx, s); err != nil {
				return fmt.Errorf("cache/dbcache: creating table %s: %w", c.name, err)
			}
		}
		return nil
	})
	return err == nil, err
}

// ctx detaches the cache's statements from the caller's transaction: a
// cache write must not roll back with it, nor a failed INSERT abort it.
// SQLite has a single writer, so there they join the caller's transaction
// (as all of Django's do) rather than wait for it to end.
func (c *Cache) ctx(ctx context.Context) (context.Context, error) {
	if c.closed.Load() {
		return nil, cache.ErrClosed
	}
	if c.db.Dialect().Features().SingleWriter {
		return ctx, nil
	}
	return c.db.WithoutTx(ctx), nil
}

func (c *Cache) nowNano() int64 { return c.now().UnixNano() }

// expiry returns the stored expiry for ttl, and false if the key is
// expired at once.
func (c *Cache) expiry(ttl time.Duration) (int64, bool) {
	d, expires := cache.ResolveTTL(ttl, c.ttl)
	if !expires {
		return never, true
	}
	if d <= 0 {
		return 0, false
	}
	return c.now().Add(d).UnixNano(), true
}

func (c *Cache) fail(op, key string, err error) error {
	if errors.Is(err, database.ErrClosed) {
		return fmt.Errorf("%w: %w", cache.ErrClosed, err)
	}
	return fmt.Errorf("cache/dbcache: %s %q: %w", op, key, err)
}

// Get implements cache.Cache.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return nil, err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return nil, err
	}
	var v []byte
	switch err := c.db.QueryRow(ctx, c.get, k, c.nowNano()).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, cache.ErrCacheMiss
	case err != nil:
		return nil, c.fail("get", key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// Set implements cache.Cache.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	k, err := c.keys.Make(key)
	if err != nil {
		return err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return err
	}
	return c.setMade(ctx, key, k, value, ttl)
}

func (c *Cache) setMade(ctx context.Context, key, k string, value []byte, ttl time.Duration) error {
	exp, ok := c.expiry(ttl)
	if !ok {
		_, err := c.db.Exec(ctx, c.del, k)
		return c.failIf("set", key, err)
	}
	if err := c.cull(ctx); err != nil {
		return err
	}
	_, err := c.db.Exec(ctx, c.set, k, nonNil(value), exp)
	return c.failIf("set", key, err)
}

func (c *Cache) failIf(op, key string, err error) error {
	if err != nil {
		return c.fail(op, key, err)
	}
	return nil
}

// nonNil stores an empty value as an empty blob, not NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// cull makes room as Django's _cull does: when the table holds more than
// MaxEntries rows, delete the expired ones, then if still full a
// CullFrequency-th of the rows, the first in key order.
func (c *Cache) cull(ctx context.Context) error {
	var n int
	if err := c.db.QueryRow(ctx, "SELECT COUNT(*) FROM "+c.table).Scan(&n); err != nil {
		return c.fail("count", "", err)
	}
	if n < c.maxEntries {
		return nil
	}
	d := c.db.Dialect()
	res, err := c.db.Exec(ctx, "DELETE FROM "+c.table+" WHERE "+d.QuoteIdent("expires")+" <= "+d.Placeholder(1), c.nowNano())
	if err != nil {
		return c.fail("cull", "", err)
	}
	if gone, err := res.RowsAffected(); err == nil {
		n -= int(gone)
	}
	if n < c.maxEntries {
		return nil
	}
	if c.cullFreq < 0 {
		_, err := c.db.Exec(ctx, "DELETE FROM "+c.table)
		return c.failIf("cull", "", err)
	}
	var cutoff string
	key := d.QuoteIdent("cache_key")
	err = c.db.QueryRow(ctx, "SELECT "+key+" FROM "+c.table+" ORDER BY "+key+" "+d.LimitOffset(1, int64(n/c.cullFreq))).Scan(&cutoff)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return c.fail("cull", "", err)
	}
	_, err = c.db.Exec(ctx, "DELETE FROM "+c.table+" WHERE "+key+" < "+d.Placeholder(1), cutoff)
	return c.failIf("cull", "", err)
}

// Add implements cache.Cache: an INSERT, or if the key exists but is
// expired, an UPDATE of the expired row only.
func (c *Cache) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return false, err
	}
	exp, ok := c.expiry(ttl)
	if !ok {
		return false, nil
	}
	if err := c.cull(ctx); err != nil {
		return false, err
	}
	_, err = c.db.Exec(ctx, c.insert, k, nonNil(value), exp)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, database.ErrUniqueViolation) {
		return false, c.fail("add", key, err)
	}
	res, err := c.db.Exec(ctx, c.replaceExpired, nonNil(value), exp, k, c.nowNano())
	if err != nil {
		return false, c.fail("add", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, c.failIf("add", key, err)
}

// GetOrSet implements cache.Cache.
func (c *Cache) GetOrSet(ctx context.Context, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	return c.flight.GetOrSet(ctx, c, key, ttl, compute)
}

// Delete implements cache.Cache.
func (c *Cache) Delete(ctx context.Context, key string) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return false, err
	}
	res, err := c.db.Exec(ctx, c.del, k)
	if err != nil {
		return false, c.fail("delete", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, c.failIf("delete", key, err)
}

// Incr implements cache.Cache by compare-and-swap: the new value is
// written only if the row still holds the value read, so concurrent
// increments never lose one, without locks on any engine.
func (c *Cache) Incr(ctx context.Context, key string, delta int64) (int64, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return 0, err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return 0, err
	}
	for range 1000 {
		var old []byte
		err := c.db.QueryRow(ctx, c.get, k, c.nowNano()).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("%w: cannot increment %q", cache.ErrCacheMiss, key)
		}
		if err != nil {
			return 0, c.fail("incr", key, err)
		}
		n, err := cache.ParseInt(old)
		if err != nil {
			return 0, err
		}
		if n, err = cache.AddInt(n, delta); err != nil {
			return 0, err
		}
		if delta == 0 {
			return n, nil
		}
		res, err := c.db.Exec(ctx, c.cas, strconv.AppendInt(nil, n, 10), k, old, c.nowNano())
		if err != nil {
			return 0, c.fail("incr", key, err)
		}
		if swapped, err := res.RowsAffected(); err != nil || swapped == 1 {
			return n, c.failIf("incr", key, err)
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("cache/dbcache: incr %q: too much contention, gave up after 1000 attempts", key)
}

// Decr implements cache.Cache.
func (c *Cache) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	neg, err := cache.Negate(delta)
	if err != nil {
		return 0, err
	}
	return c.Incr(ctx, key, neg)
}

// in returns "col IN (p(from), ...)" for n values.
func (c *Cache) in(col string, from, n int) string {
	d := c.db.Dialect()
	ph := make([]string, n)
	for i := range ph {
		ph[i] = d.Placeholder(from + i)
	}
	return d.QuoteIdent(col) + " IN (" + strings.Join(ph, ", ") + ")"
}

// GetMany implements cache.Cache in one query.
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	made := make(map[string]string, len(keys))
	args := make([]any, 0, len(keys)+1)
	args = append(args, int64(0))
	for _, key := range keys {
		k, err := c.keys.Make(key)
		if err != nil {
			return nil, err
		}
		if _, dup := made[k]; !dup {
			made[k] = key
			args = append(args, k)
		}
	}
	out := make(map[string][]byte, len(made))
	ctx, err := c.ctx(ctx)
	if err != nil || len(made) == 0 {
		return out, err
	}
	args[0] = c.nowNano()
	d := c.db.Dialect()
	q := "SELECT " + d.QuoteIdent("cache_key") + ", " + d.QuoteIdent("value") + " FROM " + c.table +
		" WHERE " + d.QuoteIdent("expires") + " > " + d.Placeholder(1) + " AND " + c.in("cache_key", 2, len(made))
	rows, err := c.db.Query(ctx, q, args...)
	if err != nil {
		return nil, c.fail("get many", "", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return nil, c.fail("get many", "", err)
		}
		out[made[k]] = nonNil(v)
	}
	return out, c.failIf("get many", "", rows.Err())
}

// SetMany implements cache.Cache in one transaction.
func (c *Cache) SetMany(ctx context.Context, items map[string][]byte, ttl time.Duration) error {
	made := make(map[string]string, len(items))
	for key := range items {
		k, err := c.keys.Make(key)
		if err != nil {
			return err
		}
		made[key] = k
	}
	ctx, err := c.ctx(ctx)
	if err != nil || len(items) == 0 {
		return err
	}
	return c.db.Atomic(ctx, func(ctx context.Context) error {
		for key, v := range items {
			if err := c.setMade(ctx, key, made[key], v, ttl); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteMany implements cache.Cache in one statement.
func (c *Cache) DeleteMany(ctx context.Context, keys []string) error {
	args := make([]any, len(keys))
	for i, key := range keys {
		k, err := c.keys.Make(key)
		if err != nil {
			return err
		}
		args[i] = k
	}
	ctx, err := c.ctx(ctx)
	if err != nil || len(keys) == 0 {
		return err
	}
	_, err = c.db.Exec(ctx, "DELETE FROM "+c.table+" WHERE "+c.in("cache_key", 1, len(keys)), args...)
	return c.failIf("delete many", "", err)
}

// Touch implements cache.Cache.
func (c *Cache) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	if ctx, err = c.ctx(ctx); err != nil {
		return false, err
	}
	exp, ok := c.expiry(ttl)
	if !ok {
		return c.Delete(ctx, key)
	}
	res, err := c.db.Exec(ctx, c.touch, exp, k, c.nowNano())
	if err != nil {
		return false, c.fail("touch", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, c.failIf("touch", key, err)
}

// Clear deletes this cache's rows: those whose key starts with its prefix
// and version. Other caches sharing the table keep theirs.
func (c *Cache) Clear(ctx context.Context) error {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return err
	}
	d := c.db.Dialect()
	q := "DELETE FROM " + c.table + " WHERE " + d.Match(dialect.StartsWith, d.QuoteIdent("cache_key"), d.Placeholder(1))
	_, err = c.db.Exec(ctx, q, d.MatchArg(dialect.StartsWith, c.keys.Prefix()))
	return c.failIf("clear", "", err)
}

// Close marks the cache closed; the database stays open (the project owns
// it).
func (c *Cache) Close() error {
	c.closed.Store(true)
	return nil
}
