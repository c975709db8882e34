package dialect

import (
	"fmt"
	"strings"
)

// This file holds SQL generation that is the same on every engine, for the
// engine packages to share. Each function takes the Dialect for the parts
// that differ (quoting, column definitions).

// Quote wraps name in the quote character q, doubling any q inside it, so
// that no name can break out of its quotes.
func Quote(name string, q byte) string {
	var b strings.Builder
	b.Grow(len(name) + 2)
	b.WriteByte(q)
	for i := 0; i < len(name); i++ {
		if name[i] == q {
			b.WriteByte(q)
		}
		b.WriteByte(name[i])
	}
	b.WriteByte(q)
	return b.String()
}

// QuoteList quotes each name with d and joins them with ", ". A name with a
// leading '-' is quoted without it and followed by DESC (index columns).
func QuoteList(d Dialect, names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		if desc, ok := strings.CutPrefix(n, "-"); ok {
			parts[i] = d.QuoteIdent(desc) + " DESC"
			continue
		}
		parts[i] = d.QuoteIdent(n)
	}
	return strings.Join(parts, ", ")
}

// EscapeLike escapes the LIKE wildcards '%' and '_' and the escape
// character '\' itself, for use with ESCAPE '\'.
func EscapeLike(s string) string {
	if !strings.ContainsAny(s, `%_\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LikeArg is the value to bind for a LIKE-based match operation: the
// escaped value with '%' where the operation allows any text.
func LikeArg(op MatchOp, value string) string {
	v := EscapeLike(value)
	switch op {
	case Contains, IContains:
		return "%" + v + "%"
	case StartsWith, IStartsWith:
		return v + "%"
	case EndsWith, IEndsWith:
		return "%" + v
	}
	return v
}

// TableOptions holds the engine-specific parts of CREATE TABLE.
type TableOptions struct {
	// Suffix follows the closing parenthesis, e.g. MySQL's engine and
	// character set.
	Suffix string
	// Deferrable makes deferrable foreign keys DEFERRABLE INITIALLY DEFERRED.
	Deferrable bool
}

// CreateTable builds CREATE TABLE for t followed by CREATE INDEX for its
// indexes, using d for column definitions and quoting.
func CreateTable(d Dialect, t Table, opts TableOptions) ([]string, error) {
	if t.Name == "" {
		return nil, fmt.Errorf("dialect: table without a name")
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("dialect: table %q has no columns", t.Name)
	}
	defs := make([]string, 0, len(t.Columns)+len(t.Constraints)+1)
	for _, c := range t.Columns {
		if len(t.PrimaryKey) > 0 && c.PrimaryKey {
			return nil, fmt.Errorf("dialect: table %q: column %q is a primary key and the table has a composite primary key", t.Name, c.Name)
		}
		def, err := d.ColumnDefinition(c)
		if err != nil {
			return nil, fmt.Errorf("table %q: %w", t.Name, err)
		}
		defs = append(defs, def)
	}
	if len(t.PrimaryKey) > 0 {
		defs = append(defs, "PRIMARY KEY ("+QuoteList(d, t.PrimaryKey)+")")
	}
	for _, c := range t.Constraints {
		def, err := ConstraintDefinition(d, c, opts.Deferrable)
		if err != nil {
			return nil, fmt.Errorf("table %q: %w", t.Name, err)
		}
		defs = append(defs, def)
	}
	stmt := "CREATE TABLE " + d.QuoteIdent(t.Name) + " (" + strings.Join(defs, ", ") + ")"
	if opts.Suffix != "" {
		stmt += " " + opts.Suffix
	}
	stmts := []string{stmt}
	for _, ix := range t.Indexes {
		s, err := d.CreateIndex(t.Name, ix)
		if err != nil {
			return nil, fmt.Errorf("table %q: %w", t.Name, err)
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

// ConstraintDefinition is the "CONSTRAINT name ..." fragment for c, as it
// appears in CREATE TABLE and ALTER TABLE ... ADD.
func ConstraintDefinition(d Dialect, c Constraint, deferrable bool) (string, error) {
	if c.Name == "" {
		return "", fmt.Errorf("dialect: constraint without a name")
	}
	head := "CONSTRAINT " + d.QuoteIdent(c.Name) + " "
	switch c.Kind {
	case ConstraintUnique:
		if len(c.Columns) == 0 {
			return "", fmt.Errorf("dialect: unique constraint %q has no columns", c.Name)
		}
		return head + "UNIQUE (" + QuoteList(d, c.Columns) + ")", nil
	case ConstraintCheck:
		if c.Check == "" {
			return "", fmt.Errorf("dialect: check constraint %q has no condition", c.Name)
		}
		return head + "CHECK (" + c.Check + ")", nil
	case ConstraintForeignKey:
		if len(c.Columns) == 0 || len(c.Columns) != len(c.RefColumns) || c.RefTable == "" {
			return "", fmt.Errorf("dialect: foreign key %q needs as many columns as referenced columns, and a referenced table", c.Name)
		}
		s := head + "FOREIGN KEY (" + QuoteList(d, c.Columns) + ") REFERENCES " +
			d.QuoteIdent(c.RefTable) + " (" + QuoteList(d, c.RefColumns) + ")"
		if a := c.OnDelete.sql(); a != "" {
			s += " ON DELETE " + a
		}
		if deferrable && c.Deferrable {
			s += " DEFERRABLE INITIALLY DEFERRED"
		}
		return s, nil
	}
	return "", fmt.Errorf("dialect: constraint %q has unknown kind %d", c.Name, c.Kind)
}

func (a OnDelete) sql() string {
	switch a {
	case Cascade:
		return "CASCADE"
	case SetNull:
		return "SET NULL"
	case Restrict:
		return "RESTRICT"
	case SetDefault:
		return "SET DEFAULT"
	}
	return ""
}

// CreateIndex builds CREATE [UNIQUE] INDEX name ON table (columns)
// [WHERE cond], rejecting a partial index when partial is false.
func CreateIndex(d Dialect, table string, ix Index, partial bool) (string, error) {
	if ix.Name == "" || len(ix.Columns) == 0 {
		return "", fmt.Errorf("dialect: index on %q needs a name and columns", table)
	}
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	s += "INDEX " + d.QuoteIdent(ix.Name) + " ON " + d.QuoteIdent(table) + " (" + QuoteList(d, ix.Columns) + ")"
	if ix.Where != "" {
		if !partial {
			return "", fmt.Errorf("dialect: partial index %q: %w", ix.Name, ErrUnsupported)
		}
		s += " WHERE " + ix.Where
	}
	return s, nil
}

// ColumnDefinition assembles "name type [NOT NULL] [DEFAULT x] [suffix]"
// from the parts an engine computed. suffix holds keys, auto increment and
// checks, in the engine's order.
func ColumnDefinition(d Dialect, c Column, typ, suffix string) string {
	var b strings.Builder
	b.WriteString(d.QuoteIdent(c.Name))
	b.WriteByte(' ')
	b.WriteString(typ)
	if c.Null && !c.PrimaryKey {
		b.WriteString(" NULL")
	} else {
		b.WriteString(" NOT NULL")
	}
	if c.Default != "" {
		b.WriteString(" DEFAULT ")
		b.WriteString(c.Default)
	}
	if suffix != "" {
		b.WriteByte(' ')
		b.WriteString(suffix)
	}
	return b.String()
}

// CheckColumn reports the errors every engine shares: a missing name or
// kind, a char column without a length, a decimal without precision.
func CheckColumn(c Column) error {
	switch {
	case c.Name == "":
		return fmt.Errorf("dialect: column without a name")
	case c.Kind <= KindInvalid || c.Kind >= kindCount:
		return fmt.Errorf("dialect: column %q has invalid kind %d", c.Name, int(c.Kind))
	case c.Kind == KindChar && c.MaxLength <= 0:
		return fmt.Errorf("dialect: char column %q needs a max length > 0, got %d", c.Name, c.MaxLength)
	case c.Kind == KindDecimal && (c.Precision <= 0 || c.Scale < 0 || c.Scale > c.Precision):
		return fmt.Errorf("dialect: decimal column %q needs 0 < precision and 0 <= scale <= precision, got precision %d, scale %d", c.Name, c.Precision, c.Scale)
	case c.Kind.IsAuto() && !c.PrimaryKey:
		return fmt.Errorf("dialect: auto-increment column %q must be the primary key", c.Name)
	}
	return nil
}
