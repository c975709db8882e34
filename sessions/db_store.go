package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/signing"
)

// Row is a session in the database: Django's django_session table, whose
// migration the sessions app carries.
type Row struct {
	Key        string    `orm:"primary_key,max_length=40,db_column=session_key,verbose_name=session key"`
	Data       string    `orm:"db_column=session_data,verbose_name=session data"`
	ExpireDate time.Time `orm:"db_index,verbose_name=expire date"`
}

// Meta names Django's table.
func (Row) Meta() orm.Options {
	return orm.Options{Table: "django_session", VerboseName: "session", VerboseNamePlural: "sessions"}
}

// DBSalt is the salt of the signature over DBStore's data: Django's, so
// that a django_session table moves as it is.
const DBSalt = "django.contrib.sessions.SessionStore"

// DBStore keeps sessions in the django_session table, in Django's format
// (the data signed with the secret key, as signing.dumps does).
type DBStore struct {
	DB *database.DB
	// Key and FallbackKeys are the project's secret keys.
	Key          string
	FallbackKeys []string
}

func (s DBStore) signer() signing.TimestampSigner {
	return signing.TimestampSigner{Signer: signing.Signer{Key: s.Key, FallbackKeys: s.FallbackKeys, Salt: DBSalt, Compress: true}}
}

// Load reads the session's row; a row that expired or whose data does not
// verify (another secret key) is not found.
func (s DBStore) Load(ctx context.Context, key string) ([]byte, error) {
	if !validKey(key) {
		return nil, ErrNotFound
	}
	row, err := orm.Query[Row](s.DB).Filter("key", key).Filter("expire_date__gt", time.Now()).Get(ctx)
	if errors.Is(err, orm.ErrDoesNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var data json.RawMessage
	// No maximum age on the signature (0): the row's expire_date, filtered
	// above, is the session's expiry, as in Django's db backend, whose
	// decode calls signing.loads without max_age.
	if s.Key == "" || s.signer().UnsignObject(row.Data, &data, 0) != nil {
		return nil, ErrNotFound // Django logs "Session data corrupted" and starts afresh
	}
	return data, nil
}

// Create inserts a row under a new key, drawing again in the unlikely
// case the key is taken.
func (s DBStore) Create(ctx context.Context, data []byte, expiry time.Time) (string, error) {
	encoded, err := s.encode(data)
	if err != nil {
		return "", err
	}
	for range 10 {
		row := Row{Key: NewKey(), Data: encoded, ExpireDate: expiry}
		err = orm.Insert(ctx, s.DB, &row)
		if !errors.Is(err, database.ErrUniqueViolation) {
			return row.Key, err
		}
	}
	return "", fmt.Errorf("sessions: no free session key after 10 draws: %w", err)
}

// Save updates the row of key; ErrNotFound if it was deleted meanwhile.
func (s DBStore) Save(ctx context.Context, key string, data []byte, expiry time.Time) (string, error) {
	encoded, err := s.encode(data)
	if err != nil {
		return "", err
	}
	n, err := orm.Query[Row](s.DB).Filter("key", key).Update(ctx, orm.Set{"data": encoded, "expire_date": expiry})
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", ErrNotFound
	}
	return key, nil
}

// Delete removes the row of key.
func (s DBStore) Delete(ctx context.Context, key string) error {
	_, err := orm.Query[Row](s.DB).Filter("key", key).Delete(ctx)
	return err
}

// ClearExpired deletes the rows of expired sessions and returns how many:
// the clearsessions command.
func (s DBStore) ClearExpired(ctx context.Context) (int64, error) {
	return orm.Query[Row](s.DB).Filter("expire_date__lte", time.Now()).Delete(ctx)
}

func (s DBStore) encode(data []byte) (string, error) {
	if s.Key == "" {
		return "", fmt.Errorf("sessions: the DBStore's Key is empty; set it to the project's SecretKey")
	}
	return s.signer().SignObject(json.RawMessage(data))
}
