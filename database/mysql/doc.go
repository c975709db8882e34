// Package mysql is the MySQL and MariaDB engine of package database, over
// github.com/go-sql-driver/mysql. Most code should use package database and
// name the database with a URL:
//
//	mysql://user:password@host:3306/name
//	mysql://user@/name?socket=/run/mysqld/mysqld.sock
//
// mariadb:// is accepted too. It supports MySQL 8 and MariaDB 10.5 or later.
//
// # Behaviour
//
// Connections use utf8mb4 (every Unicode character, emoji included), strict
// SQL mode (TRADITIONAL: a too-long string or an invalid date is an error,
// never silently truncated) and the UTC time zone; DATETIME values are
// parsed into time.Time in UTC. Tables use the utf8mb4_bin collation, so
// that text compares and sorts by code point and case-sensitively, as on
// SQLite and PostgreSQL; the case-insensitive lookups lower-case both sides.
//
// The server's version tells MySQL from MariaDB: MariaDB supports
// INSERT ... RETURNING, MySQL does not (callers use LastInsertId there);
// MySQL 8 can lock rows of chosen tables (FOR UPDATE OF), MariaDB cannot.
//
// DDL is not transactional on either: a migration that fails half-way leaves
// the statements before the failure applied.
//
// # Options
//
// The URL's query may set socket (a Unix socket instead of host:port), tls
// (true, false, skip-verify or preferred) and timeout (a Go duration for
// connecting, default 5s). Any other option is an error.
package mysql
