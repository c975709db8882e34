package orm

import "time"

// SetNow replaces the clock of auto_now and auto_now_add until the
// returned function restores it.
func SetNow(now func() time.Time) (restore func()) {
	prev := nowFunc
	nowFunc = now
	return func() { nowFunc = prev }
}
