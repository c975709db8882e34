package mysql

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
)

// The servers the golden tests write SQL for.
var (
	maria     = newDialect("10.11.19-MariaDB-0+deb12u1")
	maria105  = newDialect("10.5.9-MariaDB")
	mysql8    = newDialect("8.0.36")
	mysql8018 = newDialect("8.0.18")
)

func TestNewDialect_ReadsTheVersion(t *testing.T) {
	tests := []struct {
		version                         string
		wantMariaDB                     bool
		wantMajor, wantMinor, wantPatch int
		wantErr                         string
	}{
		{"10.11.19-MariaDB-0+deb12u1", true, 10, 11, 19, ""},
		{"10.5.2-MariaDB-log", true, 10, 5, 2, ""},
		{"11.4.3-MariaDB", true, 11, 4, 3, ""},
		{"8.0.36", false, 8, 0, 36, ""},
		{"8.4.2-0ubuntu0.24.04.1", false, 8, 4, 2, ""},
		{"9.1.0-commercial", false, 9, 1, 0, ""},
		{"10.4.34-MariaDB", true, 10, 4, 34, "mysql: the server's version is 10.4.34-MariaDB: Nuages needs MySQL 8.0 or MariaDB 10.5 or later"},
		{"5.7.44-log", false, 5, 7, 44, "mysql: the server's version is 5.7.44-log: Nuages needs MySQL 8.0 or MariaDB 10.5 or later"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			d := newDialect(tt.version)
			if d.mariaDB != tt.wantMariaDB || d.major != tt.wantMajor || d.minor != tt.wantMinor || d.patch != tt.wantPatch {
				t.Errorf("got mariaDB=%v %d.%d.%d, want mariaDB=%v %d.%d.%d", d.mariaDB, d.major, d.minor, d.patch, tt.wantMariaDB, tt.wantMajor, tt.wantMinor, tt.wantPatch)
			}
			if got := errString(d.supported()); got != tt.wantErr {
				t.Errorf("supported() = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestFeatures_ByServer(t *testing.T) {
	tests := []struct {
		name string
		d    *Dialect
		want dialect.Features
	}{
		{"mariadb_10_11", maria, dialect.Features{Version: "10.11.19-MariaDB-0+deb12u1", Returning: true, AlterColumn: true, DropColumn: true, CheckConstraints: true, ForUpdate: true, SkipLocked: true, AdvisoryLocks: true, MaxIdentLength: 64}},
		{"mariadb_10_5", maria105, dialect.Features{Version: "10.5.9-MariaDB", Returning: true, AlterColumn: true, DropColumn: true, CheckConstraints: true, ForUpdate: true, AdvisoryLocks: true, MaxIdentLength: 64}},
		{"mysql_8_0_36", mysql8, dialect.Features{Version: "8.0.36", AlterColumn: true, DropColumn: true, CheckConstraints: true, ForUpdate: true, ForUpdateOf: true, SkipLocked: true, AdvisoryLocks: true, MaxIdentLength: 64}},
		{"mysql_8_0_15", newDialect("8.0.15"), dialect.Features{Version: "8.0.15", AlterColumn: true, DropColumn: true, ForUpdate: true, ForUpdateOf: true, SkipLocked: true, AdvisoryLocks: true, MaxIdentLength: 64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Features(); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestColumnDefinition_EveryKind(t *testing.T) {
	tests := []struct {
		kind dialect.Kind
		want string
	}{
		{dialect.KindAuto, "`c` integer NOT NULL AUTO_INCREMENT PRIMARY KEY"},
		{dialect.KindBigAuto, "`c` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY"},
		{dialect.KindSmallAuto, "`c` smallint NOT NULL AUTO_INCREMENT PRIMARY KEY"},
		{dialect.KindBool, "`c` bool NOT NULL"},
		{dialect.KindSmallInt, "`c` smallint NOT NULL"},
		{dialect.KindInt, "`c` integer NOT NULL"},
		{dialect.KindBigInt, "`c` bigint NOT NULL"},
		{dialect.KindPositiveSmallInt, "`c` smallint UNSIGNED NOT NULL"},
		{dialect.KindPositiveInt, "`c` integer UNSIGNED NOT NULL"},
		{dialect.KindPositiveBigInt, "`c` bigint UNSIGNED NOT NULL"},
		{dialect.KindFloat, "`c` double precision NOT NULL"},
		{dialect.KindDecimal, "`c` numeric(12, 2) NOT NULL"},
		{dialect.KindChar, "`c` varchar(30) NOT NULL"},
		{dialect.KindText, "`c` longtext NOT NULL"},
		{dialect.KindDate, "`c` date NOT NULL"},
		{dialect.KindDateTime, "`c` datetime(6) NOT NULL"},
		{dialect.KindTime, "`c` time(6) NOT NULL"},
		{dialect.KindDuration, "`c` bigint NOT NULL"},
		{dialect.KindUUID, "`c` char(32) NOT NULL"},
		{dialect.KindBinary, "`c` longblob NOT NULL"},
		{dialect.KindJSON, "`c` json NOT NULL"},
		{dialect.KindIPAddress, "`c` char(39) NOT NULL"},
	}
	if len(tests) != len(dialect.Kinds()) {
		t.Fatalf("%d cases for %d kinds", len(tests), len(dialect.Kinds()))
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			got, err := maria.ColumnDefinition(dialect.Column{Name: "c", Kind: tt.kind, MaxLength: 30, Precision: 12, Scale: 2, PrimaryKey: tt.kind.IsAuto()})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestColumnDefinition_Options(t *testing.T) {
	tests := []struct {
		name string
		c    dialect.Column
		want string
	}{
		{"null", dialect.Column{Name: "c", Kind: dialect.KindInt, Null: true}, "`c` integer NULL"},
		{"unique", dialect.Column{Name: "c", Kind: dialect.KindChar, MaxLength: 10, Unique: true}, "`c` varchar(10) NOT NULL UNIQUE"},
		{"primary_key", dialect.Column{Name: "code", Kind: dialect.KindChar, MaxLength: 3, PrimaryKey: true, Null: true}, "`code` varchar(3) NOT NULL PRIMARY KEY"},
		{"default", dialect.Column{Name: "n", Kind: dialect.KindInt, Default: "0"}, "`n` integer NOT NULL DEFAULT 0"},
		{"text_default_is_an_expression", dialect.Column{Name: "c", Kind: dialect.KindText, Default: "'x'"}, "`c` longtext NOT NULL DEFAULT ('x')"},
		{"json_default_is_an_expression", dialect.Column{Name: "c", Kind: dialect.KindJSON, Default: "'{}'"}, "`c` json NOT NULL DEFAULT ('{}')"},
		{"binary_default_is_an_expression", dialect.Column{Name: "c", Kind: dialect.KindBinary, Default: "(x'00') + 0"}, "`c` longblob NOT NULL DEFAULT ((x'00') + 0)"},
		{"quoted_name", dialect.Column{Name: "we`ird", Kind: dialect.KindBool}, "`we``ird` bool NOT NULL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := maria.ColumnDefinition(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestColumnDefinition_InvalidColumns(t *testing.T) {
	tests := []struct {
		name string
		c    dialect.Column
		want string
	}{
		{"no_name", dialect.Column{Kind: dialect.KindInt}, "dialect: column without a name"},
		{"no_kind", dialect.Column{Name: "c"}, `dialect: column "c" has invalid kind 0`},
		{"char_without_length", dialect.Column{Name: "c", Kind: dialect.KindChar}, `dialect: char column "c" needs a max length > 0, got 0`},
		{"decimal_scale_too_big", dialect.Column{Name: "c", Kind: dialect.KindDecimal, Precision: 2, Scale: 3}, `dialect: decimal column "c" needs 0 < precision and 0 <= scale <= precision, got precision 2, scale 3`},
		{"auto_not_primary_key", dialect.Column{Name: "id", Kind: dialect.KindBigAuto}, `dialect: auto-increment column "id" must be the primary key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := maria.ColumnDefinition(tt.c)
			if got := errString(err); got != tt.want {
				t.Errorf("ColumnDefinition error = %q, want %q", got, tt.want)
			}
			_, err = maria.ColumnType(tt.c)
			if got := errString(err); got != tt.want {
				t.Errorf("ColumnType error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSchemaStatements(t *testing.T) {
	ck := dialect.Constraint{Name: "ck", Kind: dialect.ConstraintCheck, Check: "`n` > 0"}
	fk := func(on dialect.OnDelete) dialect.Constraint {
		return dialect.Constraint{Name: "fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"a_id"}, RefTable: "a", RefColumns: []string{"id"}, OnDelete: on, Deferrable: true}
	}
	tests := []struct {
		name string
		got  func() (string, error)
		want string
	}{
		{"create_table", func() (string, error) {
			s, err := maria.CreateTable(dialect.Table{
				Name: "book",
				Columns: []dialect.Column{
					{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
					{Name: "title", Kind: dialect.KindChar, MaxLength: 200},
					{Name: "a_id", Kind: dialect.KindBigInt, Null: true},
				},
				Constraints: []dialect.Constraint{fk(dialect.SetNull), {Name: "title_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"title"}}},
				Indexes:     []dialect.Index{{Name: "book_title", Columns: []string{"-title", "id"}}},
			})
			return strings.Join(s, ";\n"), err
		}, "CREATE TABLE `book` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `title` varchar(200) NOT NULL, `a_id` bigint NULL, " +
			"CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE SET NULL, CONSTRAINT `title_uniq` UNIQUE (`title`)) " +
			"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\nCREATE INDEX `book_title` ON `book` (`title` DESC, `id`)"},
		{"create_table_composite_key", func() (string, error) {
			s, err := maria.CreateTable(dialect.Table{Name: "m2m", Columns: []dialect.Column{{Name: "a", Kind: dialect.KindInt}, {Name: "b", Kind: dialect.KindInt}}, PrimaryKey: []string{"a", "b"}})
			return strings.Join(s, ";\n"), err
		}, "CREATE TABLE `m2m` (`a` integer NOT NULL, `b` integer NOT NULL, PRIMARY KEY (`a`, `b`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"},
		{"create_table_bad_column", func() (string, error) {
			s, err := maria.CreateTable(dialect.Table{Name: "t", Columns: []dialect.Column{{Name: "c", Kind: dialect.KindChar}}})
			return strings.Join(s, ";\n"), err
		}, `error: table "t": dialect: char column "c" needs a max length > 0, got 0`},
		{"create_table_partial_index", func() (string, error) {
			s, err := maria.CreateTable(dialect.Table{Name: "t", Columns: []dialect.Column{{Name: "c", Kind: dialect.KindInt}}, Indexes: []dialect.Index{{Name: "ix", Columns: []string{"c"}, Where: "c > 0"}}})
			return strings.Join(s, ";\n"), err
		}, `error: table "t": dialect: partial index "ix": not supported by this database`},
		{"drop_table", str(maria.DropTable("t")), "DROP TABLE `t`"},
		{"rename_table", str(maria.RenameTable("a", "b")), "RENAME TABLE `a` TO `b`"},
		{"add_column", func() (string, error) {
			s, err := maria.AddColumn("t", dialect.Column{Name: "c", Kind: dialect.KindText, Null: true})
			return strings.Join(s, ";\n"), err
		}, "ALTER TABLE `t` ADD COLUMN `c` longtext NULL"},
		{"add_column_invalid", func() (string, error) {
			s, err := maria.AddColumn("t", dialect.Column{Name: "c"})
			return strings.Join(s, ";\n"), err
		}, `error: dialect: column "c" has invalid kind 0`},
		{"drop_column", str(maria.DropColumn("t", "c")), "ALTER TABLE `t` DROP COLUMN `c`"},
		{"rename_column", str(maria.RenameColumn("t", "a", "b")), "ALTER TABLE `t` RENAME COLUMN `a` TO `b`"},
		{"alter_column", func() (string, error) {
			s, err := maria.AlterColumn("t", dialect.Column{Name: "c", Kind: dialect.KindBigInt, Default: "0", Unique: true})
			return strings.Join(s, ";\n"), err
		}, "ALTER TABLE `t` MODIFY `c` bigint NOT NULL DEFAULT 0"},
		{"alter_column_primary_key_kept", func() (string, error) {
			s, err := maria.AlterColumn("t", dialect.Column{Name: "code", Kind: dialect.KindChar, MaxLength: 5, PrimaryKey: true})
			return strings.Join(s, ";\n"), err
		}, "ALTER TABLE `t` MODIFY `code` varchar(5) NOT NULL"},
		{"alter_column_to_big_auto", func() (string, error) {
			s, err := maria.AlterColumn("t", dialect.Column{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true})
			return strings.Join(s, ";\n"), err
		}, "ALTER TABLE `t` MODIFY `id` bigint NOT NULL AUTO_INCREMENT"},
		{"alter_column_invalid", func() (string, error) {
			s, err := maria.AlterColumn("t", dialect.Column{Name: "c", Kind: dialect.KindDecimal})
			return strings.Join(s, ";\n"), err
		}, `error: dialect: decimal column "c" needs 0 < precision and 0 <= scale <= precision, got precision 0, scale 0`},
		{"create_index", func() (string, error) {
			return maria.CreateIndex("t", dialect.Index{Name: "ix", Columns: []string{"a", "-b"}, Unique: true})
		}, "CREATE UNIQUE INDEX `ix` ON `t` (`a`, `b` DESC)"},
		{"create_index_partial", func() (string, error) {
			return maria.CreateIndex("t", dialect.Index{Name: "ix", Columns: []string{"a"}, Where: "a > 0"})
		}, `error: dialect: partial index "ix": not supported by this database`},
		{"create_index_without_columns", func() (string, error) {
			return maria.CreateIndex("t", dialect.Index{Name: "ix"})
		}, `error: dialect: index on "t" needs a name and columns`},
		{"drop_index", str(maria.DropIndex("t", "ix")), "DROP INDEX `ix` ON `t`"},
		{"add_unique", func() (string, error) {
			return maria.AddConstraint("t", dialect.Constraint{Name: "uq", Kind: dialect.ConstraintUnique, Columns: []string{"a", "b"}})
		}, "ALTER TABLE `t` ADD CONSTRAINT `uq` UNIQUE (`a`, `b`)"},
		{"add_check", func() (string, error) { return maria.AddConstraint("t", ck) }, "ALTER TABLE `t` ADD CONSTRAINT `ck` CHECK (`n` > 0)"},
		{"add_fk_no_action", func() (string, error) { return maria.AddConstraint("t", fk(dialect.NoAction)) },
			"ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`)"},
		{"add_fk_cascade", func() (string, error) { return maria.AddConstraint("t", fk(dialect.Cascade)) },
			"ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE CASCADE"},
		{"add_fk_set_null", func() (string, error) { return maria.AddConstraint("t", fk(dialect.SetNull)) },
			"ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE SET NULL"},
		{"add_fk_restrict", func() (string, error) { return maria.AddConstraint("t", fk(dialect.Restrict)) },
			"ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE RESTRICT"},
		{"add_fk_set_default", func() (string, error) { return maria.AddConstraint("t", fk(dialect.SetDefault)) },
			`error: mysql: foreign key "fk": InnoDB has no ON DELETE SET DEFAULT (MySQL refuses it, MariaDB ignores it); use SET NULL, or set the default in the application: not supported by this database`},
		{"create_table_fk_set_default", func() (string, error) {
			s, err := maria.CreateTable(dialect.Table{Name: "t", Columns: []dialect.Column{{Name: "a_id", Kind: dialect.KindInt}}, Constraints: []dialect.Constraint{fk(dialect.SetDefault)}})
			return strings.Join(s, ";\n"), err
		}, `error: mysql: table "t": foreign key "fk": InnoDB has no ON DELETE SET DEFAULT (MySQL refuses it, MariaDB ignores it); use SET NULL, or set the default in the application: not supported by this database`},
		{"add_constraint_without_name", func() (string, error) {
			return maria.AddConstraint("t", dialect.Constraint{Kind: dialect.ConstraintCheck, Check: "1"})
		},
			"error: dialect: constraint without a name"},
		{"drop_unique", func() (string, error) {
			return maria.DropConstraint("t", dialect.Constraint{Name: "uq", Kind: dialect.ConstraintUnique})
		}, "ALTER TABLE `t` DROP INDEX `uq`"},
		{"drop_fk", func() (string, error) { return mysql8.DropConstraint("t", fk(dialect.Cascade)) }, "ALTER TABLE `t` DROP FOREIGN KEY `fk`"},
		{"drop_check_mariadb", func() (string, error) { return maria.DropConstraint("t", ck) }, "ALTER TABLE `t` DROP CONSTRAINT `ck`"},
		{"drop_check_mysql_8_0_36", func() (string, error) { return mysql8.DropConstraint("t", ck) }, "ALTER TABLE `t` DROP CONSTRAINT `ck`"},
		{"drop_check_mysql_8_0_18", func() (string, error) { return mysql8018.DropConstraint("t", ck) }, "ALTER TABLE `t` DROP CHECK `ck`"},
		{"drop_unknown_kind", func() (string, error) { return maria.DropConstraint("t", dialect.Constraint{Name: "x", Kind: 9}) },
			`error: mysql: constraint "x" has unknown kind 9`},
		{"drop_without_name", func() (string, error) {
			return maria.DropConstraint("t", dialect.Constraint{Kind: dialect.ConstraintCheck})
		},
			`error: mysql: dropping a constraint of "t" without a name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := result(tt.got()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFragments(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"name", maria.Name(), "mysql"},
		{"quote", maria.QuoteIdent("we`ird"), "`we``ird`"},
		{"placeholder", maria.Placeholder(3), "?"},
		{"limit_offset_none", maria.LimitOffset(-1, 0), ""},
		{"limit", maria.LimitOffset(10, 0), "LIMIT 10"},
		{"limit_zero", maria.LimitOffset(0, 0), "LIMIT 0"},
		{"limit_offset", maria.LimitOffset(10, 20), "LIMIT 10 OFFSET 20"},
		{"offset_only", maria.LimitOffset(-1, 5), "LIMIT 18446744073709551615 OFFSET 5"},
		{"returning_mariadb", maria.Returning([]string{"`id`", "`n`"}), "RETURNING `id`, `n`"},
		{"returning_mysql", mysql8.Returning([]string{"`id`"}), ""},
		{"cast_date", maria.CastDate("`at`"), "DATE(`at`)"},
		{"random", maria.Random(), "RAND()"},
		{"savepoint", maria.Savepoint("s1"), "SAVEPOINT `s1`"},
		{"release_savepoint", maria.ReleaseSavepoint("s1"), "RELEASE SAVEPOINT `s1`"},
		{"rollback_to_savepoint", maria.RollbackToSavepoint("s1"), "ROLLBACK TO SAVEPOINT `s1`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}

func TestUpsert(t *testing.T) {
	tests := []struct {
		name string
		d    *Dialect
		c    dialect.Conflict
		want string
	}{
		{"ignore", maria, dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"k", "j"}}, "INSERT ... ON DUPLICATE KEY UPDATE `k` = `k`"},
		{"ignore_by_update_column", maria, dialect.Conflict{Action: dialect.ConflictIgnore, Update: []string{"v"}}, "INSERT ... ON DUPLICATE KEY UPDATE `v` = `v`"},
		{"ignore_without_columns", maria, dialect.Conflict{Action: dialect.ConflictIgnore}, "error: mysql: an ignoring upsert needs a target column to assign to itself (the primary key will do)"},
		{"update_mariadb", maria, dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"k"}, Update: []string{"v", "w"}}, "INSERT ... ON DUPLICATE KEY UPDATE `v` = VALUES(`v`), `w` = VALUES(`w`)"},
		{"update_mysql_8_0_18", mysql8018, dialect.Conflict{Action: dialect.ConflictUpdate, Update: []string{"v"}}, "INSERT ... ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)"},
		{"update_mysql_8_0_36", mysql8, dialect.Conflict{Action: dialect.ConflictUpdate, Update: []string{"v", "w"}}, "INSERT ... AS `new` ON DUPLICATE KEY UPDATE `v` = `new`.`v`, `w` = `new`.`w`"},
		{"update_without_columns", maria, dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"k"}}, "error: mysql: an updating upsert needs the columns to update"},
		{"unknown_action", maria, dialect.Conflict{Action: 7}, "error: mysql: unknown conflict action 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, suffix, err := tt.d.Upsert(tt.c)
			got := ins + " ... " + suffix
			if err != nil {
				got = "error: " + err.Error()
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestForUpdate(t *testing.T) {
	share := dialect.LockShare
	tests := []struct {
		name string
		d    *Dialect
		l    dialect.Lock
		want string
	}{
		{"update_mariadb", maria, dialect.Lock{}, "FOR UPDATE"},
		{"update_mysql", mysql8, dialect.Lock{}, "FOR UPDATE"},
		{"update_nowait_mariadb", maria, dialect.Lock{NoWait: true}, "FOR UPDATE NOWAIT"},
		{"update_nowait_mariadb_10_5", maria105, dialect.Lock{NoWait: true}, "FOR UPDATE NOWAIT"},
		{"update_skip_locked_mariadb", maria, dialect.Lock{SkipLocked: true}, "FOR UPDATE SKIP LOCKED"},
		{"update_skip_locked_mariadb_10_5", maria105, dialect.Lock{SkipLocked: true}, "error: mysql: SKIP LOCKED needs MySQL 8 or MariaDB 10.6; this server is 10.5.9-MariaDB: not supported by this database"},
		{"update_skip_locked_mysql", mysql8, dialect.Lock{SkipLocked: true}, "FOR UPDATE SKIP LOCKED"},
		{"share_mariadb", maria, dialect.Lock{Strength: share}, "LOCK IN SHARE MODE"},
		{"share_skip_locked_mariadb", maria, dialect.Lock{Strength: share, SkipLocked: true}, "LOCK IN SHARE MODE SKIP LOCKED"},
		{"share_mysql", mysql8, dialect.Lock{Strength: share}, "FOR SHARE"},
		{"share_nowait_mysql", mysql8, dialect.Lock{Strength: share, NoWait: true}, "FOR SHARE NOWAIT"},
		{"of_mysql", mysql8, dialect.Lock{Of: []string{"book", "a`b"}, SkipLocked: true}, "FOR UPDATE OF `book`, `a``b` SKIP LOCKED"},
		{"share_of_mysql", mysql8, dialect.Lock{Strength: share, Of: []string{"book"}}, "FOR SHARE OF `book`"},
		{"of_mariadb", maria, dialect.Lock{Of: []string{"book"}}, "error: mysql: FOR UPDATE OF needs MySQL 8; this server is 10.11.19-MariaDB-0+deb12u1: not supported by this database"},
		{"nowait_and_skip_locked", mysql8, dialect.Lock{NoWait: true, SkipLocked: true}, "error: mysql: a row lock cannot both NOWAIT and SKIP LOCKED: choose one"},
		{"no_key_update", mysql8, dialect.Lock{Strength: dialect.LockNoKeyUpdate}, "error: mysql: key-level row locks (FOR NO KEY UPDATE, FOR KEY SHARE) are PostgreSQL's: not supported by this database"},
		{"key_share", maria, dialect.Lock{Strength: dialect.LockKeyShare}, "error: mysql: key-level row locks (FOR NO KEY UPDATE, FOR KEY SHARE) are PostgreSQL's: not supported by this database"},
		{"unknown_strength", maria, dialect.Lock{Strength: 9}, "error: mysql: unknown lock strength 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := result(tt.d.ForUpdate(tt.l)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	_, err := maria.ForUpdate(dialect.Lock{Of: []string{"t"}})
	if !errors.Is(err, dialect.ErrUnsupported) {
		t.Errorf("FOR UPDATE OF on MariaDB: error = %v, want one wrapping dialect.ErrUnsupported", err)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		op        dialect.MatchOp
		value     string
		wantSQL   string
		wantValue string
	}{
		{dialect.IExact, `50%_a\b`, "LOWER(`s`) LIKE LOWER(?)", `50\%\_a\\b`},
		{dialect.Contains, "a%", "`s` LIKE ? COLLATE utf8mb4_bin", `%a\%%`},
		{dialect.IContains, "a_", "LOWER(`s`) LIKE LOWER(?)", `%a\_%`},
		{dialect.StartsWith, "a", "`s` LIKE ? COLLATE utf8mb4_bin", "a%"},
		{dialect.IStartsWith, "a", "LOWER(`s`) LIKE LOWER(?)", "a%"},
		{dialect.EndsWith, "a", "`s` LIKE ? COLLATE utf8mb4_bin", "%a"},
		{dialect.IEndsWith, "a", "LOWER(`s`) LIKE LOWER(?)", "%a"},
		{dialect.Regex, `^\D+%$`, "`s` REGEXP ? COLLATE utf8mb4_bin", `^\D+%$`},
		{dialect.IRegex, `^\D+_$`, "`s` REGEXP ? COLLATE utf8mb4_unicode_ci", `^\D+_$`},
		{0, "a", "FALSE", "a"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.op), func(t *testing.T) {
			if got := maria.Match(tt.op, "`s`", "?"); got != tt.wantSQL {
				t.Errorf("Match: got %s, want %s", got, tt.wantSQL)
			}
			if got := maria.MatchArg(tt.op, tt.value); got != tt.wantValue {
				t.Errorf("MatchArg(%q): got %s, want %s", tt.value, got, tt.wantValue)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		part dialect.DatePart
		want string
	}{
		{dialect.Year, "EXTRACT(YEAR FROM `at`)"},
		{dialect.Quarter, "EXTRACT(QUARTER FROM `at`)"},
		{dialect.Month, "EXTRACT(MONTH FROM `at`)"},
		{dialect.Week, "WEEK(`at`, 3)"},
		{dialect.Day, "EXTRACT(DAY FROM `at`)"},
		{dialect.WeekDay, "DAYOFWEEK(`at`)"},
		{dialect.ISOWeekDay, "(WEEKDAY(`at`) + 1)"},
		{dialect.DayOfYear, "DAYOFYEAR(`at`)"},
		{dialect.Hour, "EXTRACT(HOUR FROM `at`)"},
		{dialect.Minute, "EXTRACT(MINUTE FROM `at`)"},
		{dialect.Second, "EXTRACT(SECOND FROM `at`)"},
		{0, "error: mysql: unknown date part 0"},
		{99, "error: mysql: unknown date part 99"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := result(maria.Extract(tt.part, "`at`")); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name           string
		d              *Dialect
		err            error
		want           error
		wantConstraint string
	}{
		{"unique_mariadb", maria, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'kv_k_uniq'"}, dialect.ErrUniqueViolation, "kv_k_uniq"},
		{"unique_mariadb_dotted_key", maria, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'k.v'"}, dialect.ErrUniqueViolation, "k.v"},
		{"unique_mysql8", mysql8, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'kv.kv_k_uniq'"}, dialect.ErrUniqueViolation, "kv_k_uniq"},
		{"unique_value_looks_like_a_key", maria, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'x' for key 'y' for key 'kv_k_uniq'"}, dialect.ErrUniqueViolation, "kv_k_uniq"},
		{"unique_primary", maria, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry '1' for key 'PRIMARY'"}, dialect.ErrUniqueViolation, "PRIMARY"},
		{"unique_with_key_name", maria, &mysql.MySQLError{Number: 1586, Message: "Duplicate entry 'a' for key 'uq'"}, dialect.ErrUniqueViolation, "uq"},
		{"fk_child", maria, &mysql.MySQLError{Number: 1452, Message: "Cannot add or update a child row: a foreign key constraint fails (`db`.`book`, CONSTRAINT `book_author_fk` FOREIGN KEY (`a`) REFERENCES `author` (`id`))"}, dialect.ErrForeignKeyViolation, "book_author_fk"},
		{"fk_parent", maria, &mysql.MySQLError{Number: 1451, Message: "Cannot delete or update a parent row: a foreign key constraint fails (`db`.`book`, CONSTRAINT `book_author_fk` FOREIGN KEY (`a`) REFERENCES `author` (`id`))"}, dialect.ErrForeignKeyViolation, "book_author_fk"},
		{"fk_old_child", maria, &mysql.MySQLError{Number: 1216, Message: "Cannot add or update a child row: a foreign key constraint fails"}, dialect.ErrForeignKeyViolation, ""},
		{"fk_old_parent", maria, &mysql.MySQLError{Number: 1217, Message: "Cannot delete or update a parent row: a foreign key constraint fails"}, dialect.ErrForeignKeyViolation, ""},
		{"not_null", maria, &mysql.MySQLError{Number: 1048, Message: "Column 'title' cannot be null"}, dialect.ErrNotNullViolation, "title"},
		{"no_default", maria, &mysql.MySQLError{Number: 1364, Message: "Field 'title' doesn't have a default value"}, dialect.ErrNotNullViolation, "title"},
		{"check_mariadb", maria, &mysql.MySQLError{Number: 4025, Message: "CONSTRAINT `pages_positive` failed for `db`.`book`"}, dialect.ErrCheckViolation, "pages_positive"},
		{"check_mysql", mysql8, &mysql.MySQLError{Number: 3819, Message: "Check constraint 'pages_positive' is violated."}, dialect.ErrCheckViolation, "pages_positive"},
		{"deadlock", maria, &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}, dialect.ErrDeadlock, ""},
		{"lock_wait_timeout", maria, &mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded; try restarting transaction"}, dialect.ErrSerialization, ""},
		{"nowait_mysql", mysql8, &mysql.MySQLError{Number: 3572, Message: "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set."}, dialect.ErrSerialization, ""},
		{"gone_away", maria, &mysql.MySQLError{Number: 2006}, dialect.ErrConnectionLost, ""},
		{"lost_during_query", maria, &mysql.MySQLError{Number: 2013}, dialect.ErrConnectionLost, ""},
		{"killed_mariadb", maria, &mysql.MySQLError{Number: 1927, Message: "Connection was killed"}, dialect.ErrConnectionLost, ""},
		{"shutdown", maria, &mysql.MySQLError{Number: 1053, Message: "Server shutdown in progress"}, dialect.ErrConnectionLost, ""},
		{"inactivity_mysql", mysql8, &mysql.MySQLError{Number: 4031}, dialect.ErrConnectionLost, ""},
		{"invalid_conn", maria, mysql.ErrInvalidConn, dialect.ErrConnectionLost, ""},
		{"bad_conn", maria, fmt.Errorf("exec: %w", driver.ErrBadConn), dialect.ErrConnectionLost, ""},
		{"eof", maria, fmt.Errorf("read: %w", io.EOF), dialect.ErrConnectionLost, ""},
		{"net_error", maria, netError{}, dialect.ErrConnectionLost, ""},
		{"wrapped", maria, fmt.Errorf("insert book: %w", &mysql.MySQLError{Number: 1213}), dialect.ErrDeadlock, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Classify(tt.err)
			var de *dialect.Error
			if !errors.As(err, &de) {
				t.Fatalf("Classify = %v (%T), want a *dialect.Error", err, err)
			}
			if !errors.Is(err, tt.want) || de.Constraint != tt.wantConstraint {
				t.Errorf("got %v (constraint %q), want %v (constraint %q)", err, de.Constraint, tt.want, tt.wantConstraint)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("errors.Is(Classify(err), err) = false: the driver's error is lost")
			}
			var me *mysql.MySQLError
			if errors.As(tt.err, &me) && !errors.As(err, &me) {
				t.Errorf("errors.As(*mysql.MySQLError) fails on %v", err)
			}
		})
	}
	passThrough := []struct {
		name string
		err  error
	}{
		{"syntax", &mysql.MySQLError{Number: 1064, Message: "You have an error in your SQL syntax"}},
		{"too_long", &mysql.MySQLError{Number: 1406, Message: "Data too long for column 's' at row 1"}},
		{"plain", errors.New("something else")},
	}
	for _, tt := range passThrough {
		t.Run("unchanged_"+tt.name, func(t *testing.T) {
			if got := maria.Classify(tt.err); got != tt.err {
				t.Errorf("got %v, want the error unchanged", got)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		if got := maria.Classify(nil); got != nil {
			t.Errorf("got %v, want nil", got)
		}
	})
}

// str adapts a statement that cannot fail to the golden tables.
func str(s string) func() (string, error) { return func() (string, error) { return s, nil } }

// result is s, or "error: " and the error's text.
func result(s string, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// netError is a network failure, as a broken socket reports it.
type netError struct{}

func (netError) Error() string   { return "read tcp 127.0.0.1:3306: connection reset by peer" }
func (netError) Timeout() bool   { return false }
func (netError) Temporary() bool { return false }

var _ net.Error = netError{}
