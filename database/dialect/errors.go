package dialect

import "errors"

// The kinds of database error that callers branch on, matched with
// errors.Is. Package database re-exports them.
var (
	ErrUniqueViolation     = errors.New("unique constraint violated")
	ErrForeignKeyViolation = errors.New("foreign key constraint violated")
	ErrNotNullViolation    = errors.New("not-null constraint violated")
	ErrCheckViolation      = errors.New("check constraint violated")
	ErrDeadlock            = errors.New("deadlock detected")
	ErrSerialization       = errors.New("could not serialize access")
	ErrConnectionLost      = errors.New("connection to the database lost")
)

// Error is a classified driver error. errors.Is matches it against its Kind,
// and errors.As reaches the driver's own error (for example a
// *pgconn.PgError) through Err.
type Error struct {
	Kind       error  // one of the Err... variables of this package
	Constraint string // name of the violated constraint, when the engine says
	Err        error  // the driver's error
}

func (e *Error) Error() string {
	msg := "database: " + e.Kind.Error()
	if e.Constraint != "" {
		msg += " (" + e.Constraint + ")"
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the kind and the driver's error.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// Retryable reports whether err is a failure that running the same
// transaction again may cure: a deadlock or a serialization failure.
func Retryable(err error) bool {
	return errors.Is(err, ErrDeadlock) || errors.Is(err, ErrSerialization)
}
