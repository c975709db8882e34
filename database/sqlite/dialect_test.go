package sqlite

import (
	"errors"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
)

var d = newDialect("3.54.1", false)

func TestColumnDefinition(t *testing.T) {
	tests := []struct {
		name string
		col  dialect.Column
		want string
	}{
		{"bigauto", dialect.Column{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}, `"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT`},
		{"auto", dialect.Column{Name: "id", Kind: dialect.KindAuto, PrimaryKey: true}, `"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT`},
		{"smallauto", dialect.Column{Name: "id", Kind: dialect.KindSmallAuto, PrimaryKey: true}, `"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT`},
		{"bool", dialect.Column{Name: "ok", Kind: dialect.KindBool}, `"ok" bool NOT NULL`},
		{"smallint", dialect.Column{Name: "n", Kind: dialect.KindSmallInt}, `"n" smallint NOT NULL`},
		{"int_null", dialect.Column{Name: "n", Kind: dialect.KindInt, Null: true}, `"n" integer NULL`},
		{"bigint_default", dialect.Column{Name: "n", Kind: dialect.KindBigInt, Default: "0"}, `"n" bigint NOT NULL DEFAULT 0`},
		{"positive_small", dialect.Column{Name: "n", Kind: dialect.KindPositiveSmallInt}, `"n" smallint unsigned NOT NULL CHECK ("n" >= 0)`},
		{"positive", dialect.Column{Name: "n", Kind: dialect.KindPositiveInt}, `"n" integer unsigned NOT NULL CHECK ("n" >= 0)`},
		{"positive_big", dialect.Column{Name: "n", Kind: dialect.KindPositiveBigInt}, `"n" bigint unsigned NOT NULL CHECK ("n" >= 0)`},
		{"float", dialect.Column{Name: "f", Kind: dialect.KindFloat}, `"f" real NOT NULL`},
		{"decimal", dialect.Column{Name: "price", Kind: dialect.KindDecimal, Precision: 10, Scale: 2}, `"price" decimal(10, 2) NOT NULL`},
		{"char_unique", dialect.Column{Name: "email", Kind: dialect.KindChar, MaxLength: 254, Unique: true}, `"email" varchar(254) NOT NULL UNIQUE`},
		{"text", dialect.Column{Name: "body", Kind: dialect.KindText}, `"body" text NOT NULL`},
		{"date", dialect.Column{Name: "d", Kind: dialect.KindDate}, `"d" date NOT NULL`},
		{"datetime", dialect.Column{Name: "at", Kind: dialect.KindDateTime}, `"at" datetime NOT NULL`},
		{"time", dialect.Column{Name: "t", Kind: dialect.KindTime}, `"t" time NOT NULL`},
		{"duration", dialect.Column{Name: "dur", Kind: dialect.KindDuration}, `"dur" bigint NOT NULL`},
		{"uuid_pk", dialect.Column{Name: "id", Kind: dialect.KindUUID, PrimaryKey: true}, `"id" char(32) NOT NULL PRIMARY KEY`},
		{"binary", dialect.Column{Name: "b", Kind: dialect.KindBinary, Null: true}, `"b" BLOB NULL`},
		{"json", dialect.Column{Name: "data", Kind: dialect.KindJSON, Null: true}, `"data" text NULL CHECK (JSON_VALID("data") OR "data" IS NULL)`},
		{"ip", dialect.Column{Name: "ip", Kind: dialect.KindIPAddress}, `"ip" char(39) NOT NULL`},
		{"quote_in_name", dialect.Column{Name: `we"ird`, Kind: dialect.KindInt}, `"we""ird" integer NOT NULL`},
	}
	seen := map[dialect.Kind]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen[tt.col.Kind] = true
			got, err := d.ColumnDefinition(tt.col)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	for _, k := range dialect.Kinds() {
		if !seen[k] {
			t.Errorf("kind %s has no case", k)
		}
	}
}

func TestColumnDefinition_Errors(t *testing.T) {
	tests := []struct {
		name string
		col  dialect.Column
		want string
	}{
		{"no_name", dialect.Column{Kind: dialect.KindInt}, "column without a name"},
		{"no_kind", dialect.Column{Name: "x"}, `column "x" has invalid kind 0`},
		{"char_without_length", dialect.Column{Name: "x", Kind: dialect.KindChar}, `char column "x" needs a max length > 0`},
		{"decimal_scale", dialect.Column{Name: "x", Kind: dialect.KindDecimal, Precision: 2, Scale: 3}, `decimal column "x" needs 0 < precision and 0 <= scale <= precision, got precision 2, scale 3`},
		{"auto_not_pk", dialect.Column{Name: "x", Kind: dialect.KindAuto}, `auto-increment column "x" must be the primary key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.ColumnDefinition(tt.col)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFragments(t *testing.T) {
	upsert := func(c dialect.Conflict) string {
		ins, suffix, err := d.Upsert(c)
		if err != nil {
			return "error: " + err.Error()
		}
		return ins + " ... " + suffix
	}
	extract := func(p dialect.DatePart) string {
		s, err := d.Extract(p, `"at"`)
		if err != nil {
			return "error: " + err.Error()
		}
		return s
	}
	tests := []struct{ name, got, want string }{
		{"limit", d.LimitOffset(10, 0), "LIMIT 10"},
		{"limit_offset", d.LimitOffset(10, 20), "LIMIT 10 OFFSET 20"},
		{"offset_only", d.LimitOffset(-1, 20), "LIMIT -1 OFFSET 20"},
		{"neither", d.LimitOffset(-1, 0), ""},
		{"returning", d.Returning([]string{`"id"`, `"name"`}), `RETURNING "id", "name"`},
		{"upsert_ignore", upsert(dialect.Conflict{Action: dialect.ConflictIgnore}), "INSERT ... ON CONFLICT DO NOTHING"},
		{"upsert_ignore_target", upsert(dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"email"}}), `INSERT ... ON CONFLICT ("email") DO NOTHING`},
		{"upsert_update", upsert(dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"email"}, Update: []string{"name", "age"}}), `INSERT ... ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = EXCLUDED."age"`},
		{"upsert_update_no_target", upsert(dialect.Conflict{Action: dialect.ConflictUpdate, Update: []string{"name"}}), "error: sqlite: an updating upsert needs the conflict target columns and the columns to update"},
		{"savepoint", d.Savepoint("s1"), `SAVEPOINT "s1"`},
		{"release", d.ReleaseSavepoint("s1"), `RELEASE SAVEPOINT "s1"`},
		{"rollback_to", d.RollbackToSavepoint("s1"), `ROLLBACK TO SAVEPOINT "s1"`},
		{"drop_table", d.DropTable("t"), `DROP TABLE "t"`},
		{"rename_table", d.RenameTable("a", "b"), `ALTER TABLE "a" RENAME TO "b"`},
		{"drop_column", d.DropColumn("t", "c"), `ALTER TABLE "t" DROP COLUMN "c"`},
		{"rename_column", d.RenameColumn("t", "a", "b"), `ALTER TABLE "t" RENAME COLUMN "a" TO "b"`},
		{"drop_index", d.DropIndex("t", "ix"), `DROP INDEX "ix"`},
		{"cast_date", d.CastDate(`"at"`), `date("at")`},
		{"year", extract(dialect.Year), `CAST(strftime('%Y', "at") AS INTEGER)`},
		{"quarter", extract(dialect.Quarter), `((CAST(strftime('%m', "at") AS INTEGER) + 2) / 3)`},
		{"week_day", extract(dialect.WeekDay), `(CAST(strftime('%w', "at") AS INTEGER) + 1)`},
		{"iso_week", extract(dialect.Week), `CAST(strftime('%V', "at") AS INTEGER)`},
		{"bad_part", extract(dialect.DatePart(99)), "error: sqlite: unknown date part 99"},
		{"match_contains", d.Match(dialect.Contains, `"name"`, "?"), `"name" GLOB ?`},
		{"match_icontains", d.Match(dialect.IContains, `"name"`, "?"), `nuages_lower("name") LIKE nuages_lower(?) ESCAPE '\'`},
		{"match_iexact", d.Match(dialect.IExact, `"name"`, "?"), `nuages_lower("name") = nuages_lower(?)`},
		{"match_regex", d.Match(dialect.Regex, `"name"`, "?"), `"name" REGEXP ?`},
		{"arg_contains", d.MatchArg(dialect.Contains, "a*b?[c]"), "*a[*]b[?][[]c]*"},
		{"arg_startswith", d.MatchArg(dialect.StartsWith, "ab"), "ab*"},
		{"arg_iendswith", d.MatchArg(dialect.IEndsWith, `50%_\`), `%50\%\_\\`},
		{"arg_iregex", d.MatchArg(dialect.IRegex, "^a"), "(?i)^a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}

func TestSchemaChangesNeedingRebuild(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
	}{
		{"add_not_null_without_default", func() error {
			_, err := d.AddColumn("t", dialect.Column{Name: "c", Kind: dialect.KindInt})
			return err
		}},
		{"add_unique", func() error {
			_, err := d.AddColumn("t", dialect.Column{Name: "c", Kind: dialect.KindInt, Null: true, Unique: true})
			return err
		}},
		{"alter", func() error {
			_, err := d.AlterColumn("t", dialect.Column{Name: "c", Kind: dialect.KindInt})
			return err
		}},
		{"add_check", func() error {
			_, err := d.AddConstraint("t", dialect.Constraint{Name: "ck", Kind: dialect.ConstraintCheck, Check: "1"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, dialect.ErrUnsupported) || !strings.Contains(err.Error(), "rebuilt") {
				t.Errorf("error = %v, want ErrUnsupported saying the table must be rebuilt", err)
			}
		})
	}
}
