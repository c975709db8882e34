package orm

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/internal/names"
	"github.com/nuages-go/nuages/internal/structtag"
)

// ManyToMany is a many-to-many relation to model T, like Django's
// ManyToManyField. It has no column: the pairs are rows of a table of their
// own, named "<table>_<field>" (the db_table option changes it), with a
// ForeignKey to each side, "<model>_id" and "<target>_id" ("from_<model>_id"
// and "to_<model>_id" when a model relates to itself).
//
//	type Pizza struct {
//		orm.Model
//		Toppings orm.ManyToMany[Topping]
//	}
//
// Lookups follow it ("toppings__name"; a row matches once per related row,
// so add Distinct where that matters), PrefetchRelated("toppings") fills
// it, and Links(db, &pizza, &pizza.Toppings) adds and removes pairs. The
// other side declares it with Related[Pizza].
type ManyToMany[T any] struct{ prefetched[T] }

func (ManyToMany[T]) manyToMany() (target, through reflect.Type) {
	return reflect.TypeFor[T](), nil
}

// ManyToManyThrough is a many-to-many relation to model T whose pairs are
// rows of the model Through, as Django's ManyToManyField(through=...):
// Through holds a ForeignKey to each side and any fields of its own (the
// date someone joined a group). Create and delete Through rows to change
// the pairs. When Through has several keys to one side, name the two to
// follow with `orm:"through_fields=from|to"`.
type ManyToManyThrough[T, Through any] struct{ prefetched[T] }

func (ManyToManyThrough[T, Through]) manyToMany() (target, through reflect.Type) {
	return reflect.TypeFor[T](), reflect.TypeFor[Through]()
}

// manyToManyer is implemented by ManyToMany and ManyToManyThrough.
type manyToManyer interface {
	manyToMany() (target, through reflect.Type)
}

// m2m is what a many-to-many field knows; the link table is worked out on
// first use, when both models' metadata can be built.
type m2m struct {
	owner         *Meta
	field         *Field
	target        reflect.Type
	through       reflect.Type // nil for an automatic table
	table         string       // db_table of an automatic table
	throughFields [2]string    // through_fields: the keys to the owner and the target

	once sync.Once
	link *link
	err  error
}

// link is the table holding the pairs of a many-to-many relation.
type link struct {
	meta     *Meta  // the through model, made up for an automatic table
	src, dst *Field // its keys to the owner and to the target
	target   *Meta
	auto     bool
}

// manyToManyTag is the vocabulary of a ManyToMany or ManyToManyThrough
// field's tag.
var manyToManyTag = structtag.Vocabulary{Tag: "orm", For: "a many-to-many field", Keys: []string{
	"db_table=", "through_fields=", "blank", "verbose_name=", "help_text=", "related_name=",
}}

func newManyToManyField(owner *Meta, sf reflect.StructField, tag string, target, through reflect.Type) (*Field, error) {
	f := &Field{Name: names.Snake(sf.Name), GoName: sf.Name, goType: sf.Type, Editable: true, Blank: false}
	f.m2m = &m2m{owner: owner, field: f, target: target, through: through}
	opts, err := manyToManyTag.Parse(tag)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		key, val := o.Key, o.Value
		switch key {
		case "db_table":
			if through != nil {
				return nil, fmt.Errorf("db_table names an automatic table; a ManyToManyThrough's table is its through model's")
			}
			if val == "" {
				return nil, fmt.Errorf("db_table needs a name")
			}
			f.m2m.table = val
		case "through_fields":
			from, to, ok := strings.Cut(val, "|")
			if through == nil || !ok || from == "" || to == "" {
				return nil, fmt.Errorf("through_fields=%q: it takes two fields of the through model, the key to this model and the key to the target, as through_fields=from|to, on a ManyToManyThrough", val)
			}
			f.m2m.throughFields = [2]string{from, to}
		case "blank":
			f.Blank = o.Bool()
		case "verbose_name":
			f.VerboseName = val
		case "help_text":
			f.HelpText = val
		case "related_name":
			f.RelatedName = val
		}
	}
	if f.VerboseName == "" {
		f.VerboseName = strings.ReplaceAll(f.Name, "_", " ")
	}
	return f, nil
}

// Through returns the model whose rows hold the pairs of a many-to-many
// field: the through model, or the one made up for an automatic table
// (migrations create its table with the others).
func (f *Field) Through() (*Meta, error) {
	if f.m2m == nil {
		return nil, fmt.Errorf("orm: field %s is not a many-to-many relation", f.Name)
	}
	l, err := f.m2m.resolve()
	if err != nil {
		return nil, err
	}
	return l.meta, nil
}

func (r *m2m) resolve() (*link, error) {
	r.once.Do(func() {
		r.link, r.err = r.build()
		if r.err != nil {
			r.err = fmt.Errorf("orm: %s.%s: %w", r.owner.Name, r.field.GoName, r.err)
		}
	})
	return r.link, r.err
}

func (r *m2m) build() (*link, error) {
	target, err := metaFor(r.target)
	if err != nil {
		return nil, err
	}
	for _, m := range []*Meta{r.owner, target} {
		if m.composite() || !m.PK.Kind.IsAuto() && m.PK.Kind != dialect.KindBigInt {
			return nil, fmt.Errorf("%s's primary key is not an integer: not supported yet", m.Name)
		}
	}
	if r.through == nil {
		return r.automatic(target), nil
	}
	tm, err := metaFor(r.through)
	if err != nil {
		return nil, err
	}
	src, err := keyTo(tm, r.owner, r.throughFields[0], target == r.owner)
	if err != nil {
		return nil, err
	}
	dst, err := keyTo(tm, target, r.throughFields[1], target == r.owner)
	if err != nil {
		return nil, err
	}
	if src == dst {
		return nil, fmt.Errorf("through model %s needs two keys to %s: name them with `orm:\"through_fields=from|to\"`", tm.Name, target.Name)
	}
	return &link{meta: tm, src: src, dst: dst, target: target}, nil
}

// keyTo finds the ForeignKey of the through model tm that points at m: the
// one named, or the only one.
func keyTo(tm, m *Meta, name string, self bool) (*Field, error) {
	if name != "" {
		f, ok := tm.Field(name)
		if !ok || f.related != m.typ {
			return nil, fmt.Errorf("through_fields: %s has no ForeignKey %q to %s", tm.Name, name, m.Name)
		}
		return f, nil
	}
	var found []*Field
	for _, f := range tm.Fields {
		if f.related == m.typ {
			found = append(found, f)
		}
	}
	switch {
	case len(found) == 1 && !self:
		return found[0], nil
	case len(found) == 0:
		return nil, fmt.Errorf("through model %s has no ForeignKey to %s", tm.Name, m.Name)
	}
	return nil, fmt.Errorf("through model %s has %d ForeignKeys to %s: name the two to follow with `orm:\"through_fields=from|to\"`", tm.Name, len(found), m.Name)
}

// automatic makes up the model of an automatic table, as Django does: an id,
// a key to each side, and one row per pair.
func (r *m2m) automatic(target *Meta) *link {
	from, to := names.Snake(r.owner.Name), names.Snake(target.Name)
	if target == r.owner || r.owner.typ == target.typ {
		from, to = "from_"+from, "to_"+to
	}
	table := r.table
	if table == "" {
		table = r.owner.Table + "_" + r.field.Name
	}
	m := &Meta{Name: r.owner.Name + "_" + r.field.GoName, Table: table, byName: map[string]*Field{}}
	key := func(name string, to reflect.Type) *Field {
		return &Field{Name: name, GoName: name, Column: name + "_id", Kind: dialect.KindBigInt, Index: true,
			related: to, OnDelete: dialect.Cascade, deleteRule: "cascade", Editable: true, VerboseName: name}
	}
	id := &Field{Name: "id", GoName: "ID", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true, VerboseName: "ID"}
	src, dst := key(from, r.owner.typ), key(to, target.typ)
	for i, f := range []*Field{id, src, dst} {
		f.pos = i
		m.Fields = append(m.Fields, f)
		m.byName[f.Name] = f
	}
	m.PK = id
	m.unique = [][]string{{src.Column, dst.Column}}
	return &link{meta: m, src: src, dst: dst, target: target, auto: true}
}

// reversed is the link read from the target's side: the pairs' key to the
// target first.
func (l *link) reversed(owner *Meta) *link {
	return &link{meta: l.meta, src: l.dst, dst: l.src, target: owner, auto: l.auto}
}

// linkOf returns the link a relation field without a column follows from
// model m: a many-to-many field of m, or a Related field naming the other
// side of one.
func linkOf(m *Meta, f *Field) (*link, bool, error) {
	if f.m2m != nil {
		l, err := f.m2m.resolve()
		return l, true, err
	}
	rel, back, err := f.backKey(m)
	if err != nil || back.m2m == nil {
		return nil, false, err
	}
	l, err := back.m2m.resolve()
	if err != nil {
		return nil, false, err
	}
	return l.reversed(rel), true, nil
}

// isPK reports whether name names m's primary key: "pk" or its field name.
func isPK(m *Meta, name string) bool {
	return name == "pk" || name == m.PK.Name
}
