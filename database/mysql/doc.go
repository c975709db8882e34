// Package mysql is the MySQL and MariaDB engine of package database, over
// github.com/go-sql-driver/mysql. Most code should use package database and
// name the database with a URL:
//
//	mysql://user:password@host:3306/name
//	mysql://user@/name?socket=/run/mysqld/mysqld.sock
//
// mariadb:// is accepted too and means the same. The port defaults to 3306;
// a password holding '@', ':' or '/' is percent-encoded (p%40ss). The
// servers supported are MySQL 8.0 or later and MariaDB 10.5 or later; Open
// refuses older ones.
//
// # Options
//
// The URL's query may set:
//
//	socket   the path of a Unix socket, instead of host and port
//	tls      true, false, skip-verify or preferred (the driver's modes)
//	timeout  a Go duration bounding each connection attempt (default 5s)
//	charset  utf8mb4 only; any other value is an error
//
// Any other option is an error that lists these. Errors never hold the
// password, and neither does dbshell's command line: the client gets it in
// MYSQL_PWD.
//
// # Sessions
//
// Every connection is set up the same way:
//
//   - Character set utf8mb4, which holds every Unicode character (MySQL's
//     "utf8" stops at three bytes and loses emoji), with the collation
//     utf8mb4_unicode_ci, which both servers have.
//   - sql_mode TRADITIONAL: strict mode. A string too long for its column,
//     an invalid or zero date, a negative value in an unsigned column or a
//     division by zero is an error, never a silent truncation or NULL.
//   - time_zone '+00:00', and DATETIME values read into time.Time in UTC.
//     The ORM's datetimes are instants stored in UTC, as on the other
//     engines.
//   - An UPDATE reports the rows it matched, not only those it changed, as
//     Django does.
//
// # Text comparison
//
// Tables are created in utf8mb4 with the binary collation utf8mb4_bin, so
// that = and ORDER BY compare code points, case-sensitively, and a query
// gives the same answer here as on SQLite and PostgreSQL. The contains,
// startswith and regex lookups name that collation, so they stay
// case-sensitive even on an expression in the connection's collation; the
// i-lookups lower-case both sides (keeping accents distinct, as PostgreSQL's
// ILIKE does) and iregex matches in utf8mb4_unicode_ci. Values are bound as
// parameters and LIKE's wildcards are escaped with '\', which strict mode
// keeps as the escape character. Tables that Nuages did not create keep
// their own collation: on a _ci column, = ignores case.
//
// # MySQL and MariaDB
//
// The server's VERSION() tells them apart: MariaDB's always holds
// "MariaDB" ("10.11.9-MariaDB-0+deb12u1"), MySQL's does not ("8.0.36").
// The dialect's Features follow, and the SQL differs where the servers do:
//
//   - RETURNING: MariaDB has it for INSERT and DELETE (not for UPDATE), and
//     Features.Returning is true there. MySQL has none; callers use
//     LastInsertId.
//   - Row locks: MySQL 8 writes FOR SHARE and can lock the rows of chosen
//     tables (FOR UPDATE OF), MariaDB writes LOCK IN SHARE MODE and cannot
//     (asking is an error wrapping dialect.ErrUnsupported). NOWAIT works on
//     both, SKIP LOCKED on MySQL 8 and MariaDB 10.6 or later.
//   - Upserts use ON DUPLICATE KEY UPDATE, which matches any unique key of
//     the table, whatever the conflict target. The updated columns read the
//     inserted row with VALUES(col) on MariaDB and with a row alias on
//     MySQL 8.0.19 or later, where VALUES() is deprecated. Ignoring a
//     conflict assigns a column to itself rather than using INSERT IGNORE,
//     which would also turn a NULL in a NOT NULL column, a too-long string or
//     a missing foreign key into a warning and store the row anyway. A
//     kept row counts as one affected row, as an inserted one does.
//   - A CHECK constraint is dropped with DROP CONSTRAINT (MariaDB refuses
//     MySQL's DROP CHECK, which MySQL before 8.0.19 needs), and is reported
//     as error 3819 by MySQL and 4025 by MariaDB.
//   - A json column is MySQL's JSON type; on MariaDB it is LONGTEXT with a
//     JSON_VALID check, which the server adds itself.
//
// # Schema changes
//
// DDL is not transactional on either server: each statement commits the
// transaction in progress, and a migration that fails half-way leaves the
// statements before the failure applied (Features.TransactionalDDL is
// false). Also:
//
//   - There are no partial indexes (CREATE INDEX ... WHERE) and no
//     deferrable foreign keys; a foreign key's ON DELETE SET DEFAULT is
//     refused, as InnoDB does not honour it (MariaDB parses and ignores it).
//   - A default on a text, binary or JSON column is written as an
//     expression in parentheses, the only form MySQL accepts there.
//   - An index or unique constraint on a text, binary or JSON column needs
//     a prefix length on MySQL (error 1170); MariaDB indexes a prefix, or a
//     hash for a unique key. An index on a varchar holds at most 3072 bytes,
//     768 characters of utf8mb4.
//   - AlterColumn uses MODIFY, which keeps the column's keys and indexes; an
//     auto-increment column stays one, so AutoField to BigAutoField works.
//
// # Errors
//
// Classify maps the servers' error numbers to the kinds of package
// database: duplicate keys (1062, 1586) to ErrUniqueViolation with the key's
// name, foreign keys (1451, 1452, 1216, 1217) to ErrForeignKeyViolation with
// the constraint's name, NULL into NOT NULL (1048) and a missing value
// without a default (1364) to ErrNotNullViolation with the column's name,
// CHECK (3819, 4025) to ErrCheckViolation, a deadlock (1213) to ErrDeadlock
// and a lock wait timeout (1205, also MariaDB's answer to NOWAIT, and
// MySQL's NOWAIT error 3572) to ErrSerialization: the transaction did not
// get its locks, and running it again may succeed. A killed or broken
// connection is ErrConnectionLost. errors.As still reaches the driver's
// *mysql.MySQLError.
package mysql
