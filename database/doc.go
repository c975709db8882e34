// Package database connects Nuages to SQLite, PostgreSQL and MySQL/MariaDB,
// runs queries and transactions, and classifies errors the same way on all
// three.
//
// A database is opened from a URL in the DATABASE_URL convention, under an
// alias such as "default" or "replica":
//
//	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite:///db.sqlite3"})
//
// See [ParseURL] for the accepted forms and [Config] for the pool settings and
// their defaults. Errors from Open name the alias and never contain the
// password; use [Redact] to print a URL yourself.
//
// # Transactions
//
// [DB.Atomic] is Django's transaction.atomic: the transaction travels in the
// context, every query made through the DB with that context runs inside it,
// and a nested Atomic is a savepoint that rolls back alone:
//
//	err := db.Atomic(ctx, func(ctx context.Context) error {
//		if _, err := db.Exec(ctx, "UPDATE account SET balance = balance - 10 WHERE id = 1"); err != nil {
//			return err // rolls back
//		}
//		db.OnCommit(ctx, func(ctx context.Context) { notify(ctx) }) // only after COMMIT
//		return nil
//	})
//
// # Errors
//
// Constraint violations, deadlocks, serialization failures and lost
// connections are returned as [*Error] values that match [ErrUniqueViolation],
// [ErrForeignKeyViolation], [ErrNotNullViolation], [ErrCheckViolation],
// [ErrDeadlock], [ErrSerialization] and [ErrConnectionLost] with errors.Is,
// whatever the engine.
//
// # Engines
//
// The engines live in database/sqlite, database/postgres and database/mysql,
// behind the SPI of database/dialect. SQLite's is built in. The others are
// linked into a binary only when it names them, as database/sql drivers are
// linked only when imported: in [Config.Engine], or in the project's
// Settings.Engines, from which a project picks the one each URL names
// ([EngineFor]):
//
//	db, err := database.Open(ctx, "default", database.Config{
//		URL:    "postgres://app@db:5432/shop",
//		Engine: postgres.Engine{},
//	})
//
// A URL naming an engine the binary lacks is an error that says which
// package to import. On SQLite, which allows one writer at a time, Atomic
// blocks of one process take turns instead of failing with "database is
// locked".
package database
