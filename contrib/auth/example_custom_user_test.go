package auth_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/orm"
)

// Member is the site's user model: members log in with their e-mail
// address and have a nickname.
type Member struct {
	auth.BaseUser
	Email    string `orm:"email,unique,verbose_name=email address"`
	Nickname string `orm:"max_length=30,blank"`
}

func (Member) Meta() orm.Options     { return orm.Options{Table: "members_member"} }
func (Member) UsernameField() string { return "email" }

// membersApp is the app that holds Member.
type membersApp struct{}

func (membersApp) Name() string  { return "members" }
func (membersApp) Models() []any { return []any{Member{}} }

// Migrations would be written by makemigrations in a project; they are
// computed here to keep the example in one file.
func (membersApp) Migrations() []*migrate.Migration {
	var models []*orm.Meta
	for _, m := range []func() (*orm.Meta, error){orm.MetaOf[auth.Permission], orm.MetaOf[auth.Group], orm.MetaOf[Member]} {
		meta, err := m()
		if err != nil {
			panic(err)
		}
		models = append(models, meta)
	}
	to, _, err := migrate.StateOf([]migrate.AppModels{{App: "auth", Models: models[:2]}, {App: "members", Models: models[2:]}})
	if err != nil {
		panic(err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	return []*migrate.Migration{{App: "members", Name: "0001_initial", Operations: ops["members"],
		Dependencies: []migrate.Node{{App: "auth", Name: "0001_initial"}}}}
}

// A custom user model replaces auth.User, Django's AUTH_USER_MODEL.
func Example_customUserModel() {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	// Fast hashes keep the example quick; keep the defaults in a site.
	app := &auth.App{UserModel: auth.CustomUser[Member](), Hashers: passwords.ForTests()}
	ctx := context.Background()
	p, err := nuages.New(ctx, s, app, membersApp{})
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

	if err := app.CreateUser(ctx, &Member{Email: "ada@example.com", Nickname: "Ada"}, "correct horse battery"); err != nil {
		fmt.Println(err)
		return
	}
	u, err := app.Authenticate(ctx, "ADA@example.com", "correct horse battery")
	fmt.Println(u, err) // the login field is compared exactly, as Django's
	u, err = app.Authenticate(ctx, "ada@example.com", "correct horse battery")
	if err != nil {
		fmt.Println(err)
		return
	}
	member := u.(*Member)
	fmt.Println(member.Nickname, member.IsActive, app.UserModel.Username(member))
	// Output:
	// <nil> auth: please enter a correct username and password; note that both fields may be case-sensitive
	// Ada true ada@example.com
}
