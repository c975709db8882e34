package mysql

import (
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
)

var (
	maria  = newDialect("10.11.19-MariaDB-0+deb12u1")
	mysql8 = newDialect("8.0.36")
)

func TestFeatures_ByServer(t *testing.T) {
	tests := []struct {
		name                               string
		d                                  *Dialect
		returning, forUpdateOf, skipLocked bool
	}{
		{"mariadb_10_11", maria, true, false, true},
		{"mariadb_10_5", newDialect("10.5.2-MariaDB"), true, false, false},
		{"mysql_8", mysql8, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.d.Features()
			if f.Returning != tt.returning || f.ForUpdateOf != tt.forUpdateOf || f.SkipLocked != tt.skipLocked || f.TransactionalDDL {
				t.Errorf("Features = %+v", f)
			}
		})
	}
}

func TestColumnDefinition(t *testing.T) {
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
	got, _ := maria.ColumnDefinition(dialect.Column{Name: "c", Kind: dialect.KindText, Default: "'x'"})
	if want := "`c` longtext NOT NULL DEFAULT ('x')"; got != want {
		t.Errorf("text default: got %s, want %s (an expression, as MySQL requires)", got, want)
	}
}

func TestFragments(t *testing.T) {
	forUpdate := func(d *Dialect, l dialect.Lock) string {
		s, err := d.ForUpdate(l)
		if err != nil {
			return "error: " + err.Error()
		}
		return s
	}
	upsert := func(c dialect.Conflict) string {
		ins, suffix, err := maria.Upsert(c)
		if err != nil {
			return "error: " + err.Error()
		}
		return ins + " ... " + suffix
	}
	dropCheck := func(d *Dialect) string {
		s, _ := d.DropConstraint("t", dialect.Constraint{Name: "ck", Kind: dialect.ConstraintCheck})
		return s
	}
	_, partialErr := maria.CreateIndex("t", dialect.Index{Name: "ix", Columns: []string{"a"}, Where: "a > 0"})
	tests := []struct{ name, got, want string }{
		{"offset_only", maria.LimitOffset(-1, 5), "LIMIT 18446744073709551615 OFFSET 5"},
		{"returning_mariadb", maria.Returning([]string{"`id`"}), "RETURNING `id`"},
		{"returning_mysql", mysql8.Returning([]string{"`id`"}), ""},
		{"share_mariadb", forUpdate(maria, dialect.Lock{Strength: dialect.LockShare}), "LOCK IN SHARE MODE"},
		{"share_mysql", forUpdate(mysql8, dialect.Lock{Strength: dialect.LockShare, NoWait: true}), "FOR SHARE NOWAIT"},
		{"of_mysql", forUpdate(mysql8, dialect.Lock{Of: []string{"book"}, SkipLocked: true}), "FOR UPDATE OF `book` SKIP LOCKED"},
		{"of_mariadb", forUpdate(maria, dialect.Lock{Of: []string{"book"}}), "error: mysql: FOR UPDATE OF needs MySQL 8; this server is 10.11.19-MariaDB-0+deb12u1: not supported by this database"},
		{"no_key_update", forUpdate(mysql8, dialect.Lock{Strength: dialect.LockNoKeyUpdate}), "error: mysql: key-level row locks (FOR NO KEY UPDATE, FOR KEY SHARE) are PostgreSQL's: not supported by this database"},
		{"skip_locked_old_mariadb", forUpdate(newDialect("10.5.9-MariaDB"), dialect.Lock{SkipLocked: true}), "error: mysql: NOWAIT and SKIP LOCKED need MySQL 8 or MariaDB 10.6; this server is 10.5.9-MariaDB: not supported by this database"},
		{"upsert_update", upsert(dialect.Conflict{Action: dialect.ConflictUpdate, Update: []string{"v", "w"}}), "INSERT ... ON DUPLICATE KEY UPDATE `v` = VALUES(`v`), `w` = VALUES(`w`)"},
		{"upsert_ignore", upsert(dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"k"}}), "INSERT ... ON DUPLICATE KEY UPDATE `k` = `k`"},
		{"drop_check_mariadb", dropCheck(maria), "ALTER TABLE `t` DROP CONSTRAINT `ck`"},
		{"drop_check_mysql", dropCheck(mysql8), "ALTER TABLE `t` DROP CHECK `ck`"},
		{"drop_index", maria.DropIndex("t", "ix"), "DROP INDEX `ix` ON `t`"},
		{"rename_table", maria.RenameTable("a", "b"), "RENAME TABLE `a` TO `b`"},
		{"partial_index", partialErr.Error(), `dialect: partial index "ix": not supported by this database`},
		{"match_contains", maria.Match(dialect.Contains, "`s`", "?"), "`s` LIKE ? COLLATE utf8mb4_bin"},
		{"match_icontains", maria.Match(dialect.IContains, "`s`", "?"), "LOWER(`s`) LIKE LOWER(?)"},
		{"week", mustExtract(t, dialect.Week), "WEEK(`at`, 3)"},
		{"week_day", mustExtract(t, dialect.WeekDay), "DAYOFWEEK(`at`)"},
		{"year", mustExtract(t, dialect.Year), "EXTRACT(YEAR FROM `at`)"},
		{"quote", maria.QuoteIdent("we`ird"), "`we``ird`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}

func mustExtract(t *testing.T, p dialect.DatePart) string {
	s, err := maria.Extract(p, "`at`")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConfig(t *testing.T) {
	u, _ := url.Parse("mysql://app:p%40ss@db/shop?timeout=2s&tls=preferred")
	cfg, err := config(u)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "app" || cfg.Passwd != "p@ss" || cfg.Addr != "db:3306" || cfg.DBName != "shop" || cfg.Timeout != 2*time.Second || cfg.TLSConfig != "preferred" {
		t.Errorf("config = %+v", cfg)
	}
	if !cfg.ParseTime || cfg.Loc != time.UTC || cfg.Params["sql_mode"] != "'TRADITIONAL'" || cfg.Params["time_zone"] != "'+00:00'" || !strings.HasPrefix(cfg.Collation, "utf8mb4") {
		t.Errorf("session settings = %+v", cfg)
	}
	sock, _ := url.Parse("mysql://app@/shop?socket=/run/mysqld/mysqld.sock")
	if cfg, err := config(sock); err != nil || cfg.Net != "unix" || cfg.Addr != "/run/mysqld/mysqld.sock" {
		t.Errorf("socket config = %+v, %v", cfg, err)
	}
	for _, bad := range []struct{ query, want string }{
		{"charset=latin1", `mysql: unknown option "charset": the options are socket, tls and timeout`},
		{"timeout=soon", `mysql: timeout="soon" is not a positive duration such as 5s`},
	} {
		u, _ := url.Parse("mysql://app@db/shop?" + bad.query)
		if _, err := config(u); err == nil || err.Error() != bad.want {
			t.Errorf("config(%s) error = %v, want %q", bad.query, err, bad.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name           string
		err            error
		want           error
		wantConstraint string
	}{
		{"unique_mariadb", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'kv_k_uniq'"}, dialect.ErrUniqueViolation, "kv_k_uniq"},
		{"unique_mysql8", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'kv.kv_k_uniq'"}, dialect.ErrUniqueViolation, "kv_k_uniq"},
		{"foreign_key", &mysql.MySQLError{Number: 1452, Message: "Cannot add or update a child row: a foreign key constraint fails (`db`.`book`, CONSTRAINT `book_author_fk` FOREIGN KEY ...)"}, dialect.ErrForeignKeyViolation, "book_author_fk"},
		{"not_null", &mysql.MySQLError{Number: 1048, Message: "Column 'title' cannot be null"}, dialect.ErrNotNullViolation, "title"},
		{"check_mariadb", &mysql.MySQLError{Number: 4025, Message: "CONSTRAINT `pages_positive` failed for `db`.`book`"}, dialect.ErrCheckViolation, "pages_positive"},
		{"check_mysql", &mysql.MySQLError{Number: 3819, Message: "Check constraint 'pages_positive' is violated."}, dialect.ErrCheckViolation, "pages_positive"},
		{"deadlock", &mysql.MySQLError{Number: 1213}, dialect.ErrDeadlock, ""},
		{"lock_wait_timeout", &mysql.MySQLError{Number: 1205}, dialect.ErrSerialization, ""},
		{"gone_away", &mysql.MySQLError{Number: 2006}, dialect.ErrConnectionLost, ""},
		{"invalid_conn", mysql.ErrInvalidConn, dialect.ErrConnectionLost, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := maria.Classify(tt.err)
			var de *dialect.Error
			if !errors.Is(err, tt.want) || !errors.As(err, &de) || de.Constraint != tt.wantConstraint {
				t.Errorf("Classify = %v, want %v (constraint %q)", err, tt.want, tt.wantConstraint)
			}
		})
	}
	syntax := &mysql.MySQLError{Number: 1064}
	if got := maria.Classify(syntax); got != syntax {
		t.Errorf("Classify(syntax error) = %v, want it unchanged", got)
	}
}

func TestShell_KeepsPasswordOffTheCommandLine(t *testing.T) {
	u, _ := url.Parse("mysql://app:s3cr3t@db:3307/shop")
	onlyMySQL := func(name string) (string, error) {
		if name == "mysql" {
			return "/usr/bin/mysql", nil
		}
		return "", exec.ErrNotFound
	}
	sh := shell(u, onlyMySQL)
	if sh.Program != "mysql" || strings.Join(sh.Args, " ") != "--host=db --port=3307 --user=app shop" {
		t.Errorf("Shell = %+v", sh)
	}
	if len(sh.Env) != 1 || sh.Env[0] != "MYSQL_PWD=s3cr3t" {
		t.Errorf("Env = %q", sh.Env)
	}
	if strings.Contains(strings.Join(sh.Args, " "), "s3cr3t") {
		t.Error("the password is on the command line")
	}
}
