package database

// EnterLeave registers and ends one operation in flight, for the benchmark
// of Close's accounting alone.
func (db *DB) EnterLeave() error {
	if err := db.enter(); err != nil {
		return err
	}
	db.leave()
	return nil
}
