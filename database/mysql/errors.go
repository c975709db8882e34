package mysql

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
)

// The server error numbers Classify recognises; the names are MySQL's and
// MariaDB's ER_ constants.
const (
	erDupEntry              = 1062 // Duplicate entry 'x' for key 'k'
	erDupEntryWithKeyName   = 1586 // the same, from a foreign key cascade
	erRowIsReferenced       = 1216 // old form of 1451
	erNoReferencedRow       = 1217 // old form of 1452
	erRowIsReferenced2      = 1451 // deleting a parent row that is referenced
	erNoReferencedRow2      = 1452 // a child row whose parent does not exist
	erBadNull               = 1048 // Column 'c' cannot be null
	erNoDefaultForField     = 1364 // Field 'c' doesn't have a default value
	erCheckViolated         = 3819 // MySQL: Check constraint 'c' is violated.
	erConstraintFailed      = 4025 // MariaDB: CONSTRAINT `c` failed for `db`.`t`
	erLockDeadlock          = 1213
	erLockWaitTimeout       = 1205 // also MariaDB's answer to NOWAIT
	erLockNowait            = 3572 // MySQL's answer to NOWAIT
	erServerShutdown        = 1053
	erConnectionKilled      = 1927 // MariaDB: Connection was killed
	erClientInteractTimeout = 4031 // MySQL: disconnected for inactivity
	crServerGone            = 2006 // client errors, from other drivers
	crServerLost            = 2013
)

// duplicateKey finds the key named at the end of "Duplicate entry 'x' for
// key 'name'", after a value that may itself hold "for key '".
var duplicateKey = regexp.MustCompile(`(?s).*for key '([^']*)'\s*$`)

// constraintInMessage finds the constraint named in foreign key and check
// messages: "CONSTRAINT `name` FOREIGN KEY", "Check constraint 'name' is
// violated", "CONSTRAINT `name` failed".
var constraintInMessage = regexp.MustCompile("(?i)constraint [`']([^`']+)[`']")

// Classify wraps MySQL's and MariaDB's constraint, concurrency and
// connection errors in *dialect.Error; errors.As still reaches the
// *mysql.MySQLError. Constraint holds the violated key or constraint, or
// for a not-null violation the column. A lock wait timeout (and a NOWAIT
// lock that was refused) is ErrSerialization: the transaction could not
// get its locks in time, and running it again may cure that, as
// dialect.Retryable says.
func (d *Dialect) Classify(err error) error {
	if err == nil {
		return nil
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		var ne net.Error
		if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) {
			return &dialect.Error{Kind: dialect.ErrConnectionLost, Err: err}
		}
		return err
	}
	var kind error
	var constraint string
	switch me.Number {
	case erDupEntry, erDupEntryWithKeyName:
		kind = dialect.ErrUniqueViolation
		if m := duplicateKey.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
			if i := strings.LastIndexByte(constraint, '.'); i >= 0 && !d.mariaDB {
				constraint = constraint[i+1:] // MySQL 8.0.19+ says table.key
			}
		}
	case erRowIsReferenced, erNoReferencedRow, erRowIsReferenced2, erNoReferencedRow2:
		kind = dialect.ErrForeignKeyViolation
	case erBadNull, erNoDefaultForField:
		kind = dialect.ErrNotNullViolation
		if _, after, ok := strings.Cut(me.Message, "'"); ok {
			constraint, _, _ = strings.Cut(after, "'")
		}
	case erCheckViolated, erConstraintFailed:
		kind = dialect.ErrCheckViolation
	case erLockDeadlock:
		kind = dialect.ErrDeadlock
	case erLockWaitTimeout, erLockNowait:
		kind = dialect.ErrSerialization
	case erServerShutdown, erConnectionKilled, erClientInteractTimeout, crServerGone, crServerLost:
		kind = dialect.ErrConnectionLost
	default:
		return err
	}
	if constraint == "" && kind != dialect.ErrDeadlock {
		if m := constraintInMessage.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
		}
	}
	return &dialect.Error{Kind: kind, Constraint: constraint, Err: err}
}
