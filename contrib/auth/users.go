package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/orm"
)

// AnyUser is a user of the site's user model: a *User, or a pointer to a
// custom model that embeds BaseUser (App.UserModel). UserOf returns one;
// assert it to the model's type for its own fields, or use UserAs.
type AnyUser interface {
	// AuthUser is the part of the user the auth app works on.
	AuthUser() *BaseUser
	IsAuthenticated() bool
	IsAnonymous() bool
}

// UserModel is the site's user model, Django's AUTH_USER_MODEL: User
// unless App.UserModel is set to a CustomUser.
type UserModel struct {
	table userTable
	// username and email are the login name's and the address's fields
	// (email is nil for a model without one).
	username, email *orm.Field
	// required are the fields createsuperuser asks for besides the login
	// name and the password, Django's REQUIRED_FIELDS.
	required []*orm.Field
}

// Optional methods of a custom user model, Django's class attributes of
// the same names. They are called on the zero value.
type (
	// usernameFielder names the field users log in with, Django's
	// USERNAME_FIELD ("username" when the model has no such method).
	usernameFielder interface{ UsernameField() string }
	// emailFielder names the e-mail address field, Django's EMAIL_FIELD
	// ("email" when the model has no such method).
	emailFielder interface{ EmailField() string }
	// requiredFielder lists the fields createsuperuser asks for besides
	// the login name and the password, Django's REQUIRED_FIELDS (["email"]
	// for User).
	requiredFielder interface{ RequiredFields() []string }
)

// CustomUser makes T the site's user model, for App.UserModel: T embeds
// BaseUser (the password, last login, flags, groups and permissions) and
// adds its own fields. Swap the model before the first migrate, as in
// Django: the auth app then creates no auth_user table, and T's app
// migrates T. Methods on T name its special fields, as Django's class
// attributes: UsernameField() (default "username"), EmailField()
// (default "email"), RequiredFields() (asked by createsuperuser).
func CustomUser[T any, PT interface {
	*T
	AnyUser
}]() *UserModel {
	return &UserModel{table: table[T, PT]{}}
}

// bind reads the model's metadata and finds its special fields; it may
// run more than once (the command-line flags may need it before Ready).
func (um *UserModel) bind() error {
	um.username, um.email, um.required = nil, nil, nil
	m, err := um.table.meta()
	if err != nil {
		return fmt.Errorf("auth: the user model: %w", err)
	}
	zero := um.table.zero()
	name := "username"
	if f, ok := zero.(usernameFielder); ok {
		name = f.UsernameField()
	}
	if um.username, err = stringField(m, name, "UsernameField"); err != nil {
		return err
	}
	if !um.username.Unique && !slices.ContainsFunc(m.UniqueTogether(), func(c []string) bool { return len(c) == 1 && c[0] == name }) {
		return fmt.Errorf("auth: user model %s: its login field %q must be unique: add `orm:\"unique\"` to it", m.Name, name)
	}
	email := "email"
	if f, ok := zero.(emailFielder); ok {
		email = f.EmailField()
	}
	if _, has := m.Field(email); has || email != "email" {
		if um.email, err = stringField(m, email, "EmailField"); err != nil {
			return err
		}
	}
	required := []string{}
	if f, ok := zero.(requiredFielder); ok {
		required = f.RequiredFields()
	} else if _, std := zero.(*User); std {
		required = []string{"email"}
	}
	for _, r := range required {
		if r == name {
			return fmt.Errorf("auth: user model %s: RequiredFields must not name the login field %q (createsuperuser always asks for it)", m.Name, r)
		}
		f, ok := m.Field(r)
		if !ok || !f.Editable {
			return fmt.Errorf("auth: user model %s has no editable field %q, which RequiredFields names", m.Name, r)
		}
		um.required = append(um.required, f)
	}
	return nil
}

// stringField is m's text field name, or an error saying which method
// named it.
func stringField(m *orm.Meta, name, method string) (*orm.Field, error) {
	f, ok := m.Field(name)
	if !ok || f.IsRelation() {
		return nil, fmt.Errorf("auth: user model %s has no field %q: add it, or define %s() to name another", m.Name, name, method)
	}
	if f.Kind != dialect.KindChar && f.Kind != dialect.KindText {
		return nil, fmt.Errorf("auth: user model %s: field %q (%s() names it) must be a string field, not %s", m.Name, name, method, f.Kind)
	}
	return f, nil
}

// Username is u's login name, Django's get_username ("" for a user of
// another model).
func (um *UserModel) Username(u AnyUser) string {
	if um.check(u) != nil {
		return ""
	}
	return um.username.Value(u).String()
}

// Email is u's e-mail address, "" when the model has none (or u is of
// another model).
func (um *UserModel) Email(u AnyUser) string {
	if um.check(u) != nil {
		return ""
	}
	return emailOf(u)
}

// check returns an error unless u is a user of the model: a user of
// another model must never be written to this model's rows (the same ID
// is someone else there).
func (um *UserModel) check(u AnyUser) error {
	if missing(u) {
		return errors.New("auth: no user (nil)")
	}
	if want := reflect.TypeOf(um.table.zero()); reflect.TypeOf(u) != want {
		return fmt.Errorf("auth: the user model is %s, not %T", want, u)
	}
	return nil
}

// New returns a new, unsaved user of the model.
func (um *UserModel) New() AnyUser { return um.table.zero() }

// Meta is the model's metadata.
func (um *UserModel) Meta() *orm.Meta {
	m, _ := um.table.meta() // checked by bind
	return m
}

// userTable is the ORM for the user model, whichever its type.
type userTable interface {
	meta() (*orm.Meta, error)
	zero() AnyUser
	get(ctx context.Context, db *database.DB, where orm.Q) (AnyUser, error)
	all(ctx context.Context, db *database.DB, where orm.Q) ([]AnyUser, error)
	exists(ctx context.Context, db *database.DB, where orm.Q) (bool, error)
	update(ctx context.Context, db *database.DB, pk int64, set orm.Set) error
	insert(ctx context.Context, db *database.DB, u AnyUser) error
	setField(ctx context.Context, db *database.DB, u AnyUser, name, text string) error
	grant(ctx context.Context, db *database.DB, u AnyUser, perms []Permission) error
	values(ctx context.Context, db *database.DB, where orm.Q, fields ...string) ([][]any, error)
}

// table is the userTable of model T.
type table[T any, PT interface {
	*T
	AnyUser
}] struct{}

func (table[T, PT]) meta() (*orm.Meta, error) { return orm.MetaOf[T]() }
func (table[T, PT]) zero() AnyUser            { return PT(new(T)) }

func (table[T, PT]) get(ctx context.Context, db *database.DB, where orm.Q) (AnyUser, error) {
	u, err := orm.Query[T](db).Where(where).Get(ctx)
	if err != nil {
		return nil, err
	}
	return PT(&u), nil
}

func (table[T, PT]) all(ctx context.Context, db *database.DB, where orm.Q) ([]AnyUser, error) {
	rows, err := orm.Query[T](db).Where(where).All(ctx)
	out := make([]AnyUser, len(rows))
	for i := range rows {
		out[i] = PT(&rows[i])
	}
	return out, err
}

func (table[T, PT]) exists(ctx context.Context, db *database.DB, where orm.Q) (bool, error) {
	return orm.Query[T](db).Where(where).Exists(ctx)
}

func (table[T, PT]) update(ctx context.Context, db *database.DB, pk int64, set orm.Set) error {
	_, err := orm.Query[T](db).Filter("pk", pk).Update(ctx, set)
	return err
}

func (table[T, PT]) insert(ctx context.Context, db *database.DB, u AnyUser) error {
	t, err := own[T, PT](u)
	if err != nil {
		return err
	}
	return orm.Insert(ctx, db, t)
}

// own is u as the model's type, or an error when u is of another model.
func own[T any, PT interface {
	*T
	AnyUser
}](u AnyUser) (*T, error) {
	t, ok := u.(PT)
	if !ok {
		return nil, fmt.Errorf("auth: the user model is %T, not %T", PT(nil), u)
	}
	return (*T)(t), nil
}

// setField converts text to u's field name and validates it as the
// model's form would: an Invalid with the field's problems, or nil.
func (table[T, PT]) setField(ctx context.Context, db *database.DB, u AnyUser, name, text string) error {
	t, err := own[T, PT](u)
	if err != nil {
		return err
	}
	f, err := modelform.New(ctx, db, t, modelform.Options{Fields: []string{name}})
	if err != nil {
		return err
	}
	f.BindValues(url.Values{name: {text}}, nil)
	valid, err := f.IsValid(ctx)
	if err != nil || valid {
		return err
	}
	var msgs []string
	for _, e := range f.Errors()[name] {
		msgs = append(msgs, e.Message)
	}
	return Invalid(strings.Join(msgs, " "))
}

func (table[T, PT]) grant(ctx context.Context, db *database.DB, u AnyUser, perms []Permission) error {
	t, err := own[T, PT](u)
	if err != nil {
		return err
	}
	return orm.Links(db, t, &u.AuthUser().UserPermissions).Add(ctx, perms...)
}

func (table[T, PT]) values(ctx context.Context, db *database.DB, where orm.Q, fields ...string) ([][]any, error) {
	return orm.Query[T](db).Where(where).Values(fields...).List(ctx)
}

// missing reports whether u is no user at all: nil, or a nil pointer of a
// model's type.
func missing(u AnyUser) bool {
	if u == nil {
		return true
	}
	v := reflect.ValueOf(u)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// UserAs returns r's user as the user model's type T (*User, or a pointer
// to the custom model): UserOf with its type asserted, and an error saying
// which model is installed when T is not it.
func UserAs[T AnyUser](r *http.Request) (T, error) {
	var zero T
	u, err := UserOf(r)
	if err != nil {
		return zero, err
	}
	t, ok := u.(T)
	if !ok {
		return zero, fmt.Errorf("auth: the user model is %T, not %T: ask UserAs for the model App.UserModel names", u, zero)
	}
	return t, nil
}
