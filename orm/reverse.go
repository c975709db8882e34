package orm

import (
	"fmt"
	"reflect"

	"github.com/nuages-go/nuages/internal/names"
	"github.com/nuages-go/nuages/internal/structtag"
)

// Related declares, on a model, the other side of a ForeignKey or
// ManyToMany that model T holds: the rows of T that point at this one, like
// Django's reverse accessors (question.choice_set, or related_name="choices"):
//
//	type Question struct {
//		orm.Model
//		Choices orm.Related[Choice] // Choice has Question orm.ForeignKey[Question]
//	}
//
// It has no column. Lookups follow it ("choices__votes__gt"; a row matches
// once per related row, so add Distinct where that matters), and
// PrefetchRelated("choices") fills it. When T has several relations to the
// model, name the one to follow: `orm:"by=question"`.
type Related[T any] struct{ prefetched[T] }

func (Related[T]) reverseOf() reflect.Type { return reflect.TypeFor[T]() }

// prefetched holds the rows PrefetchRelated read for a relation to many
// rows: Related, ManyToMany and ManyToManyThrough embed it.
type prefetched[T any] struct {
	items  []T
	loaded bool
}

// Loaded returns the related rows PrefetchRelated read.
func (p prefetched[T]) Loaded() ([]T, bool) { return p.items, p.loaded }

func (p *prefetched[T]) fill(items any) { p.items, p.loaded = items.([]T), true }

// reverser is implemented by Related.
type reverser interface{ reverseOf() reflect.Type }

// filler is implemented by *Related, so that code working by reflection can
// attach prefetched rows.
type filler interface{ fill(items any) }

func newReverseField(sf reflect.StructField, tag string, target reflect.Type) (*Field, error) {
	f := &Field{Name: names.Snake(sf.Name), GoName: sf.Name, reverse: target, goType: sf.Type}
	opts, err := reverseTag.Parse(tag)
	if err != nil {
		return nil, err
	}
	f.by, _ = opts.Lookup("by")
	f.VerboseName, _ = opts.Lookup("verbose_name")
	return f, nil
}

// reverseTag is the vocabulary of a Related field's tag.
var reverseTag = structtag.Vocabulary{Tag: "orm", For: "a Related field", Keys: []string{"by=", "verbose_name="}}

// backKey returns the model a Related field reads and its ForeignKey that
// points at owner.
func (f *Field) backKey(owner *Meta) (*Meta, *Field, error) {
	rel, err := metaFor(f.reverse)
	if err != nil {
		return nil, nil, err
	}
	var found []*Field
	for _, fk := range rel.Fields {
		if fk.related == owner.typ && (f.by == "" || fk.Name == f.by) {
			found = append(found, fk)
		}
	}
	for _, fk := range rel.ManyToMany {
		if fk.m2m.target == owner.typ && (f.by == "" || fk.Name == f.by) {
			found = append(found, fk)
		}
	}
	switch len(found) {
	case 1:
		return rel, found[0], nil
	case 0:
		if f.by != "" {
			return nil, nil, fmt.Errorf("orm: %s.%s: %s has no ForeignKey or ManyToMany %q to %s", owner.Name, f.Name, rel.Name, f.by, owner.Name)
		}
		return nil, nil, fmt.Errorf("orm: %s.%s: %s has no ForeignKey or ManyToMany to %s", owner.Name, f.Name, rel.Name, owner.Name)
	}
	return nil, nil, fmt.Errorf("orm: %s.%s: %s has %d relations to %s: name one with `orm:\"by=...\"`", owner.Name, f.Name, rel.Name, len(found), owner.Name)
}
