package database

import "github.com/nuages-go/nuages/database/dialect"

// The kinds of database error, matched with errors.Is. A classified error is
// an *Error; errors.As reaches the driver's own error through it.
var (
	ErrUniqueViolation     = dialect.ErrUniqueViolation
	ErrForeignKeyViolation = dialect.ErrForeignKeyViolation
	ErrNotNullViolation    = dialect.ErrNotNullViolation
	ErrCheckViolation      = dialect.ErrCheckViolation
	ErrDeadlock            = dialect.ErrDeadlock
	ErrSerialization       = dialect.ErrSerialization
	ErrConnectionLost      = dialect.ErrConnectionLost
)

// Error is a classified database error; see the Err variables.
type Error = dialect.Error

// Retryable reports whether err is a deadlock or serialization failure,
// which running the same transaction again may cure.
func Retryable(err error) bool { return dialect.Retryable(err) }
