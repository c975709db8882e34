package orm

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/nuages-go/nuages/database"
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

// Hooks run around the writes of one model, like Django's pre_save,
// post_save, pre_delete and post_delete signals, but registered on a
// Registry value. A Before hook's error stops the write; an After hook's
// error undoes it, since the write and its hooks share a transaction.
// BeforeSave may still change obj; AfterSave's created tells an insert from
// an update, which Save only knows once it has written.
type Hooks[T any] struct {
	BeforeSave   func(ctx context.Context, db *database.DB, obj *T) error
	AfterSave    func(ctx context.Context, db *database.DB, obj *T, created bool) error
	BeforeDelete func(ctx context.Context, db *database.DB, obj *T) error
	AfterDelete  func(ctx context.Context, db *database.DB, obj *T) error
}

// hooks are a model's Hooks with the type erased, so that deletes collected
// across models can run them.
type hooks struct {
	afterSave                             []func(ctx context.Context, db *database.DB, obj any, created bool) error
	beforeSave, beforeDelete, afterDelete []func(ctx context.Context, db *database.DB, obj any) error
}

// Register adds model T, with any hooks, to r. It is an error when T is
// not a valid model.
func Register[T any](r *Registry, hs ...Hooks[T]) error {
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
		if f := hk.BeforeSave; f != nil {
			h.beforeSave = append(h.beforeSave, func(ctx context.Context, db *database.DB, obj any) error { return f(ctx, db, obj.(*T)) })
		}
		if f := hk.AfterSave; f != nil {
			h.afterSave = append(h.afterSave, func(ctx context.Context, db *database.DB, obj any, created bool) error {
				return f(ctx, db, obj.(*T), created)
			})
		}
		if f := hk.BeforeDelete; f != nil {
			h.beforeDelete = append(h.beforeDelete, func(ctx context.Context, db *database.DB, obj any) error { return f(ctx, db, obj.(*T)) })
		}
		if f := hk.AfterDelete; f != nil {
			h.afterDelete = append(h.afterDelete, func(ctx context.Context, db *database.DB, obj any) error { return f(ctx, db, obj.(*T)) })
		}
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

// run calls fns in order and stops at the first error.
func run(fns []func(ctx context.Context, db *database.DB, obj any) error, ctx context.Context, db *database.DB, obj any) error {
	for _, f := range fns {
		if err := f(ctx, db, obj); err != nil {
			return err
		}
	}
	return nil
}

func (h *hooks) runAfterSave(ctx context.Context, db *database.DB, obj any, created bool) error {
	for _, f := range h.afterSave {
		if err := f(ctx, db, obj, created); err != nil {
			return err
		}
	}
	return nil
}

func (h *hooks) onSave() bool   { return h != nil && len(h.beforeSave)+len(h.afterSave) > 0 }
func (h *hooks) onDelete() bool { return h != nil && len(h.beforeDelete)+len(h.afterDelete) > 0 }

// hookError names the model in a hook's failure.
func hookError(m *Meta, stage string, err error) error {
	return fmt.Errorf("orm: %s hook of %s: %w", stage, m.Name, err)
}
