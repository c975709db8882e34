package orm

import (
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// converter stores a field whose Go value is not a database/sql value:
// value gives what to bind, scanner what to scan into.
type converter interface {
	value(fv reflect.Value) (any, error)
	scanner(fv reflect.Value) sql.Scanner
}

// scanFunc adapts a function to sql.Scanner.
type scanFunc func(src any) error

func (f scanFunc) Scan(src any) error { return f(src) }

// jsonConverter stores any Go value as JSON text; it round-trips through
// encoding/json, so the field's type decides what is read back. In a
// nullable column a nil pointer, map or slice is NULL; elsewhere it is the
// JSON null.
type jsonConverter struct{ null bool }

func (c jsonConverter) value(fv reflect.Value) (any, error) {
	switch fv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if fv.IsNil() && c.null {
			return nil, nil
		}
	}
	b, err := json.Marshal(fv.Interface())
	if err != nil {
		return nil, fmt.Errorf("orm: encoding JSON: %w", err)
	}
	return string(b), nil
}

func (jsonConverter) scanner(fv reflect.Value) sql.Scanner {
	return scanFunc(func(src any) error {
		var b []byte
		switch s := src.(type) {
		case nil:
			fv.Set(reflect.Zero(fv.Type()))
			return nil
		case string:
			b = []byte(s)
		case []byte:
			b = s
		default:
			return fmt.Errorf("orm: JSON column holds %T", src)
		}
		if err := json.Unmarshal(b, fv.Addr().Interface()); err != nil {
			return fmt.Errorf("orm: decoding JSON: %w", err)
		}
		return nil
	})
}

// uuidConverter stores a [16]byte (such as github.com/google/uuid.UUID)
// as 32 hexadecimal digits, which every engine's UUID column accepts.
type uuidConverter struct{}

func (uuidConverter) value(fv reflect.Value) (any, error) {
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return nil, nil
		}
		fv = fv.Elem()
	}
	var b [16]byte
	reflect.Copy(reflect.ValueOf(&b).Elem(), fv)
	return hex.EncodeToString(b[:]), nil
}

func (uuidConverter) scanner(fv reflect.Value) sql.Scanner {
	return scanFunc(func(src any) error {
		var s string
		switch v := src.(type) {
		case nil:
			fv.Set(reflect.Zero(fv.Type()))
			return nil
		case string:
			s = v
		case []byte:
			if len(v) == 16 { // a driver returning raw bytes
				s = hex.EncodeToString(v)
			} else {
				s = string(v)
			}
		case [16]byte:
			s = hex.EncodeToString(v[:])
		default:
			return fmt.Errorf("orm: UUID column holds %T", src)
		}
		b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
		if err != nil || len(b) != 16 {
			return fmt.Errorf("orm: %q is not a UUID", s)
		}
		target := fv
		if target.Kind() == reflect.Pointer {
			target.Set(reflect.New(target.Type().Elem()))
			target = target.Elem()
		}
		reflect.Copy(target, reflect.ValueOf(b))
		return nil
	})
}
