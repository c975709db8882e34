package migrate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/database/dialect"
)

// Operation is one change of a migration: to the state (State) and to the
// schema, forward (Forward) and back (Backward). from and to are the states
// before and after the operation; Backward undoes Forward, going from to
// back to from.
type Operation interface {
	// Describe says what the operation does, in a line.
	Describe() string
	// State applies the operation to s.
	State(s *State) error
	Forward(e *Editor, from, to *State) error
	Backward(e *Editor, from, to *State) error
}

// ErrIrreversible is returned by Backward when an operation cannot be
// undone: a RunSQL or RunGo without a reverse.
var ErrIrreversible = errors.New("migrate: the operation cannot be reversed")

// modelIn returns the model app.name of s: the first step of the operations
// on a model. The error names the model and the models s has.
func modelIn(s *State, app, name string) (*Model, error) { return s.Model(Key(app, name)) }

// fieldIn returns the model app.model of s, and the position and the
// description of its field name; the errors name the models or the fields
// there are.
func fieldIn(s *State, app, model, name string) (*Model, int, *Field, error) {
	m, err := modelIn(s, app, model)
	if err != nil {
		return nil, -1, nil, err
	}
	i, f, err := m.Field(name)
	return m, i, f, err
}

// itemIn returns the position of the item called name among items, the
// indexes, constraints or checks of m (what says which), or an error that
// names the model, its app and the items it has.
func itemIn[T any](m *Model, what string, items []T, nameOf func(T) string, name string) (int, error) {
	if i := slices.IndexFunc(items, func(it T) bool { return nameOf(it) == name }); i >= 0 {
		return i, nil
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = nameOf(it)
	}
	return -1, noItem(m, what, name, names)
}

// noItem is itemIn's error: no what called name in m, which has names.
func noItem(m *Model, what, name string, names []string) error {
	have := "it has none"
	if len(names) > 0 {
		have = "it has " + strings.Join(names, ", ")
	}
	return fmt.Errorf("migrate: model %s.%s has no %s %q; %s", m.App, m.Name, what, name, have)
}

func indexName(ix dialect.Index) string          { return ix.Name }
func constraintName(c dialect.Constraint) string { return c.Name }
func checkName(c Check) string                   { return c.Name }

// CreateModel creates a model's table.
type CreateModel struct {
	App, Name, Table string
	Fields           []Field
	Unique           [][]string // column sets unique together
	Indexes          []dialect.Index
	Constraints      []dialect.Constraint
	Checks           []Check
	PartialIndexes   []PartialIndex
	Options          ModelOptions
}

func (o CreateModel) Describe() string { return "Create model " + o.Name }

func (o CreateModel) State(s *State) error {
	key := Key(o.App, o.Name)
	if _, dup := s.Models[key]; dup {
		return fmt.Errorf("migrate: CreateModel %s: the model exists already", key)
	}
	table := o.Table
	if table == "" {
		table = strings.ToLower(o.Name)
	}
	s.Models[key] = &Model{
		App: o.App, Name: o.Name, Table: table, Fields: slices.Clone(o.Fields), Unique: slices.Clone(o.Unique),
		Indexes: slices.Clone(o.Indexes), Constraints: slices.Clone(o.Constraints), Checks: slices.Clone(o.Checks),
		PartialIndexes: slices.Clone(o.PartialIndexes), Options: o.Options,
	}
	return nil
}

func (o CreateModel) Forward(e *Editor, _, to *State) error {
	m, err := modelIn(to, o.App, o.Name)
	if err != nil {
		return err
	}
	return e.createTable(to, m)
}

func (o CreateModel) Backward(e *Editor, from, to *State) error {
	m, err := modelIn(to, o.App, o.Name)
	if err != nil {
		return err
	}
	return e.Exec(e.d.DropTable(m.Table))
}

// DeleteModel drops a model's table.
type DeleteModel struct{ App, Name string }

func (o DeleteModel) Describe() string { return "Delete model " + o.Name }

func (o DeleteModel) State(s *State) error {
	if _, err := modelIn(s, o.App, o.Name); err != nil {
		return err
	}
	delete(s.Models, Key(o.App, o.Name))
	return nil
}

func (o DeleteModel) Forward(e *Editor, from, _ *State) error {
	m, err := modelIn(from, o.App, o.Name)
	if err != nil {
		return err
	}
	return e.Exec(e.d.DropTable(m.Table))
}

func (o DeleteModel) Backward(e *Editor, from, _ *State) error {
	m, err := modelIn(from, o.App, o.Name)
	if err != nil {
		return err
	}
	return e.createTable(from, m)
}

// RenameModel renames a model, keeping its rows; Table, when set, renames
// its table too.
type RenameModel struct{ App, Old, New, Table string }

func (o RenameModel) Describe() string { return "Rename model " + o.Old + " to " + o.New }

func (o RenameModel) State(s *State) error {
	m, err := modelIn(s, o.App, o.Old)
	if err != nil {
		return err
	}
	oldKey := Key(o.App, o.Old)
	delete(s.Models, oldKey)
	m.Name = o.New
	if o.Table != "" {
		m.Table = o.Table
	}
	s.Models[Key(o.App, o.New)] = m
	for _, other := range s.Models {
		for i := range other.Fields {
			if other.Fields[i].To == oldKey {
				other.Fields[i].To = Key(o.App, o.New)
			}
		}
	}
	return nil
}

func (o RenameModel) Forward(e *Editor, from, to *State) error {
	return renameTable(e, o.App, from, o.Old, to, o.New)
}

func (o RenameModel) Backward(e *Editor, from, to *State) error {
	return renameTable(e, o.App, to, o.New, from, o.Old)
}

// renameTable renames the table of model app.fromName of the state from to
// the table of app.toName in to.
func renameTable(e *Editor, app string, from *State, fromName string, to *State, toName string) error {
	a, err := modelIn(from, app, fromName)
	if err != nil {
		return err
	}
	b, err := modelIn(to, app, toName)
	if err != nil {
		return err
	}
	if a.Table == b.Table {
		return nil
	}
	return e.Exec(e.d.RenameTable(a.Table, b.Table))
}

// AlterModelTable renames a model's table, keeping its rows.
type AlterModelTable struct{ App, Name, Table string }

func (o AlterModelTable) Describe() string { return "Rename table for " + o.Name + " to " + o.Table }

func (o AlterModelTable) State(s *State) error {
	m, err := modelIn(s, o.App, o.Name)
	if err != nil {
		return err
	}
	m.Table = o.Table
	return nil
}

func (o AlterModelTable) Forward(e *Editor, from, to *State) error {
	return renameTable(e, o.App, from, o.Name, to, o.Name)
}

func (o AlterModelTable) Backward(e *Editor, from, to *State) error {
	return renameTable(e, o.App, to, o.Name, from, o.Name)
}

// AlterModelOptions changes the options of a model that do not touch the
// schema (ordering, verbose names): the state only.
type AlterModelOptions struct {
	App, Name string
	Options   ModelOptions
}

func (o AlterModelOptions) Describe() string { return "Change Meta options on " + o.Name }

func (o AlterModelOptions) State(s *State) error {
	m, err := modelIn(s, o.App, o.Name)
	if err != nil {
		return err
	}
	m.Options = o.Options
	return nil
}

func (AlterModelOptions) Forward(*Editor, *State, *State) error  { return nil }
func (AlterModelOptions) Backward(*Editor, *State, *State) error { return nil }

// AddField adds a column. A NOT NULL column added to a table with rows
// needs a Default.
type AddField struct {
	App, Model string
	Field      Field
}

func (o AddField) Describe() string { return "Add field " + o.Field.Name + " to " + o.Model }

func (o AddField) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	if _, _, err := m.Field(o.Field.Name); err == nil {
		return fmt.Errorf("migrate: AddField %s.%s: the field exists already", o.Model, o.Field.Name)
	}
	m.Fields = append(m.Fields, o.Field)
	return nil
}

func (o AddField) Forward(e *Editor, from, to *State) error {
	key := Key(o.App, o.Model)
	m, err := modelIn(to, o.App, o.Model)
	if err != nil {
		return err
	}
	f := o.Field
	inPlace := e.d.Features().AlterColumn
	if !inPlace && f.To != "" {
		return e.rebuild(from, to, key, nil) // SQLite adds a foreign key only with the table
	}
	stmts, err := e.d.AddColumn(m.Table, f.Def())
	if errors.Is(err, dialect.ErrUnsupported) && !inPlace {
		return e.rebuild(from, to, key, nil)
	}
	if err != nil {
		return err
	}
	if err := e.Exec(stmts...); err != nil {
		return err
	}
	if f.To != "" {
		c, err := to.foreignKey(m, f)
		if err != nil {
			return err
		}
		stmt, err := e.d.AddConstraint(m.Table, c)
		if err != nil {
			return err
		}
		if err := e.Exec(stmt); err != nil {
			return err
		}
	}
	if f.Index && !f.Unique && !f.PrimaryKey {
		stmt, err := e.d.CreateIndex(m.Table, dialect.Index{Name: dialect.ObjectName(m.Table, []string{f.Column}, "idx"), Columns: []string{f.Column}})
		if err != nil {
			return err
		}
		return e.Exec(stmt)
	}
	return nil
}

func (o AddField) Backward(e *Editor, from, to *State) error {
	return dropColumn(e, to, from, o.App, o.Model, o.Field)
}

// dropColumn drops f's column from the table of model app.model, going
// from the state from to the state to; SQLite rebuilds the table, whose
// DROP COLUMN refuses indexed and key columns.
func dropColumn(e *Editor, from, to *State, app, model string, f Field) error {
	if !e.d.Features().AlterColumn {
		return e.rebuild(from, to, Key(app, model), nil)
	}
	m, err := modelIn(from, app, model)
	if err != nil {
		return err
	}
	var stmts []string
	if f.To != "" { // MySQL will not drop a column its foreign key needs
		c, err := from.foreignKey(m, f)
		if err != nil {
			return err
		}
		drop, err := e.d.DropConstraint(m.Table, c)
		if err != nil {
			return err
		}
		stmts = append(stmts, drop)
	}
	return e.Exec(append(stmts, e.d.DropColumn(m.Table, f.Column))...)
}

// RemoveField drops a column.
type RemoveField struct{ App, Model, Name string }

func (o RemoveField) Describe() string { return "Remove field " + o.Name + " from " + o.Model }

func (o RemoveField) State(s *State) error {
	m, i, f, err := fieldIn(s, o.App, o.Model, o.Name)
	if err != nil {
		return err
	}
	column := f.Column
	m.Fields = slices.Delete(m.Fields, i, i+1)
	// The indexes and constraints over the column go with it, as the
	// database drops them.
	covers := func(cols []string) bool {
		return slices.ContainsFunc(cols, func(c string) bool { return strings.TrimPrefix(c, "-") == column })
	}
	m.Indexes = slices.DeleteFunc(m.Indexes, func(ix dialect.Index) bool { return covers(ix.Columns) })
	m.PartialIndexes = slices.DeleteFunc(m.PartialIndexes, func(p PartialIndex) bool { return covers(p.Columns) })
	m.Constraints = slices.DeleteFunc(m.Constraints, func(c dialect.Constraint) bool { return covers(c.Columns) })
	m.Unique = slices.DeleteFunc(m.Unique, covers)
	return nil
}

func (o RemoveField) Forward(e *Editor, from, to *State) error {
	_, _, f, err := fieldIn(from, o.App, o.Model, o.Name)
	if err != nil {
		return err
	}
	return dropColumn(e, from, to, o.App, o.Model, *f)
}

func (o RemoveField) Backward(e *Editor, from, to *State) error {
	_, _, f, err := fieldIn(from, o.App, o.Model, o.Name)
	if err != nil {
		return err
	}
	return AddField{App: o.App, Model: o.Model, Field: *f}.Forward(e, to, from)
}

// AlterField changes a column's type, nullability, length or default,
// converting the rows' values where the engine can.
type AlterField struct {
	App, Model string
	Field      Field // the field as it becomes; Name says which
}

func (o AlterField) Describe() string { return "Alter field " + o.Field.Name + " on " + o.Model }

func (o AlterField) State(s *State) error {
	m, i, _, err := fieldIn(s, o.App, o.Model, o.Field.Name)
	if err != nil {
		return err
	}
	m.Fields[i] = o.Field
	return nil
}

func (o AlterField) Forward(e *Editor, from, to *State) error {
	return alterField(e, from, to, o.App, o.Model, o.Field.Name)
}

func (o AlterField) Backward(e *Editor, from, to *State) error {
	return alterField(e, to, from, o.App, o.Model, o.Field.Name)
}

// alterField changes the column of field name from its description in
// from to the one in to.
func alterField(e *Editor, from, to *State, app, model, name string) error {
	a, _, old, err := fieldIn(from, app, model, name)
	if err != nil {
		return err
	}
	m, _, f, err := fieldIn(to, app, model, name)
	if err != nil {
		return err
	}
	key := Key(app, model)
	var renamed map[string]string
	if old.Column != f.Column {
		renamed = map[string]string{f.Column: old.Column}
	}
	if !e.d.Features().AlterColumn {
		return e.rebuild(from, to, key, renamed) // SQLite: the new table has it all
	}
	q := e.d.QuoteIdent
	var stmts []string
	if old.To != "" { // the key goes while its column changes, and comes back as it is now
		c, err := from.foreignKey(a, *old)
		if err != nil {
			return err
		}
		drop, err := e.d.DropConstraint(m.Table, c)
		if err != nil {
			return err
		}
		stmts = append(stmts, drop)
	}
	if old.Column != f.Column {
		stmts = append(stmts, e.d.RenameColumn(m.Table, old.Column, f.Column))
	}
	if old.Null && !f.Null && f.Default != "" {
		// The rows' NULLs take the default first: MySQL's MODIFY refuses them.
		stmts = append(stmts, "UPDATE "+q(m.Table)+" SET "+q(f.Column)+" = "+f.Default+" WHERE "+q(f.Column)+" IS NULL")
	}
	alter, err := e.d.AlterColumn(m.Table, f.Def())
	if err != nil {
		return err
	}
	stmts = append(stmts, alter...)
	ix := dialect.Index{Name: dialect.ObjectName(m.Table, []string{f.Column}, "idx"), Columns: []string{f.Column}}
	wantIndex, hadIndex := f.Index && !f.Unique && !f.PrimaryKey, old.Index && !old.Unique && !old.PrimaryKey
	switch {
	case hadIndex && !wantIndex:
		stmts = append(stmts, e.d.DropIndex(m.Table, dialect.ObjectName(m.Table, []string{old.Column}, "idx")))
	case wantIndex && !hadIndex:
		s, err := e.d.CreateIndex(m.Table, ix)
		if err != nil {
			return err
		}
		stmts = append(stmts, s)
	}
	if old.Unique != f.Unique && !f.PrimaryKey {
		c := dialect.Constraint{Name: inlineUniqueName(e.d, m.Table, f.Column), Kind: dialect.ConstraintUnique, Columns: []string{f.Column}}
		var s string
		if f.Unique {
			s, err = e.d.AddConstraint(m.Table, c)
		} else {
			c.Name = inlineUniqueName(e.d, m.Table, old.Column)
			s, err = e.d.DropConstraint(m.Table, c)
		}
		if err != nil {
			return err
		}
		stmts = append(stmts, s)
	}
	if f.To != "" {
		c, err := to.foreignKey(m, *f)
		if err != nil {
			return err
		}
		add, err := e.d.AddConstraint(m.Table, c)
		if err != nil {
			return err
		}
		stmts = append(stmts, add)
	}
	return e.Exec(stmts...)
}

// inlineUniqueName is the name the engine gives the unique constraint a
// column declared UNIQUE gets: PostgreSQL's "<table>_<column>_key", MySQL's
// index named after the column. AlterField adds and drops it by that name.
func inlineUniqueName(d dialect.Dialect, table, column string) string {
	if d.Name() == "mysql" {
		return column
	}
	return table + "_" + column + "_key"
}

// RenameField renames a field and its column, keeping the values. The
// column follows the name (text -> title, author_id -> writer_id) unless
// Column names it.
type RenameField struct{ App, Model, Old, New, Column string }

func (o RenameField) Describe() string {
	return "Rename field " + o.Old + " on " + o.Model + " to " + o.New
}

func (o RenameField) State(s *State) error {
	m, i, f, err := fieldIn(s, o.App, o.Model, o.Old)
	if err != nil {
		return err
	}
	m.Fields[i].Column = renamedColumn(*f, o.New)
	if o.Column != "" {
		m.Fields[i].Column = o.Column
	}
	m.Fields[i].Name = o.New
	return nil
}

// renamedColumn is the column of f renamed to name when the column follows
// the name, or f's column when it does not (db_column).
func renamedColumn(f Field, name string) string {
	switch {
	case f.Column == f.Name:
		return name
	case f.To != "" && f.Column == f.Name+"_id":
		return name + "_id"
	}
	return f.Column
}

func (o RenameField) Forward(e *Editor, from, to *State) error {
	return renameColumn(e, from, to, o.App, o.Model, o.Old, o.New)
}

func (o RenameField) Backward(e *Editor, from, to *State) error {
	return renameColumn(e, to, from, o.App, o.Model, o.New, o.Old)
}

func renameColumn(e *Editor, from, to *State, app, model, oldName, newName string) error {
	_, _, fa, err := fieldIn(from, app, model, oldName)
	if err != nil {
		return err
	}
	b, _, fb, err := fieldIn(to, app, model, newName)
	if err != nil {
		return err
	}
	if fa.Column == fb.Column {
		return nil
	}
	return e.alterTable(from, to, Key(app, model), func() ([]string, error) {
		return []string{e.d.RenameColumn(b.Table, fa.Column, fb.Column)}, nil
	}, map[string]string{fb.Column: fa.Column})
}

// RunSQL runs statements written by hand; Reverse undoes them. Without a
// Reverse the migration cannot be unapplied. The state does not change:
// describe what the SQL does to the models with other operations.
type RunSQL struct {
	SQL, Reverse []string
}

func (o RunSQL) Describe() string { return "Raw SQL operation" }

func (RunSQL) State(*State) error { return nil }

func (o RunSQL) Forward(e *Editor, _, _ *State) error { return e.Exec(o.SQL...) }

func (o RunSQL) Backward(e *Editor, _, _ *State) error {
	if o.Reverse == nil {
		return ErrIrreversible
	}
	return e.Exec(o.Reverse...)
}

// RunGo runs Go code, a data migration; Reverse undoes it. The code sees
// the state of its point in the history, not today's structs: it finds the
// tables and columns there, and runs SQL through e (e.DB(), e.Context()),
// which joins the migration's transaction.
type RunGo struct {
	Name    string // what it does, for Describe
	Code    func(e *Editor, s *State) error
	Reverse func(e *Editor, s *State) error
}

func (o RunGo) Describe() string { return "Run Go: " + o.Name }

func (RunGo) State(*State) error { return nil }

func (o RunGo) Forward(e *Editor, _, to *State) error {
	if e.collect {
		return nil // nothing to show: it is Go
	}
	return o.Code(e, to)
}

func (o RunGo) Backward(e *Editor, from, _ *State) error {
	if o.Reverse == nil {
		return ErrIrreversible
	}
	if e.collect {
		return nil
	}
	return o.Reverse(e, from)
}

// reversible reports whether op can be undone.
func reversible(op Operation) bool {
	switch op := op.(type) {
	case RunSQL:
		return op.Reverse != nil
	case RunGo:
		return op.Reverse != nil
	case SeparateDatabaseAndState:
		return !slices.ContainsFunc(op.DatabaseOperations, func(o Operation) bool { return !reversible(o) })
	}
	return true
}

// AddIndex adds an index of a model's Meta options.
type AddIndex struct {
	App, Model string
	Index      dialect.Index
}

func (o AddIndex) Describe() string { return "Create index " + o.Index.Name + " on " + o.Model }

func (o AddIndex) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	m.Indexes = append(m.Indexes, o.Index)
	return nil
}

func (o AddIndex) Forward(e *Editor, _, to *State) error {
	m, err := modelIn(to, o.App, o.Model)
	if err != nil {
		return err
	}
	stmt, err := e.d.CreateIndex(m.Table, o.Index)
	if err != nil {
		return err
	}
	return e.Exec(stmt)
}

func (o AddIndex) Backward(e *Editor, from, _ *State) error {
	m, err := modelIn(from, o.App, o.Model)
	if err != nil {
		return err
	}
	return e.Exec(e.d.DropIndex(m.Table, o.Index.Name))
}

// RemoveIndex drops an index of a model's Meta options.
type RemoveIndex struct{ App, Model, Name string }

func (o RemoveIndex) Describe() string { return "Remove index " + o.Name + " from " + o.Model }

func (o RemoveIndex) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(m.Indexes, func(ix dialect.Index) bool { return ix.Name == o.Name }); i >= 0 {
		m.Indexes = slices.Delete(m.Indexes, i, i+1)
		return nil
	}
	if i := slices.IndexFunc(m.PartialIndexes, func(p PartialIndex) bool { return p.Name == o.Name }); i >= 0 {
		m.PartialIndexes = slices.Delete(m.PartialIndexes, i, i+1)
		return nil
	}
	return noIndex(m, o.Name)
}

func (o RemoveIndex) Forward(e *Editor, from, _ *State) error {
	m, err := modelIn(from, o.App, o.Model)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(m.PartialIndexes, func(p PartialIndex) bool { return p.Name == o.Name }) && !e.d.Features().PartialIndexes {
		return nil // never made here
	}
	return e.Exec(e.d.DropIndex(m.Table, o.Name))
}

func (o RemoveIndex) Backward(e *Editor, from, _ *State) error {
	m, err := modelIn(from, o.App, o.Model)
	if err != nil {
		return err
	}
	for _, ix := range m.Indexes {
		if ix.Name == o.Name {
			return AddIndex{App: o.App, Model: o.Model, Index: ix}.Forward(e, nil, from)
		}
	}
	for _, p := range m.PartialIndexes {
		if p.Name == o.Name {
			return AddPartialIndex{App: o.App, Model: o.Model, Index: p}.Forward(e, nil, from)
		}
	}
	return noIndex(m, o.Name)
}

// noIndex is the error for an index name that m has not, plain or partial.
func noIndex(m *Model, name string) error {
	names := make([]string, 0, len(m.Indexes)+len(m.PartialIndexes))
	for _, ix := range m.Indexes {
		names = append(names, ix.Name)
	}
	for _, p := range m.PartialIndexes {
		names = append(names, p.Name)
	}
	return noItem(m, "index", name, names)
}

// AddPartialIndex adds an index (or a conditional unique constraint) that
// holds for the rows its condition selects; engines without partial
// indexes (MySQL, MariaDB) go without it.
type AddPartialIndex struct {
	App, Model string
	Index      PartialIndex
}

func (o AddPartialIndex) Describe() string { return "Create index " + o.Index.Name + " on " + o.Model }

func (o AddPartialIndex) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	m.PartialIndexes = append(m.PartialIndexes, o.Index)
	return nil
}

func (o AddPartialIndex) Forward(e *Editor, _, to *State) error {
	m, err := modelIn(to, o.App, o.Model)
	if err != nil {
		return err
	}
	ix, ok, err := m.partialIndex(e.d, o.Index)
	if err != nil || !ok {
		return err
	}
	stmt, err := e.d.CreateIndex(m.Table, ix)
	if err != nil {
		return err
	}
	return e.Exec(stmt)
}

func (o AddPartialIndex) Backward(e *Editor, from, to *State) error {
	return RemoveIndex{App: o.App, Model: o.Model, Name: o.Index.Name}.Forward(e, to, from)
}

// AddConstraint adds a named unique constraint of a model's Meta options.
type AddConstraint struct {
	App, Model string
	Constraint dialect.Constraint
}

func (o AddConstraint) Describe() string {
	return "Create constraint " + o.Constraint.Name + " on model " + o.Model
}

func (o AddConstraint) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	m.Constraints = append(m.Constraints, o.Constraint)
	return nil
}

func (o AddConstraint) Forward(e *Editor, from, to *State) error {
	key := Key(o.App, o.Model)
	m, err := modelIn(to, o.App, o.Model)
	if err != nil {
		return err
	}
	return e.alterTable(from, to, key, func() ([]string, error) {
		s, err := e.d.AddConstraint(m.Table, o.Constraint)
		return []string{s}, err
	}, nil)
}

func (o AddConstraint) Backward(e *Editor, from, to *State) error {
	return RemoveConstraint{App: o.App, Model: o.Model, Name: o.Constraint.Name}.Forward(e, to, from)
}

// RemoveConstraint drops a named constraint of a model's Meta options.
type RemoveConstraint struct{ App, Model, Name string }

func (o RemoveConstraint) Describe() string {
	return "Remove constraint " + o.Name + " from model " + o.Model
}

func (o RemoveConstraint) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "constraint", m.Constraints, constraintName, o.Name)
	if err != nil {
		return err
	}
	m.Constraints = slices.Delete(m.Constraints, i, i+1)
	return nil
}

func (o RemoveConstraint) Forward(e *Editor, from, to *State) error {
	key := Key(o.App, o.Model)
	m, err := modelIn(from, o.App, o.Model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "constraint", m.Constraints, constraintName, o.Name)
	if err != nil {
		return err
	}
	return e.alterTable(from, to, key, func() ([]string, error) {
		s, err := e.d.DropConstraint(m.Table, m.Constraints[i])
		return []string{s}, err
	}, nil)
}

func (o RemoveConstraint) Backward(e *Editor, from, to *State) error {
	m, err := modelIn(from, o.App, o.Model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "constraint", m.Constraints, constraintName, o.Name)
	if err != nil {
		return err
	}
	return AddConstraint{App: o.App, Model: o.Model, Constraint: m.Constraints[i]}.Forward(e, to, from)
}

// RenameIndex renames an index of a model's Meta options (dropped and
// created again under the new name, which every engine can do).
type RenameIndex struct{ App, Model, Old, New string }

func (o RenameIndex) Describe() string {
	return "Rename index " + o.Old + " on " + o.Model + " to " + o.New
}

func (o RenameIndex) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "index", m.Indexes, indexName, o.Old)
	if err != nil {
		return err
	}
	m.Indexes[i].Name = o.New
	return nil
}

func (o RenameIndex) Forward(e *Editor, from, to *State) error {
	return renameIndex(e, to, o.App, o.Model, o.Old, o.New)
}

func (o RenameIndex) Backward(e *Editor, from, to *State) error {
	return renameIndex(e, from, o.App, o.Model, o.New, o.Old)
}

// renameIndex drops index oldName and creates it again as newName, as the
// model app.model of the state to describes it.
func renameIndex(e *Editor, to *State, app, model, oldName, newName string) error {
	m, err := modelIn(to, app, model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "index", m.Indexes, indexName, newName)
	if err != nil {
		return err
	}
	create, err := e.d.CreateIndex(m.Table, m.Indexes[i])
	if err != nil {
		return err
	}
	return e.Exec(e.d.DropIndex(m.Table, oldName), create)
}

// SeparateDatabaseAndState changes the database and the state apart, as
// Django's: for a change the state already describes (a table created by
// hand), or a schema change the state must not see.
type SeparateDatabaseAndState struct {
	DatabaseOperations []Operation // run on the database; the state does not change
	StateOperations    []Operation // applied to the state; nothing runs
}

func (o SeparateDatabaseAndState) Describe() string {
	return "Custom state/database change combination"
}

func (o SeparateDatabaseAndState) State(s *State) error {
	for _, op := range o.StateOperations {
		if err := op.State(s); err != nil {
			return err
		}
	}
	return nil
}

// states replays the database operations from from, for their own steps.
func (o SeparateDatabaseAndState) states(from *State) ([]*State, error) {
	states := []*State{from}
	for _, op := range o.DatabaseOperations {
		next := states[len(states)-1].Clone()
		if err := op.State(next); err != nil {
			return nil, err
		}
		states = append(states, next)
	}
	return states, nil
}

func (o SeparateDatabaseAndState) Forward(e *Editor, from, _ *State) error {
	states, err := o.states(from)
	if err != nil {
		return err
	}
	for i, op := range o.DatabaseOperations {
		if err := op.Forward(e, states[i], states[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (o SeparateDatabaseAndState) Backward(e *Editor, from, _ *State) error {
	states, err := o.states(from)
	if err != nil {
		return err
	}
	for i := len(o.DatabaseOperations) - 1; i >= 0; i-- {
		if err := o.DatabaseOperations[i].Backward(e, states[i], states[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// AddCheck adds a check constraint of a model's Meta options.
type AddCheck struct {
	App, Model string
	Check      Check
}

func (o AddCheck) Describe() string {
	return "Create constraint " + o.Check.Name + " on model " + o.Model
}

func (o AddCheck) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	m.Checks = append(m.Checks, o.Check)
	return nil
}

func (o AddCheck) Forward(e *Editor, from, to *State) error {
	return changeCheck(e, from, to, o.App, o.Model, o.Check, true)
}

func (o AddCheck) Backward(e *Editor, from, to *State) error {
	return changeCheck(e, to, from, o.App, o.Model, o.Check, false)
}

// RemoveCheck drops a check constraint of a model's Meta options.
type RemoveCheck struct{ App, Model, Name string }

func (o RemoveCheck) Describe() string {
	return "Remove constraint " + o.Name + " from model " + o.Model
}

func (o RemoveCheck) State(s *State) error {
	m, err := modelIn(s, o.App, o.Model)
	if err != nil {
		return err
	}
	i, err := itemIn(m, "check constraint", m.Checks, checkName, o.Name)
	if err != nil {
		return err
	}
	m.Checks = slices.Delete(m.Checks, i, i+1)
	return nil
}

func (o RemoveCheck) Forward(e *Editor, from, to *State) error {
	c, err := findCheck(from, o.App, o.Model, o.Name)
	if err != nil {
		return err
	}
	return changeCheck(e, from, to, o.App, o.Model, c, false)
}

func (o RemoveCheck) Backward(e *Editor, from, to *State) error {
	c, err := findCheck(from, o.App, o.Model, o.Name)
	if err != nil {
		return err
	}
	return changeCheck(e, to, from, o.App, o.Model, c, true)
}

func findCheck(s *State, app, model, name string) (Check, error) {
	m, err := modelIn(s, app, model)
	if err != nil {
		return Check{}, err
	}
	i, err := itemIn(m, "check constraint", m.Checks, checkName, name)
	if err != nil {
		return Check{}, err
	}
	return m.Checks[i], nil
}

// changeCheck adds (or drops) check c on the model key, going from the
// state from to the state to; SQLite rebuilds the table.
func changeCheck(e *Editor, from, to *State, app, model string, c Check, add bool) error {
	m, err := modelIn(to, app, model)
	if !add {
		m, err = modelIn(from, app, model)
	}
	if err != nil {
		return err
	}
	sql, err := m.checkSQL(e.d, c)
	if err != nil {
		return err
	}
	dc := dialect.Constraint{Name: c.Name, Kind: dialect.ConstraintCheck, Check: sql}
	return e.alterTable(from, to, Key(app, model), func() ([]string, error) {
		var stmt string
		if add {
			stmt, err = e.d.AddConstraint(m.Table, dc)
		} else {
			stmt, err = e.d.DropConstraint(m.Table, dc)
		}
		return []string{stmt}, err
	}, nil)
}
