package auth_test

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/orm"
)

// logged logs each attempt of the backend it wraps. Unwrap says which:
// the wrapped backend keeps its name in sessions and its permissions.
type logged struct {
	auth.Backend
	log *log.Logger
}

func (l logged) Authenticate(ctx context.Context, username, password string) (auth.AnyUser, error) {
	u, err := l.Backend.Authenticate(ctx, username, password)
	l.log.Printf("login %q: %v", username, err == nil)
	return u, err
}

func (l logged) Unwrap() auth.Backend { return l.Backend }

// Backends are one-method interfaces: a function is one through
// BackendFunc (named with Named, for sessions), and a wrapper adds to
// one, as middleware does to a handler.
func ExampleBackendFunc() {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	// Fast hashes keep the example quick; keep the defaults in a site.
	app := &auth.App{Hashers: passwords.ForTests()}
	// A service account that logs in with a token; a site would read the
	// token from its settings or a table.
	token := auth.BackendFunc(func(ctx context.Context, username, password string) (auth.AnyUser, error) {
		if username != "deploy-bot" || subtle.ConstantTimeCompare([]byte(password), []byte("a long random token")) != 1 {
			return nil, auth.ErrInvalidCredentials
		}
		db, err := app.DB(ctx)
		if err != nil {
			return nil, err
		}
		u, err := orm.Query[auth.User](db).Filter("username", username).Get(ctx)
		return &u, err
	})
	app.Backends = []auth.Backend{
		logged{app.ModelBackend(), log.New(os.Stdout, "", 0)},
		auth.Named("mysite.TokenBackend", token),
	}
	ctx := context.Background()
	p, err := nuages.New(ctx, s, app)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	var errs strings.Builder
	if code := p.Run(ctx, []string{"site", "migrate"}, nuages.IO{Out: io.Discard, Err: &errs}); code != 0 {
		fmt.Println(errs.String())
		return
	}
	for _, name := range []string{"ada", "deploy-bot"} {
		if err := app.CreateUser(ctx, &auth.User{Username: name, BaseUser: auth.BaseUser{IsActive: true}}, "correct horse battery"); err != nil {
			fmt.Println(err)
			return
		}
	}

	u, err := app.Authenticate(ctx, "ada", "correct horse battery")
	fmt.Println(u, err)
	u, err = app.Authenticate(ctx, "deploy-bot", "a long random token")
	fmt.Println(u, err)
	// Output:
	// login "ada": true
	// ada <nil>
	// login "deploy-bot": false
	// deploy-bot <nil>
}
