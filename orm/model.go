package orm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/internal/names"
	"github.com/nuages-go/nuages/internal/structtag"
)

// Model gives a struct Django's automatic primary key: a 64-bit
// auto-increment column "id". Embed it first.
type Model struct {
	ID int64 `orm:"primary_key"`
}

// Metaer is implemented by models with options beyond their fields; the
// method is called on the zero value.
type Metaer interface {
	Meta() Options
}

// Options are a model's table-level options, like Django's class Meta.
type Options struct {
	Table             string   // table name; default: the type name in snake_case
	Ordering          []string // default ordering, e.g. []string{"-pub_date"}
	VerboseName       string
	VerboseNamePlural string
	Indexes           []Index
	Constraints       []Constraint // Unique and Check
	Permissions       []Permission // beyond the default add, change, delete and view
	// PrimaryKey declares a composite primary key over these fields, as
	// Django's CompositePrimaryKey: the model then embeds no orm.Model, and
	// "pk" lookups take a slice of the values ([]any{order, line}). No
	// relation can point to such a model, as in Django.
	PrimaryKey []string
	// Abstract makes the struct a base to embed in models, with no table
	// of its own, like Django's abstract base classes. A model embedding
	// it inherits its Options, Abstract excepted.
	Abstract bool
}

// Meta describes a model: its table and fields. It is computed once per
// type and shared; treat it as read-only.
type Meta struct {
	Name    string // the Go type's name
	Table   string
	Fields  []*Field // the columns, in struct order, the primary key included
	Reverse []*Field // Related[T] fields: relations declared by other models
	// ManyToMany are the ManyToMany and ManyToManyThrough fields; like
	// Reverse, they have no column.
	ManyToMany []*Field
	// Annotations are the fields tagged annotation, which QuerySet.Annotate
	// fills; they have no column.
	Annotations []*Field
	PK          *Field   // the primary key; the first of Key when composite
	Key         []*Field // the primary key's fields: PK alone, or Options.PrimaryKey's
	Options     Options
	byName      map[string]*Field
	typ         reflect.Type
	selects     sync.Map   // dialect name -> "cols FROM table"
	refs        sync.Map   // dialect name -> []string, the qualified column of each field
	unique      [][]string // columns unique together
}

// Field describes one field of a model.
type Field struct {
	Name      string // lookup name: the Go name in snake_case ("pub_date")
	GoName    string
	Column    string
	Kind      dialect.Kind
	MaxLength int
	// MaxDigits and DecimalPlaces are a decimal field's precision and scale.
	MaxDigits     int
	DecimalPlaces int
	Null          bool
	Blank         bool
	Unique        bool
	Index         bool
	PrimaryKey    bool
	Editable      bool
	AutoNow       bool
	AutoNowAdd    bool
	Default       string // tag default, as written
	Choices       []string
	VerboseName   string
	HelpText      string
	index         []int        // reflect path into the struct
	pos           int          // index in Meta.Fields
	goType        reflect.Type // the field's Go type
	conv          converter    // nil when database/sql handles the type
	related       reflect.Type // the model a ForeignKey or OneToOne points to
	OnDelete      dialect.OnDelete
	deleteRule    string // the on_delete option as written: protect and restrict differ in Go
	RelatedName   string
	// reverse is the model whose ForeignKey a Related[T] field follows back,
	// and by the name of that ForeignKey ("" when there is only one).
	reverse reflect.Type
	by      string
	m2m     *m2m // a ManyToMany or ManyToManyThrough field
	decimal bool // decimal_places was given
	// annotation marks a field without a column that Annotate fills.
	annotation bool
	// Format is the validated text format of an email, url, slug or ip
	// field, checked by FullClean; "" for plain text.
	Format string
}

// Field returns the field with the given lookup name ("pk" names the
// primary key).
func (m *Meta) Field(name string) (*Field, bool) {
	if name == "pk" {
		return m.PK, true
	}
	f, ok := m.byName[name]
	return f, ok
}

// UniqueTogether lists the column sets unique together beside the
// Options' constraints: an automatic many-to-many table's pair.
func (m *Meta) UniqueTogether() [][]string { return slices.Clone(m.unique) }

// fieldNames lists the lookup names, for error messages.
func (m *Meta) fieldNames() string {
	names := make([]string, 0, len(m.Fields)+len(m.Reverse)+1)
	names = append(names, "pk")
	for _, f := range m.Fields {
		names = append(names, f.Name)
	}
	for _, f := range m.Reverse {
		names = append(names, f.Name)
	}
	for _, f := range m.ManyToMany {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// TableSchema returns the description of the model's table on d, for
// migrations and tests: columns, keys, indexes and constraints.
func (m *Meta) TableSchema(d dialect.Dialect) (dialect.Table, error) {
	t := dialect.Table{Name: m.Table}
	if err := m.concrete(); err != nil {
		return t, err
	}
	for _, f := range m.Fields {
		if f.related != nil {
			rel, err := f.Related()
			if err != nil {
				return t, err
			}
			t.Constraints = append(t.Constraints, dialect.Constraint{
				Name: dialect.ObjectName(m.Table, []string{f.Column}, "fk"), Kind: dialect.ConstraintForeignKey,
				Columns: []string{f.Column}, RefTable: rel.Table, RefColumns: []string{rel.PK.Column},
				OnDelete: f.OnDelete, Deferrable: true,
			})
		}
		t.Columns = append(t.Columns, dialect.Column{
			Name: f.Column, Kind: f.Kind, MaxLength: f.MaxLength, Null: f.Null,
			Precision: f.MaxDigits, Scale: f.DecimalPlaces, PrimaryKey: f.PrimaryKey, Unique: f.Unique,
		})
		if m.composite() && m.isKey(f) {
			t.PrimaryKey = append(t.PrimaryKey, f.Column)
		}
		if f.Index && !f.Unique && !f.PrimaryKey {
			t.Indexes = append(t.Indexes, dialect.Index{Name: dialect.ObjectName(m.Table, []string{f.Column}, "idx"), Columns: []string{f.Column}})
		}
	}
	for _, cols := range m.unique {
		t.Constraints = append(t.Constraints, dialect.Constraint{
			Name: dialect.ObjectName(m.Table, cols, "uniq"), Kind: dialect.ConstraintUnique, Columns: cols,
		})
	}
	return t, m.schemaOptions(d, &t)
}

var metas sync.Map // reflect.Type -> metaResult; a derived cache, like encoding/json's

type metaResult struct {
	meta *Meta
	err  error
}

// MetaOf returns the metadata of model type T, computing it on first use.
// A bad tag or an impossible combination is an error naming the model, the
// field and the problem.
func MetaOf[T any]() (*Meta, error) {
	return metaFor(reflect.TypeFor[T]())
}

// MetaOfType is MetaOf for a type known at run time, such as the zero
// values an app lists as its models.
func MetaOfType(t reflect.Type) (*Meta, error) { return metaFor(t) }

func metaFor(t reflect.Type) (*Meta, error) {
	if r, ok := metas.Load(t); ok {
		return r.(metaResult).meta, r.(metaResult).err
	}
	m, err := buildMeta(t)
	r, _ := metas.LoadOrStore(t, metaResult{m, err})
	return r.(metaResult).meta, r.(metaResult).err
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
	bytesType    = reflect.TypeFor[[]byte]()
	rawJSONType  = reflect.TypeFor[json.RawMessage]()
)

func buildMeta(t reflect.Type) (*Meta, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("orm: model %s is not a struct", t)
	}
	m := &Meta{Name: t.Name(), typ: t, byName: map[string]*Field{}}
	if mt, ok := reflect.Zero(t).Interface().(Metaer); ok {
		m.Options = mt.Meta()
		if m.Options.Abstract && inheritsMeta(t) {
			m.Options.Abstract, m.Options.Table = false, "" // a child of an abstract base
		}
	}
	m.Table = m.Options.Table
	if m.Table == "" {
		m.Table = names.Snake(t.Name())
	}
	if err := m.collect(t, nil); err != nil {
		return nil, err
	}
	for _, f := range m.Fields {
		if f.PrimaryKey {
			if m.PK != nil {
				return nil, fmt.Errorf("orm: model %s has two primary keys, %s and %s", m.Name, m.PK.GoName, f.GoName)
			}
			m.PK = f
		}
	}
	if len(m.Options.PrimaryKey) > 0 {
		if err := m.compositeKey(); err != nil {
			return nil, err
		}
	} else if m.PK != nil {
		m.Key = []*Field{m.PK}
	}
	if m.PK == nil && !m.Options.Abstract {
		return nil, fmt.Errorf("orm: model %s has no primary key: embed orm.Model or tag a field `orm:\"primary_key\"`", m.Name)
	}
	for _, o := range m.Options.Ordering {
		if _, ok := m.Field(strings.TrimPrefix(o, "-")); !ok {
			return nil, fmt.Errorf("orm: model %s: Meta ordering %q names no field; the fields are %s", m.Name, o, m.fieldNames())
		}
	}
	if err := m.checkOptions(); err != nil {
		return nil, err
	}
	return m, nil
}

// compositeKey sets the primary key from Options.PrimaryKey.
func (m *Meta) compositeKey() error {
	if m.PK != nil {
		return fmt.Errorf("orm: model %s declares Options.PrimaryKey and the primary key field %s: keep one (a composite key replaces orm.Model)", m.Name, m.PK.GoName)
	}
	if len(m.Options.PrimaryKey) < 2 {
		return fmt.Errorf("orm: model %s: Options.PrimaryKey needs two fields or more; tag a single key `orm:\"primary_key\"`", m.Name)
	}
	for _, name := range m.Options.PrimaryKey {
		f, ok := m.byName[name]
		switch {
		case !ok || f.pos >= len(m.Fields) || m.Fields[f.pos] != f:
			return fmt.Errorf("orm: model %s: Options.PrimaryKey names %q, which is not a field with a column; the fields are %s", m.Name, name, m.fieldNames())
		case f.Null:
			return fmt.Errorf("orm: model %s: the primary key field %s cannot be null", m.Name, f.GoName)
		case slices.Contains(m.Key, f):
			return fmt.Errorf("orm: model %s: Options.PrimaryKey names %q twice", m.Name, name)
		}
		m.Key = append(m.Key, f)
	}
	m.PK = m.Key[0]
	return nil
}

// composite reports whether the primary key has several fields.
func (m *Meta) composite() bool { return len(m.Key) > 1 }

// isKey reports whether f is part of the primary key.
func (m *Meta) isKey(f *Field) bool { return slices.Contains(m.Key, f) }

// keyOf returns the primary key values of the model value v.
func (m *Meta) keyOf(v reflect.Value) []any {
	out := make([]any, len(m.Key))
	for i, f := range m.Key {
		out[i] = v.FieldByIndex(f.index).Interface()
	}
	return out
}

// keyNames names the primary key's fields, for ordering.
func (m *Meta) keyNames() []string {
	out := make([]string, len(m.Key))
	for i, f := range m.Key {
		out[i] = f.Name
	}
	return out
}

// inheritsMeta reports whether t's Meta method is the one of a struct it
// embeds: t then is a model built on that base, not the base itself.
func inheritsMeta(t reflect.Type) bool {
	own := reflect.Zero(t).Interface().(Metaer).Meta()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.Anonymous {
			continue
		}
		if base, ok := reflect.Zero(sf.Type).Interface().(Metaer); ok && reflect.DeepEqual(base.Meta(), own) {
			return true
		}
	}
	return false
}

// concrete refuses an abstract model where a table is needed.
func (m *Meta) concrete() error {
	if m.Options.Abstract {
		return fmt.Errorf("orm: model %s is abstract (Options.Abstract): it has no table; embed it in a model", m.Name)
	}
	return nil
}

// collect adds the fields of struct t, descending into embedded structs
// such as Model.
func (m *Meta) collect(t reflect.Type, index []int) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		path := append(slices.Clone(index), i)
		tag, tagged := sf.Tag.Lookup("orm")
		if tag == "-" || !sf.IsExported() {
			continue
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Type != timeType && !tagged {
			if err := m.collect(sf.Type, path); err != nil {
				return err
			}
			continue
		}
		if rel, ok := reflect.Zero(sf.Type).Interface().(manyToManyer); ok {
			target, through := rel.manyToMany()
			f, err := newManyToManyField(m, sf, tag, target, through)
			if err != nil {
				return fmt.Errorf("orm: model %s, field %s: %w", m.Name, sf.Name, err)
			}
			if err := m.addColumnless(f, path); err != nil {
				return err
			}
			m.ManyToMany = append(m.ManyToMany, f)
			continue
		}
		if rev, ok := reflect.Zero(sf.Type).Interface().(reverser); ok {
			f, err := newReverseField(sf, tag, rev.reverseOf())
			if err != nil {
				return fmt.Errorf("orm: model %s, field %s: %w", m.Name, sf.Name, err)
			}
			if err := m.addColumnless(f, path); err != nil {
				return err
			}
			m.Reverse = append(m.Reverse, f)
			continue
		}
		opts, err := fieldTag.Parse(tag)
		if err != nil {
			return fmt.Errorf("orm: model %s, field %s: %w", m.Name, sf.Name, err)
		}
		if opts.Flag("annotation") {
			if len(opts) > 1 {
				return fmt.Errorf("orm: model %s, field %s: an annotation field takes no other option", m.Name, sf.Name)
			}
			f := &Field{Name: names.Snake(sf.Name), GoName: sf.Name, goType: sf.Type, annotation: true}
			if err := m.addColumnless(f, path); err != nil {
				return err
			}
			m.Annotations = append(m.Annotations, f)
			continue
		}
		f, err := newField(sf, opts)
		if err != nil {
			return fmt.Errorf("orm: model %s, field %s: %w", m.Name, sf.Name, err)
		}
		f.index = path
		if prev, dup := m.byName[f.Name]; dup {
			return fmt.Errorf("orm: model %s: fields %s and %s both have the name %q", m.Name, prev.GoName, f.GoName, f.Name)
		}
		m.byName[f.Name] = f
		if f.related != nil {
			if prev, dup := m.byName[f.Column]; dup {
				return fmt.Errorf("orm: model %s: field %s's column %q is also the name of field %s", m.Name, f.GoName, f.Column, prev.GoName)
			}
			m.byName[f.Column] = f // filter("question_id", 1), as in Django
		}
		f.pos = len(m.Fields)
		m.Fields = append(m.Fields, f)
	}
	return nil
}

// addColumnless names a relation field without a column of its own.
func (m *Meta) addColumnless(f *Field, path []int) error {
	f.index = path
	if prev, dup := m.byName[f.Name]; dup {
		return fmt.Errorf("orm: model %s: fields %s and %s both have the name %q", m.Name, prev.GoName, f.GoName, f.Name)
	}
	m.byName[f.Name] = f
	return nil
}

// qualified returns "table"."column" for f in d's quoting, computed once
// per dialect name: every query on the model names its columns this way.
func (m *Meta) qualified(d dialect.Dialect, f *Field) string {
	if refs, ok := m.refs.Load(d.Name()); ok {
		return refs.([]string)[f.pos]
	}
	table := d.QuoteIdent(m.Table)
	refs := make([]string, len(m.Fields))
	for i, field := range m.Fields {
		refs[i] = table + "." + d.QuoteIdent(field.Column)
	}
	m.refs.Store(d.Name(), refs)
	return refs[f.pos]
}

func newField(sf reflect.StructField, opts structtag.Options) (*Field, error) {
	f := &Field{Name: names.Snake(sf.Name), GoName: sf.Name, Editable: true}
	typ := sf.Type
	nullable := false
	switch {
	case typ.Kind() == reflect.Pointer && typ != bytesType:
		nullable, typ = true, typ.Elem()
	case typ.Kind() == reflect.Struct && strings.HasPrefix(typ.Name(), "Null[") && typ.PkgPath() == "database/sql":
		nullable, typ = true, typ.Field(0).Type // sql.Null[T]'s V
	}
	if err := f.setOptions(opts); err != nil {
		return nil, err
	}
	_, isRelation := reflect.Zero(typ).Interface().(relation) // ID 0 is NULL
	canBeNil := typ.Kind() == reflect.Map || typ.Kind() == reflect.Slice || isRelation
	if f.Null && !nullable && !canBeNil {
		return nil, fmt.Errorf("null needs a field that can hold NULL: make it a pointer (*%s) or sql.Null[%s]", typ, typ)
	}
	f.Null = f.Null || nullable
	if f.Column == "" {
		f.Column = f.Name
	}
	if f.VerboseName == "" {
		f.VerboseName = strings.ReplaceAll(f.Name, "_", " ")
	}
	f.goType = sf.Type
	if rel, ok := reflect.Zero(typ).Interface().(relation); ok {
		var unique bool
		f.related, unique = rel.related()
		f.Kind, f.Unique = dialect.KindBigInt, f.Unique || unique
		f.Index = !f.Unique // Django indexes foreign keys
		if f.Column == f.Name {
			f.Column = f.Name + "_id"
		}
		switch {
		case f.deleteRule == "":
			return nil, fmt.Errorf("a relation needs on_delete: cascade, protect, restrict, set_null, set_default or do_nothing, as Django requires")
		case f.OnDelete == dialect.SetNull && !f.Null:
			return nil, fmt.Errorf("on_delete=set_null needs the null option")
		case f.OnDelete == dialect.SetDefault && f.Default == "":
			return nil, fmt.Errorf("on_delete=set_default needs a default")
		}
		return f, nil
	}
	if f.deleteRule != "" || f.RelatedName != "" {
		return nil, fmt.Errorf("on_delete and related_name apply to ForeignKey and OneToOne fields")
	}
	if f.Format != "" {
		if typ.Kind() != reflect.String {
			return nil, fmt.Errorf("the %s option needs a string field, not %s", f.Format, sf.Type)
		}
		if f.MaxLength == 0 {
			f.MaxLength = formatLengths[f.Format] // Django's defaults
		}
	}
	if f.MaxDigits > 0 || f.decimal {
		if err := f.checkDecimal(typ); err != nil {
			return nil, err
		}
		f.Kind, f.conv = dialect.KindDecimal, decimalConverter{digits: f.MaxDigits, places: f.DecimalPlaces}
		if nullable && sf.Type.Kind() != reflect.Pointer {
			return nil, fmt.Errorf("a nullable decimal field must be a pointer (*%s), not %s", typ, sf.Type)
		}
		return f, f.checkKeyOptions(sf)
	}
	kind, err := kindOf(typ, f)
	if err != nil {
		return nil, err
	}
	if f.Format == "ip" {
		kind = dialect.KindIPAddress
	}
	f.Kind = kind
	switch kind {
	case dialect.KindJSON:
		f.conv = jsonConverter{null: f.Null}
	case dialect.KindUUID:
		f.conv = uuidConverter{}
	case dialect.KindDuration:
		f.conv = durationConverter{}
	}
	if f.conv != nil && nullable && sf.Type.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("a nullable %s field must be a pointer (*%s), not %s", kind, typ, sf.Type)
	}
	return f, f.checkKeyOptions(sf)
}

// checkKeyOptions refuses options that the field's kind cannot take.
func (f *Field) checkKeyOptions(sf reflect.StructField) error {
	switch {
	case f.PrimaryKey && f.Null:
		return fmt.Errorf("a primary key cannot be null")
	case (f.AutoNow || f.AutoNowAdd) && f.Kind != dialect.KindDateTime:
		return fmt.Errorf("auto_now and auto_now_add need a time.Time field, not %s", sf.Type)
	case f.MaxLength > 0 && f.Kind != dialect.KindChar && f.Kind != dialect.KindIPAddress:
		return fmt.Errorf("max_length applies to string fields, not %s", sf.Type)
	}
	return nil
}

// checkDecimal checks a decimal field's options and Go type t.
func (f *Field) checkDecimal(t reflect.Type) error {
	switch {
	case f.MaxDigits == 0 || !f.decimal:
		return fmt.Errorf("a decimal field needs both max_digits and decimal_places, as in `orm:\"max_digits=10,decimal_places=2\"`")
	case f.DecimalPlaces > f.MaxDigits:
		return fmt.Errorf("decimal_places=%d is more than max_digits=%d", f.DecimalPlaces, f.MaxDigits)
	case f.MaxDigits > 65:
		return fmt.Errorf("max_digits=%d: MySQL and MariaDB hold at most 65 digits", f.MaxDigits)
	case f.DecimalPlaces > 30:
		return fmt.Errorf("decimal_places=%d: MySQL and MariaDB hold at most 30 places", f.DecimalPlaces)
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return fmt.Errorf("a decimal field cannot be a %s, which is not exact: use a string or a decimal type with MarshalText and UnmarshalText", t)
	case !decimalType(t):
		return fmt.Errorf("a decimal field must be a string or a type with MarshalText and UnmarshalText (such as shopspring/decimal.Decimal), not %s", t)
	}
	return nil
}

// kindOf maps a Go type to a column kind.
func kindOf(t reflect.Type, f *Field) (dialect.Kind, error) {
	if t == timeType {
		return dialect.KindDateTime, nil
	}
	if t == bytesType {
		return dialect.KindBinary, nil
	}
	if t == durationType {
		return dialect.KindDuration, nil
	}
	if t == rawJSONType {
		return dialect.KindJSON, nil
	}
	if t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
		return dialect.KindUUID, nil // [16]byte, e.g. uuid.UUID
	}
	switch t.Kind() {
	case reflect.String:
		if f.MaxLength > 0 {
			return dialect.KindChar, nil
		}
		return dialect.KindText, nil
	case reflect.Bool:
		return dialect.KindBool, nil
	case reflect.Int8, reflect.Int16:
		return dialect.KindSmallInt, nil
	case reflect.Int32:
		return dialect.KindInt, nil
	case reflect.Int, reflect.Int64:
		if f.PrimaryKey && f.Default == "" {
			return dialect.KindBigAuto, nil
		}
		return dialect.KindBigInt, nil
	case reflect.Uint8, reflect.Uint16:
		return dialect.KindPositiveSmallInt, nil
	case reflect.Uint32:
		return dialect.KindPositiveInt, nil
	case reflect.Uint, reflect.Uint64:
		return dialect.KindPositiveBigInt, nil
	case reflect.Float32, reflect.Float64:
		return dialect.KindFloat, nil
	case reflect.Map, reflect.Slice, reflect.Struct:
		return dialect.KindJSON, nil // stored as JSON, read back into the same type
	}
	return dialect.KindInvalid, fmt.Errorf("type %s is not supported yet: use a string, integer, float, bool, time.Time, []byte, a [16]byte UUID, a map, slice or struct (stored as JSON), or a pointer or sql.Null of one", t)
}

// formatLengths are Django's default max_length for the text formats.
var formatLengths = map[string]int{"email": 254, "url": 200, "slug": 50, "ip": 39}

// fieldTag is the vocabulary of a column's tag, `orm:"max_length=200,null"`
// (and of an annotation's, `orm:"annotation"`).
var fieldTag = structtag.Vocabulary{Tag: "orm", Keys: []string{
	"max_length=", "max_digits=", "decimal_places=", "null", "blank", "default=", "unique", "db_index", "db_column=",
	"choices=", "verbose_name=", "help_text=", "editable", "primary_key", "auto_now", "auto_now_add", "on_delete=",
	"related_name=", "email", "url", "slug", "ip", "annotation",
}}

// setOptions sets f from the options of its tag, read by fieldTag.
func (f *Field) setOptions(opts structtag.Options) error {
	for _, o := range opts {
		key, val := o.Key, o.Value
		switch key {
		case "max_length":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return fmt.Errorf("max_length=%q is not a positive integer", val)
			}
			f.MaxLength = n
		case "max_digits", "decimal_places":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || (n == 0 && key == "max_digits") {
				return fmt.Errorf("%s=%q is not a positive integer", key, val)
			}
			if key == "max_digits" {
				f.MaxDigits = n
			} else {
				f.DecimalPlaces, f.decimal = n, true
			}
		case "null":
			f.Null = o.Bool()
		case "blank":
			f.Blank = o.Bool()
		case "unique":
			f.Unique = o.Bool()
		case "db_index":
			f.Index = o.Bool()
		case "primary_key":
			f.PrimaryKey = o.Bool()
		case "auto_now":
			f.AutoNow = o.Bool()
		case "auto_now_add":
			f.AutoNowAdd = o.Bool()
		case "editable":
			f.Editable = o.Bool()
		case "db_column":
			if val == "" {
				return fmt.Errorf("db_column needs a name")
			}
			f.Column = val
		case "default":
			f.Default = val
		case "choices":
			f.Choices = strings.Split(val, "|")
		case "verbose_name":
			f.VerboseName = val
		case "help_text":
			f.HelpText = val
		case "on_delete":
			action, ok := onDeleteActions[val]
			if !ok {
				return fmt.Errorf("on_delete=%q: use cascade, protect, restrict, set_null, set_default or do_nothing", val)
			}
			f.OnDelete, f.deleteRule = action, val
		case "related_name":
			f.RelatedName = val
		case "email", "url", "slug", "ip":
			if !o.Bool() {
				continue
			}
			if f.Format != "" {
				return fmt.Errorf("options %q and %q exclude each other", f.Format, key)
			}
			f.Format = key
		}
	}
	return nil
}

// FieldName is the lookup name the ORM gives a Go field name, its
// snake_case: PubDate -> pub_date, ID -> id.
func FieldName(goName string) string { return names.Snake(goName) }
