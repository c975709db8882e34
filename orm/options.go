package orm

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/internal/names"
)

// Index is a database index of Options.Indexes, like Django's
// models.Index: over Fields ("-field" sorts descending), optionally partial
// with a Condition (PostgreSQL and SQLite; MySQL and MariaDB go without
// the index, as in Django). Name defaults to "<table>_<columns>_idx".
type Index struct {
	Name      string
	Fields    []string
	Condition Condition
}

// Constraint is a table constraint of Options.Constraints: a Unique or a
// Check.
type Constraint interface {
	constraintName() string
}

// Unique makes Fields unique together, like Django's UniqueConstraint;
// with a Condition only among the rows it holds for (PostgreSQL and SQLite,
// as a partial unique index; MySQL and MariaDB go without, as in Django).
// FullClean checks those without a Condition.
type Unique struct {
	Name      string
	Fields    []string
	Condition Condition
}

// Check makes the database refuse a row for which Condition does not hold,
// like Django's CheckConstraint: Check{Name: "age_gte_18", Condition:
// orm.Q{"age__gte": 18}}. The condition's values are written into the
// table's definition, so they must be numbers, text or booleans.
type Check struct {
	Name      string
	Condition Condition
}

func (u Unique) constraintName() string { return u.Name }

// ConstraintName returns the Name of a Unique or a Check.
func ConstraintName(c Constraint) string { return c.constraintName() }
func (c Check) constraintName() string   { return c.Name }

// Permission is a custom permission of Options.Permissions, like an entry of
// Django's Meta.permissions: Codename "close_poll", Name "Can close a poll".
type Permission struct {
	Codename string
	Name     string
}

// VerboseName is the model's name for people: Options.VerboseName, or
// the type's name in lower case words ("poll choice"), as Django's.
func (m *Meta) VerboseName() string {
	if m.Options.VerboseName != "" {
		return m.Options.VerboseName
	}
	return strings.ReplaceAll(names.Snake(m.Name), "_", " ")
}

// Permissions returns the model's permissions: Django's default add,
// change, delete and view ones, then those of Options.Permissions.
func (m *Meta) Permissions() []Permission {
	model := strings.ToLower(m.Name)
	verbose := m.VerboseName()
	out := make([]Permission, 0, 4+len(m.Options.Permissions))
	for _, action := range []string{"add", "change", "delete", "view"} {
		out = append(out, Permission{Codename: action + "_" + model, Name: "Can " + action + " " + verbose})
	}
	return append(out, m.Options.Permissions...)
}

// checkOptions checks the field names of the indexes and constraints, and
// that constraints are named, when the model is built.
func (m *Meta) checkOptions() error {
	names := map[string]bool{}
	fields := func(kind string, list []string) error {
		if len(list) == 0 {
			return fmt.Errorf("orm: model %s: %s without fields", m.Name, kind)
		}
		for _, name := range list {
			f, ok := m.byName[strings.TrimPrefix(name, "-")]
			if !ok || f.pos >= len(m.Fields) || m.Fields[f.pos] != f {
				return fmt.Errorf("orm: model %s: %s names %q, which is not a field with a column; the fields are %s", m.Name, kind, name, m.fieldNames())
			}
		}
		return nil
	}
	for _, ix := range m.Options.Indexes {
		if err := fields("an index", ix.Fields); err != nil {
			return err
		}
	}
	for _, c := range m.Options.Constraints {
		name := c.constraintName()
		if name == "" {
			return fmt.Errorf("orm: model %s: every constraint needs a Name, as in Django", m.Name)
		}
		if names[name] {
			return fmt.Errorf("orm: model %s: two constraints are named %q", m.Name, name)
		}
		names[name] = true
		switch c := c.(type) {
		case Unique:
			if err := fields("unique constraint "+strconv.Quote(name), c.Fields); err != nil {
				return err
			}
		case Check:
			if c.Condition == nil {
				return fmt.Errorf("orm: model %s: check constraint %q has no Condition", m.Name, name)
			}
		}
	}
	for _, p := range m.Options.Permissions {
		if p.Codename == "" || strings.ContainsAny(p.Codename, " .") {
			return fmt.Errorf("orm: model %s: permission codename %q must be one word without dots, like close_poll", m.Name, p.Codename)
		}
	}
	return nil
}

// columns returns the columns of field names, keeping a leading '-'.
func (m *Meta) columns(names []string) []string {
	out := make([]string, len(names))
	for i, name := range names {
		desc, field := "", name
		if f, ok := strings.CutPrefix(name, "-"); ok {
			desc, field = "-", f
		}
		out[i] = desc + m.byName[field].Column
	}
	return out
}

// inlineCondition compiles cond for a table definition, where nothing can be
// bound: columns unqualified, values written as SQL literals.
func (m *Meta) inlineCondition(d dialect.Dialect, cond Condition) (string, error) {
	c := newCompiler(d, m)
	c.inline = true
	s, err := cond.compile(c)
	if err == nil {
		err = c.err
	}
	if err != nil {
		return "", fmt.Errorf("orm: model %s: %w", m.Name, err)
	}
	if len(c.joins) > 0 {
		return "", fmt.Errorf("orm: model %s: the condition of an index or constraint cannot follow relations", m.Name)
	}
	return s, nil
}

// ConditionSQL writes cond as the SQL of a CHECK or partial index on m's
// table in d's syntax, values as literals: for migrations, which build m
// with HistoricalModel.
func (m *Meta) ConditionSQL(d dialect.Dialect, cond Condition) (string, error) {
	return m.inlineCondition(d, cond)
}

// literal writes v as an SQL literal for inlineCondition.
func literal(d dialect.Dialect, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case bool:
		if v {
			return "TRUE", nil
		}
		return "FALSE", nil
	case string:
		if strings.ContainsRune(v, 0) {
			return "", fmt.Errorf("a constraint's text cannot hold a NUL byte")
		}
		return d.QuoteLiteral(v), nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return strconv.FormatInt(rv.Int(), 10), nil
	case rv.CanUint():
		return strconv.FormatUint(rv.Uint(), 10), nil
	case rv.CanFloat():
		f := rv.Float()
		if f != f || f > 1e308 || f < -1e308 {
			return "", fmt.Errorf("%v cannot be written in a constraint", f)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	}
	return "", fmt.Errorf("a %T cannot be written in a constraint or index condition: use a number, text or a boolean", v)
}

// schemaOptions adds the indexes and constraints of Options to t. An
// engine without partial indexes (MySQL, MariaDB) goes without the
// conditional ones, as Django's migrations do there.
func (m *Meta) schemaOptions(d dialect.Dialect, t *dialect.Table) error {
	partial := d.Features().PartialIndexes
	for _, ix := range m.Options.Indexes {
		di := dialect.Index{Name: ix.Name, Columns: m.columns(ix.Fields)}
		if di.Name == "" {
			di.Name = dialect.ObjectName(m.Table, di.Columns, "idx")
		}
		if ix.Condition != nil {
			if !partial {
				continue
			}
			where, err := m.inlineCondition(d, ix.Condition)
			if err != nil {
				return err
			}
			di.Where = where
		}
		t.Indexes = append(t.Indexes, di)
	}
	for _, c := range m.Options.Constraints {
		switch c := c.(type) {
		case Unique:
			if c.Condition == nil {
				t.Constraints = append(t.Constraints, dialect.Constraint{Name: c.Name, Kind: dialect.ConstraintUnique, Columns: m.columns(c.Fields)})
				continue
			}
			if !partial {
				continue
			}
			where, err := m.inlineCondition(d, c.Condition)
			if err != nil {
				return err
			}
			t.Indexes = append(t.Indexes, dialect.Index{Name: c.Name, Columns: m.columns(c.Fields), Unique: true, Where: where})
		case Check:
			check, err := m.inlineCondition(d, c.Condition)
			if err != nil {
				return err
			}
			t.Constraints = append(t.Constraints, dialect.Constraint{Name: c.Name, Kind: dialect.ConstraintCheck, Check: check})
		}
	}
	return nil
}
