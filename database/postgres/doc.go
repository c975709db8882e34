// Package postgres is the PostgreSQL engine of package database, over
// github.com/jackc/pgx/v5 through its database/sql layer. Most code should
// use package database and name the database with a URL:
//
//	postgres://user:password@host:5432/name?sslmode=disable
//
// postgresql:// is accepted too, and every libpq option pgx understands may
// be given in the query (sslmode, connect_timeout, application_name, ...).
//
// # Behaviour
//
// Sessions run in UTC (the timezone parameter is set unless the URL sets it),
// so that date extraction agrees with the UTC instants the ORM stores.
// Without connect_timeout, connecting gives up after 5 seconds.
//
// Classify recognises unique (23505), foreign key (23503), not-null (23502)
// and check (23514) violations, deadlocks (40P01), serialization failures
// (40001), and lost connections (class 08, administrator shutdown 57P01-3,
// broken sockets), and reports the constraint name the server gives.
package postgres
