package migrate_test

import (
	"context"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// The models of TestSchemaMatchesModels: between them, the field kinds
// the ORM maps Go types to, with and without null, a primary key of a
// model's own, a foreign key with each of on_delete=cascade and set_null,
// and a many-to-many relation with its automatic table.

// SchemaPublisher is the target of a cascading foreign key.
type SchemaPublisher struct {
	orm.Model
	Name  string `orm:"max_length=50"`
	Notes string // text without max_length
}

// SchemaSeries is the target of a nullable, set_null foreign key.
type SchemaSeries struct {
	orm.Model
	Title string `orm:"max_length=80,unique"`
}

// SchemaGenre is the target of a many-to-many relation.
type SchemaGenre struct {
	orm.Model
	Label string `orm:"max_length=30"`
}

// SchemaCountry has a primary key of its own, a char column.
type SchemaCountry struct {
	Code string `orm:"max_length=2,primary_key"`
	Name string `orm:"max_length=60"`
}

// SchemaVolume holds a field of every kind.
type SchemaVolume struct {
	orm.Model
	Title     string `orm:"max_length=120"`
	Summary   string
	Edition   int16
	Pages     int32
	Copies    int64
	Shelf     uint16
	Words     uint32
	Letters   uint64
	Rating    float64
	InPrint   bool
	Price     string  `orm:"max_digits=9,decimal_places=2"`
	Discount  *string `orm:"max_digits=5,decimal_places=4"`
	Published time.Time
	Reading   time.Duration
	Ref       [16]byte
	Cover     []byte
	Extra     map[string]any
	Contact   string  `orm:"email"`
	Host      string  `orm:"ip"`
	Subtitle  *string `orm:"max_length=200"`
	Sequel    *int64
	Publisher orm.ForeignKey[SchemaPublisher] `orm:"on_delete=cascade"`
	Series    orm.ForeignKey[SchemaSeries]    `orm:"null,on_delete=set_null"`
	Genres    orm.ManyToMany[SchemaGenre]
}

func schemaMeta[T any](t *testing.T) *orm.Meta {
	t.Helper()
	m, err := orm.MetaOf[T]()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// On every engine: models -> makemigrations (StateOf, Changes from nothing)
// -> migrate -> the schema read back from the database's catalog is the
// models': the same tables and columns, each column's nullability, primary
// key, foreign key (its table, column and on_delete rule) and type, as the
// dialect declares it for the field's kind, with its max_length, max_digits
// and decimal_places.
func TestSchemaMatchesModels(t *testing.T) {
	t.Parallel()
	to, skipped, err := migrate.StateOf([]migrate.AppModels{{App: "catalog", Models: []*orm.Meta{
		schemaMeta[SchemaPublisher](t), schemaMeta[SchemaSeries](t), schemaMeta[SchemaGenre](t),
		schemaMeta[SchemaCountry](t), schemaMeta[SchemaVolume](t),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Fatalf("skipped = %v", skipped)
	}
	if _, err := to.Model("catalog.schemavolume_genres"); err != nil {
		t.Fatalf("the automatic many-to-many table: %v", err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	if len(ops) != 1 || len(ops["catalog"]) != len(to.Models) {
		t.Fatalf("Changes from nothing: %v, want one CreateModel per model of %v", ops, slices.Sorted(maps.Keys(to.Models)))
	}
	ms := []*migrate.Migration{{App: "catalog", Name: "0001_initial", Operations: ops["catalog"]}}

	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		d := db.Dialect()
		engine := d.Name()
		if strings.Contains(d.Features().Version, "MariaDB") {
			engine = "mariadb"
		}
		g, err := migrate.NewGraph(ms)
		if err != nil {
			t.Fatal(err)
		}
		x := migrate.NewExecutor(db, g, io.Discard)
		steps, err := x.Plan(ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Migrate(ctx, steps, migrate.Options{}); err != nil {
			t.Fatal(err)
		}

		qTables, _, _ := d.Introspect()
		tables, err := migrate.Column[string](ctx, db, qTables)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, m := range to.Models {
			want = append(want, m.Table)
		}
		slices.Sort(want)
		got := slices.DeleteFunc(tables, func(name string) bool { return name == migrate.RecordTable })
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: tables: want %v, got %v", engine, want, got)
		}

		for _, key := range slices.Sorted(maps.Keys(to.Models)) {
			m := to.Models[key]
			table, err := to.Table(d, m)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := migrate.InspectColumns(ctx, db, m.Table)
			if err != nil {
				t.Fatalf("%s: inspecting %s: %v", engine, m.Table, err)
			}
			rules, err := schemaDeleteRules(ctx, db, engine, m.Table)
			if err != nil {
				t.Fatalf("%s: the foreign keys of %s: %v", engine, m.Table, err)
			}
			checks, err := schemaChecks(ctx, db, engine, m.Table)
			if err != nil {
				t.Fatalf("%s: the checks of %s: %v", engine, m.Table, err)
			}
			read := map[string]migrate.InspectedColumn{}
			for _, c := range cols {
				read[c.Name] = c
			}
			declared := map[string]bool{}
			for i, f := range m.Fields {
				declared[f.Column] = true
				c, ok := read[f.Column]
				if !ok {
					t.Errorf("%s: table %s: column %s: want it, got no such column", engine, m.Table, f.Column)
					continue
				}
				where := engine + ": table " + m.Table + ": column " + f.Column
				schemaCompare(t, where, to, f, c, rules[f.Column])
				typ, err := d.ColumnType(table.Columns[i])
				if err != nil {
					t.Fatal(err)
				}
				if want, got := schemaType(engine, typ), schemaType(engine, c.Type); want != got {
					t.Errorf("%s: type: want %q (the dialect declares %q), got %q (the catalog says %q)", where, want, typ, got, c.Type)
				}
				if engine == "mariadb" && f.Kind == dialect.KindJSON {
					// MariaDB's json is longtext with a check the server adds.
					if check := "json_valid(`" + f.Column + "`)"; !slices.Contains(checks, check) {
						t.Errorf("%s: json: want the check %s, got the checks %q", where, check, checks)
					}
				}
			}
			for _, c := range cols {
				if !declared[c.Name] {
					t.Errorf("%s: table %s: column %s: want no such column, got %q", engine, m.Table, c.Name, c.Type)
				}
			}
		}
	})
}

var decimalSize = regexp.MustCompile(`\((\d+),\s*(\d+)\)$`)

// schemaCompare compares the column c read from the catalog, whose foreign
// key deletes with rule, with the field f of a model of s.
func schemaCompare(t *testing.T, where string, s *migrate.State, f migrate.Field, c migrate.InspectedColumn, rule string) {
	t.Helper()
	if c.Null != f.Null {
		t.Errorf("%s: null: want %v, got %v", where, f.Null, c.Null)
	}
	if c.PK != f.PrimaryKey {
		t.Errorf("%s: primary key: want %v, got %v", where, f.PrimaryKey, c.PK)
	}
	wantRef, wantRule := "", ""
	if f.To != "" {
		target, err := s.Model(f.To)
		if err != nil {
			t.Fatal(err)
		}
		pk, err := target.PK()
		if err != nil {
			t.Fatal(err)
		}
		wantRef = target.Table + "." + pk.Column
		wantRule = map[dialect.OnDelete]string{dialect.Cascade: "cascade", dialect.SetNull: "set null"}[f.OnDelete]
		if wantRule == "" {
			t.Fatalf("%s: on_delete %v: this test's models use only cascade and set_null", where, f.OnDelete)
		}
	}
	gotRef := ""
	if c.RefTable != "" || c.RefColumn != "" {
		gotRef = c.RefTable + "." + c.RefColumn
	}
	if gotRef != wantRef {
		t.Errorf("%s: foreign key: want %q, got %q", where, wantRef, gotRef)
	}
	if rule != wantRule {
		t.Errorf("%s: on delete: want %q, got %q", where, wantRule, rule)
	}
	switch f.Kind {
	case dialect.KindChar:
		if size := "(" + strconv.Itoa(f.MaxLength) + ")"; !strings.HasSuffix(c.Type, size) {
			t.Errorf("%s: max_length: want a type ending in %s, got %q", where, size, c.Type)
		}
	case dialect.KindDecimal:
		size := decimalSize.FindStringSubmatch(c.Type)
		if size == nil || size[1] != strconv.Itoa(f.Precision) || size[2] != strconv.Itoa(f.Scale) {
			t.Errorf("%s: max_digits, decimal_places: want (%d,%d), got %q", where, f.Precision, f.Scale, c.Type)
		}
	}
}

// Integer types as MariaDB's catalog writes them, with a display width
// ("bigint(20)", "smallint(5) unsigned"); tinyint(1) is bool's.
var displayWidth = regexp.MustCompile(`^(smallint|mediumint|int|bigint)\(\d+\)`)

// The types each engine declares under one name and its catalog writes
// under another: PostgreSQL's varchar is character varying; MySQL's and
// MariaDB's integer is int, double precision double, numeric decimal and
// bool tinyint(1); MariaDB's json is longtext (with a json_valid check,
// which the test reads separately). SQLite keeps the declared text.
var catalogNames = map[string]*strings.Replacer{
	"postgres": strings.NewReplacer("varchar(", "character varying("),
	"mysql":    strings.NewReplacer("integer", "int", "double precision", "double", "numeric(", "decimal(", "bool", "tinyint(1)"),
	"mariadb":  strings.NewReplacer("integer", "int", "double precision", "double", "numeric(", "decimal(", "bool", "tinyint(1)", "json", "longtext"),
}

// schemaType writes an SQL type, declared by engine's dialect or read from
// its catalog, in the catalog's words: in lower case, without the space
// after the comma of (precision, scale), without display widths.
func schemaType(engine, typ string) string {
	typ = strings.ReplaceAll(strings.ToLower(typ), ", ", ",")
	if r := catalogNames[engine]; r != nil {
		typ = r.Replace(typ) // no-op on the catalog's words, which none of these match
	}
	if engine == "mysql" || engine == "mariadb" {
		typ = displayWidth.ReplaceAllString(typ, "$1")
	}
	return typ
}

// schemaDeleteRules reads the on-delete rule of each foreign key column of
// table, in lower case: "cascade", "set null".
func schemaDeleteRules(ctx context.Context, db *database.DB, engine, table string) (map[string]string, error) {
	query := `SELECT "from", lower(on_delete) FROM pragma_foreign_key_list(?)`
	switch engine {
	case "postgres":
		query = `SELECT kcu.column_name, lower(rc.delete_rule) FROM information_schema.referential_constraints rc
			JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = rc.constraint_schema AND kcu.constraint_name = rc.constraint_name
			WHERE kcu.table_schema = current_schema() AND kcu.table_name = $1`
	case "mysql", "mariadb":
		query = `SELECT kcu.column_name, LOWER(rc.delete_rule) FROM information_schema.referential_constraints rc
			JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = rc.constraint_schema AND kcu.constraint_name = rc.constraint_name AND kcu.table_name = rc.table_name
			WHERE rc.constraint_schema = DATABASE() AND rc.table_name = ?`
	}
	rows, err := db.Query(ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rules := map[string]string{}
	for rows.Next() {
		var col, rule string
		if err := rows.Scan(&col, &rule); err != nil {
			return nil, err
		}
		rules[col] = rule
	}
	return rules, rows.Err()
}

// schemaChecks reads the check constraints of table on MariaDB, in lower
// case, and none elsewhere.
func schemaChecks(ctx context.Context, db *database.DB, engine, table string) ([]string, error) {
	if engine != "mariadb" {
		return nil, nil
	}
	return migrate.Column[string](ctx, db, "SELECT LOWER(check_clause) FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() AND table_name = ?", table)
}
