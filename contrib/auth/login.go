package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// ErrInvalidCredentials is Authenticate's answer for an unknown user, a
// wrong password or an inactive account alike, so that a form cannot
// tell which.
var ErrInvalidCredentials = errors.New("auth: please enter a correct username and password; note that both fields may be case-sensitive")

// Django's session keys, so that a session table shared with a Django
// site keeps people logged in.
const (
	sessionUserID  = "_auth_user_id"
	sessionBackend = "_auth_user_backend"
	sessionHash    = "_auth_user_hash"
)

// CheckPassword reports whether password is u's, and saves a new hash
// when the stored one is outdated (Django's check_password with its
// setter).
func (a *App) CheckPassword(ctx context.Context, u AnyUser, password string) (bool, error) {
	if err := a.UserModel.check(u); err != nil {
		return false, err
	}
	ok, mustUpdate, err := a.Hashers.Check(ctx, password, u.AuthUser().Password)
	if errors.Is(err, passwords.ErrUnknownAlgorithm) || errors.Is(err, passwords.ErrMalformedHash) {
		return false, nil // an unusable or foreign hash matches nothing
	}
	if err != nil || !ok {
		return false, err
	}
	if mustUpdate {
		if err := a.SetPassword(ctx, u, password); err != nil {
			return false, err
		}
		if err := a.save(ctx, u, "password"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// SetPassword hashes password into u.Password with the preferred hasher;
// save u to keep it. Validate the password first (ValidatePassword).
func (a *App) SetPassword(ctx context.Context, u AnyUser, password string) error {
	if missing(u) {
		return errors.New("auth: SetPassword: no user (nil)")
	}
	encoded, err := a.Hashers.Make(ctx, password)
	if err != nil {
		return err
	}
	u.AuthUser().Password = encoded
	return nil
}

// CreateUser saves u, a new user of the user model with its fields set
// (a *User with its Username, say), as an active user with password,
// Django's create_user: an empty password makes it unusable (the user
// logs in by other means only). It does not validate the password (see
// ValidatePassword).
func (a *App) CreateUser(ctx context.Context, u AnyUser, password string) error {
	db, err := a.DB(ctx)
	if err != nil {
		return err
	}
	u.AuthUser().IsActive = true
	if password == "" {
		u.AuthUser().Password = passwords.Unusable()
	} else if err := a.SetPassword(ctx, u, password); err != nil {
		return err
	}
	return a.UserModel.table.insert(ctx, db, u)
}

// ValidatePassword checks password against the app's validators, with
// u's login name, names and e-mail address for the similarity check (the
// ones its model has, as Django's UserAttributeSimilarityValidator); u may
// be nil.
func (a *App) ValidatePassword(password string, u AnyUser) error {
	var attrs []passwords.Attribute
	if a.UserModel != nil && a.UserModel.check(u) == nil {
		m := a.UserModel.Meta()
		names := []string{a.UserModel.username.Name, "username", "first_name", "last_name", "email"}
		if a.UserModel.email != nil {
			names = append(names, a.UserModel.email.Name)
		}
		seen := map[string]bool{}
		for _, name := range names {
			f, ok := m.Field(name)
			if !ok || seen[name] || f.IsRelation() || (f.Kind != dialect.KindChar && f.Kind != dialect.KindText) {
				continue
			}
			seen[name] = true
			attrs = append(attrs, passwords.Attribute{Name: name, VerboseName: f.VerboseName, Value: f.Value(u).String()})
		}
	}
	return passwords.Validate(password, attrs, a.Validators...)
}

func (a *App) save(ctx context.Context, u AnyUser, fields ...string) error {
	if err := a.UserModel.check(u); err != nil {
		return err
	}
	b := u.AuthUser()
	db, err := a.DB(ctx)
	if err != nil {
		return err
	}
	set := orm.Set{}
	for _, f := range fields {
		switch f {
		case "password":
			set[f] = b.Password
		case "last_login":
			set[f] = b.LastLogin
		}
	}
	return a.UserModel.table.update(ctx, db, b.ID, set)
}

// sessionAuthHash is Django's get_session_auth_hash: an HMAC of the
// password hash, so that changing the password ends the other sessions.
func sessionAuthHash(passwordHash, secret string) string {
	key := sha256.Sum256([]byte("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + secret))
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(passwordHash))
	return hex.EncodeToString(mac.Sum(nil))
}

// requestAuth is a request's authentication: the app, and the user once
// read from the session.
type requestAuth struct {
	app    *App
	r      *http.Request
	once   sync.Mutex
	loaded bool
	user   AnyUser
	err    error
	// perms are the answers given so far; modelPerms the model
	// backend's permissions, read once.
	perms      map[string]bool
	modelPerms map[string]bool
}

type authKey struct{}

func authOf(r *http.Request) (*requestAuth, error) {
	ra, ok := r.Context().Value(authKey{}).(*requestAuth)
	if !ok {
		return nil, errors.New("auth: the request did not go through the authentication middleware: install &auth.App{} in the project")
	}
	return ra, nil
}

func (a *App) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ra := &requestAuth{app: a}
		r = r.WithContext(context.WithValue(r.Context(), authKey{}, ra))
		ra.r = r
		if u, ok := r.Context().Value(forcedKey{}).(AnyUser); ok {
			if err := Login(r, u); err != nil {
				web.ServeError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

type forcedKey struct{}

// ForceLogin returns r marked so that the auth middleware logs user in
// before the handler runs, without a password: for tests (nuagestest's
// Client.ForceLogin), as Django's test client force_login. Only code in
// the same process can mark a request.
func ForceLogin(r *http.Request, user AnyUser) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), forcedKey{}, user))
}

// UserOf returns the user logged in on r's session, or an anonymous user
// (a zero value of the user model: ID 0, IsAuthenticated false): Django's
// request.user. It is a *User unless App.UserModel names a custom model
// (UserAs asserts the type). The session is read on first use; a session
// whose password hash no longer matches (the password changed elsewhere)
// is flushed.
func UserOf(r *http.Request) (AnyUser, error) {
	ra, err := authOf(r)
	if err != nil {
		return &User{}, err
	}
	ra.once.Lock()
	defer ra.once.Unlock()
	if !ra.loaded {
		ra.loaded = true
		ra.user, ra.err = ra.app.userFromSession(r)
	}
	return ra.user, ra.err
}

func (a *App) userFromSession(r *http.Request) (AnyUser, error) {
	anonymous := a.UserModel.New()
	s := sessions.From(r)
	var id, backend, hash string
	if ok, err := s.Get(sessionUserID, &id); err != nil || !ok {
		return anonymous, err
	}
	s.Get(sessionBackend, &backend)
	s.Get(sessionHash, &hash)
	pk, err := strconv.ParseInt(id, 10, 64)
	if err != nil || !a.backendNamed(backend) {
		return anonymous, s.Flush()
	}
	db, err := a.DB(r.Context())
	if err != nil {
		return anonymous, err
	}
	user, err := a.UserModel.table.get(r.Context(), db, orm.Q{"pk": pk})
	if errors.Is(err, orm.ErrDoesNotExist) {
		return anonymous, s.Flush()
	}
	if err != nil {
		return anonymous, err
	}
	b := user.AuthUser()
	st := a.project.Settings()
	for i, key := range signing.VerifyingKeys(st.SecretKey, st.SecretKeyFallbacks) {
		if subtle.ConstantTimeCompare([]byte(hash), []byte(sessionAuthHash(b.Password, key))) == 1 {
			if i > 0 { // signed with an old key: move it to the new one
				err = s.Set(sessionHash, sessionAuthHash(b.Password, st.SecretKey))
			}
			if !b.IsActive {
				return anonymous, s.Flush()
			}
			return user, err
		}
	}
	return anonymous, s.Flush() // the password changed since: log out
}

// Login logs user in on r's session: the session gets a new key (or is
// emptied if another user was logged in), against session fixation, and
// the CSRF secret is rotated; user's last login is saved. Django's login.
func Login(r *http.Request, user AnyUser) error {
	ra, err := authOf(r)
	if err != nil {
		return err
	}
	a := ra.app
	if err := a.UserModel.check(user); err != nil {
		return err
	}
	if !user.IsAuthenticated() {
		return errors.New("auth: Login needs a saved user")
	}
	b := user.AuthUser()
	s := sessions.From(r)
	hash := sessionAuthHash(b.Password, a.project.Settings().SecretKey)
	var id, old string
	if ok, err := s.Get(sessionUserID, &id); err != nil {
		return err
	} else if ok {
		s.Get(sessionHash, &old)
	}
	if id != "" && (id != strconv.FormatInt(b.ID, 10) || subtle.ConstantTimeCompare([]byte(old), []byte(hash)) != 1) {
		err = s.Flush() // someone else's session: start afresh
	} else {
		err = s.CycleKey()
	}
	if err != nil {
		return err
	}
	backend := b.backend
	if backend == "" { // a user not from Authenticate: the model backend if configured, or the first (Django's force_login)
		backend = backendName(a.Backends[0])
		if a.backendNamed(ModelBackendName) {
			backend = ModelBackendName
		}
	}
	for k, v := range map[string]string{sessionUserID: strconv.FormatInt(b.ID, 10), sessionBackend: backend, sessionHash: hash} {
		if err := s.Set(k, v); err != nil {
			return err
		}
	}
	csrf.Rotate(r)
	now := time.Now().UTC()
	b.LastLogin = &now
	if err := a.save(r.Context(), user, "last_login"); err != nil {
		return fmt.Errorf("auth: saving the last login: %w", err)
	}
	ra.once.Lock()
	ra.loaded, ra.user, ra.err, ra.perms, ra.modelPerms = true, user, nil, nil, nil
	ra.once.Unlock()
	if a.OnLogin != nil {
		a.OnLogin(r, user)
	}
	return nil
}

// Logout logs r's user out: the session is flushed (a new, empty one)
// and the request's user becomes anonymous. Django's logout.
func Logout(r *http.Request) error {
	ra, err := authOf(r)
	if err != nil {
		return err
	}
	var was AnyUser
	if ra.app.OnLogout != nil {
		was, _ = UserOf(r) // an error shows as the anonymous user
	}
	if err := sessions.From(r).Flush(); err != nil {
		return err
	}
	ra.once.Lock()
	ra.loaded, ra.user, ra.err, ra.perms, ra.modelPerms = true, ra.app.UserModel.New(), nil, nil, nil
	ra.once.Unlock()
	if ra.app.OnLogout != nil {
		ra.app.OnLogout(r, was)
	}
	return nil
}

// UpdateSessionAuthHash keeps r's session logged in after user changed
// their password (which logs out every other session): Django's
// update_session_auth_hash. The session key is rotated too.
func UpdateSessionAuthHash(r *http.Request, user AnyUser) error {
	ra, err := authOf(r)
	if err != nil {
		return err
	}
	if err := ra.app.UserModel.check(user); err != nil {
		return err
	}
	s := sessions.From(r)
	if err := s.CycleKey(); err != nil {
		return err
	}
	current, err := UserOf(r)
	if err != nil || current.AuthUser().ID != user.AuthUser().ID {
		return err
	}
	return s.Set(sessionHash, sessionAuthHash(user.AuthUser().Password, ra.app.project.Settings().SecretKey))
}
