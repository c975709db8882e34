// Package sqlite is the SQLite engine of package database, over the pure-Go
// driver modernc.org/sqlite (no cgo: the binary stays static). Most code
// should use package database and name the database with a URL:
//
//	sqlite:///db.sqlite3            relative to the working directory
//	sqlite:////var/lib/app.sqlite3  absolute
//	sqlite://:memory:               private, in memory
//
// # Behaviour
//
// Every connection runs with foreign keys enforced, a busy timeout, and
// transactions that begin IMMEDIATE, taking the write lock at BEGIN: a
// transaction that reads and then writes can then wait for another writer
// instead of failing with "database is locked". File databases use the
// write-ahead log (WAL), so readers never block the writer.
//
// Times are written in UTC as "YYYY-MM-DD HH:MM:SS.SSS+00:00", a format
// SQLite's date functions read and whose text order is time order; they are
// read back in UTC.
//
// REGEXP is provided by Go's regexp package (RE2 syntax), and the
// case-insensitive text comparisons fold Unicode case, not only ASCII as
// SQLite's LIKE does.
//
// An in-memory database lives in a single connection, since SQLite gives
// each connection its own: its pool holds exactly one connection that is
// never recycled, and concurrent queries take turns.
//
// # Options
//
// The URL's query may set busy_timeout (milliseconds, default 5000),
// journal_mode (default WAL for files) and synchronous (default NORMAL).
// Any other option is an error.
package sqlite
