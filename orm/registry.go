package orm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/internal/unwrap"
)

// Registry is a project's set of models and their hooks: what Django keeps
// in its global apps registry, held here in a value the project builds from
// its installed apps and attaches to its databases with Use. With a registry
// attached, Insert, Save and Delete run the models' hooks, and deletes
// follow every model's on_delete rules in Go, as Django's collector does.
//
// A registry is filled, then used: the first Use freezes it (Register and
// Add then fail), so that the writes read it without a lock.
type Registry struct {
	mu     sync.Mutex // guards the fields below until frozen; Register and Add take it
	frozen bool
	models []*Meta
	byType map[reflect.Type]*Meta
	hooks  map[reflect.Type]*hooks
	refs   map[reflect.Type][]referrer // the keys pointing at each model; built by Use
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byType: map[reflect.Type]*Meta{}, hooks: map[reflect.Type]*hooks{}}
}

// Op names a write a hook runs at; ops combine with |.
type Op uint8

// The writes, Django's pre_save, post_save, pre_delete and post_delete.
const (
	BeforeSave Op = 1 << iota
	AfterSave
	BeforeDelete
	AfterDelete

	allOps = BeforeSave | AfterSave | BeforeDelete | AfterDelete
)

var opNames = []string{"BeforeSave", "AfterSave", "BeforeDelete", "AfterDelete"}

func (op Op) String() string {
	var names []string
	for i, n := range opNames {
		if op&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("Op(%d)", uint8(op))
	}
	return strings.Join(names, "|")
}

// Event is the write a hook runs at.
type Event[T any] struct {
	Op  Op           // one write: BeforeSave, AfterSave, BeforeDelete or AfterDelete
	DB  *database.DB // in the write's transaction
	Obj *T           // the row; at BeforeSave the hook may still change it
	// Created tells an insert from an update at AfterSave, which Save
	// only knows once it has written.
	Created bool
}

// Hook runs around the writes of model T, like Django's signal
// receivers, but registered on a Registry value. An error at a Before
// op stops the write; at an After op it undoes it, since the write and
// its hooks share a transaction.
//
// A hook runs at every op unless it is an OpsHook, as On makes one of a
// function. Say which ops: a model with save hooks saves in a
// transaction, and its deletes load the rows for the delete hooks. A
// wrapper around a hook has an Unwrap method returning it: without Ops of
// its own, it runs at the wrapped hook's ops.
type Hook[T any] interface {
	Hook(ctx context.Context, e Event[T]) error
}

// HookFunc is an adapter to use a function as a Hook.
type HookFunc[T any] func(ctx context.Context, e Event[T]) error

// Hook returns f(ctx, e).
func (f HookFunc[T]) Hook(ctx context.Context, e Event[T]) error { return f(ctx, e) }

// OpsHook is a Hook that runs only at the ops Ops returns.
type OpsHook interface {
	Ops() Op
}

// On returns f as a hook that runs only at ops, as ent's hook.On:
//
//	orm.On(orm.BeforeSave, func(ctx context.Context, e orm.Event[Question]) error { ... })
func On[T any](ops Op, f HookFunc[T]) Hook[T] { return onOps[T]{ops, f} }

type onOps[T any] struct {
	ops Op
	f   HookFunc[T]
}

func (h onOps[T]) Hook(ctx context.Context, e Event[T]) error { return h.f(ctx, e) }
func (h onOps[T]) Ops() Op                                    { return h.ops }

// hooks are a model's hooks with the type erased, so that deletes
// collected across models can run them.
type hooks []erasedHook

type erasedHook struct {
	ops Op
	run func(ctx context.Context, op Op, db *database.DB, obj any, created bool) error
}

// Register adds model T, with any hooks, to r. It is an error when T is
// not a valid model.
func Register[T any](r *Registry, hs ...Hook[T]) error {
	m, err := MetaOf[T]()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.frozen {
		return r.inUse(m)
	}
	h := r.add(m)
	for _, hk := range hs {
		if hk == nil {
			return fmt.Errorf("orm: Register of %s: a nil hook", m.Name)
		}
		ops := opsOf(hk)
		*h = append(*h, erasedHook{ops, func(ctx context.Context, op Op, db *database.DB, obj any, created bool) error {
			return hk.Hook(ctx, Event[T]{Op: op, DB: db, Obj: obj.(*T), Created: created})
		}})
	}
	return nil
}

// Add adds models given as zero values of their structs (Question{}), as
// apps list them, without hooks: their on_delete rules then apply to the
// deletes of the models they point at. It is an error when one is not a
// valid model.
func (r *Registry) Add(models ...any) error {
	metas := make([]*Meta, len(models))
	for i, v := range models {
		t := reflect.TypeOf(v)
		if t == nil || t.Kind() != reflect.Struct {
			return fmt.Errorf("orm: Registry.Add of %T: give zero values of model structs, as Question{}", v)
		}
		m, err := MetaOfType(t)
		if err != nil {
			return err
		}
		metas[i] = m
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.frozen && len(metas) > 0 {
		return r.inUse(metas[0])
	}
	for _, m := range metas {
		r.add(m)
	}
	return nil
}

func (r *Registry) inUse(m *Meta) error {
	return fmt.Errorf("orm: cannot register %s: the registry is in use by a database already; register every model before Use", m.Name)
}

// add registers m once and returns its hooks, for Register to extend.
// r.mu is held.
func (r *Registry) add(m *Meta) *hooks {
	if _, ok := r.byType[m.typ]; !ok {
		r.byType[m.typ] = m
		r.models = append(r.models, m)
	}
	h := r.hooks[m.typ]
	if h == nil {
		h = &hooks{}
		r.hooks[m.typ] = h
	}
	return h
}

// Models returns the registered models, in the order they were registered.
func (r *Registry) Models() []*Meta {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Meta(nil), r.models...)
}

// Use attaches r to db: the writes through db then run r's hooks and
// delete rules. It freezes r: register every model first. Attach it at
// start-up, before db is shared; a project attaches its registry to every
// database it opens.
func (r *Registry) Use(db *database.DB) {
	r.mu.Lock()
	if !r.frozen {
		r.frozen = true
		r.refs = map[reflect.Type][]referrer{}
		for _, rm := range r.models {
			for _, f := range rm.Fields {
				if f.related != nil {
					r.refs[f.related] = append(r.refs[f.related], referrer{rm, f})
				}
			}
		}
	}
	r.mu.Unlock()
	db.SetRegistry(r)
}

// registryOf returns the registry attached to db, or nil.
func registryOf(db *database.DB) *Registry {
	r, _ := db.Registry().(*Registry)
	return r
}

// hooksFor returns the hooks of the model t, or nil. r is frozen (it came
// from a database): no lock.
func (r *Registry) hooksFor(t reflect.Type) *hooks {
	if r == nil {
		return nil
	}
	return r.hooks[t]
}

// referrers returns the ForeignKey and OneToOne fields of registered models
// that point at m, with their models. r is frozen: no lock.
func (r *Registry) referrers(m *Meta) []referrer { return r.refs[m.typ] }

type referrer struct {
	meta *Meta
	fk   *Field
}

// opsOf returns the ops h runs at: those of the first OpsHook of its
// Unwrap chain, or all.
func opsOf[T any](h Hook[T]) Op {
	if o, ok := unwrap.As[OpsHook](h); ok {
		return o.Ops() & allOps
	}
	return allOps
}

// on reports whether a hook runs at one of ops.
func (h *hooks) on(ops Op) bool {
	if h == nil {
		return false
	}
	for _, hk := range *h {
		if hk.ops&ops != 0 {
			return true
		}
	}
	return false
}

// run calls the hooks of op on obj, a *T, in order; the first error stops
// and names the model.
func (h *hooks) run(ctx context.Context, m *Meta, op Op, db *database.DB, obj any, created bool) error {
	if h == nil {
		return nil
	}
	for _, hk := range *h {
		if hk.ops&op == 0 {
			continue
		}
		if err := hk.run(ctx, op, db, obj, created); err != nil {
			return hookError(m, op, err)
		}
	}
	return nil
}

// hookError names the model in a hook's failure.
func hookError(m *Meta, op Op, err error) error {
	return fmt.Errorf("orm: %s hook of %s: %w", op, m.Name, err)
}
