package auth_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/web"
)

// Account is a custom user model: the e-mail address is the login name,
// there is no username, and a full name is required.
type Account struct {
	auth.BaseUser
	Email    string `orm:"email,unique,verbose_name=email address"`
	FullName string `orm:"max_length=100,verbose_name=full name"`
	BornIn   int    `orm:"verbose_name=year of birth"`
	Phone    string `orm:"max_length=20,blank"`
}

func (Account) Meta() orm.Options        { return orm.Options{Table: "accounts_account"} }
func (Account) UsernameField() string    { return "email" }
func (Account) RequiredFields() []string { return []string{"full_name", "born_in"} }
func (a *Account) String() string        { return a.Email }
func accountModel() (*orm.Meta, *orm.Meta, *orm.Meta) {
	perm, _ := orm.MetaOf[auth.Permission]()
	group, _ := orm.MetaOf[auth.Group]()
	account, _ := orm.MetaOf[Account]()
	return perm, group, account
}

// accountsApp holds Account; its migration is computed from the models,
// as makemigrations would write it.
type accountsApp struct{}

func (accountsApp) Name() string  { return "accounts" }
func (accountsApp) Models() []any { return []any{Account{}} }
func (accountsApp) Migrations() []*migrate.Migration {
	perm, group, account := accountModel()
	to, _, err := migrate.StateOf([]migrate.AppModels{{App: "auth", Models: []*orm.Meta{perm, group}}, {App: "accounts", Models: []*orm.Meta{account}}})
	if err != nil {
		panic(err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	return []*migrate.Migration{{App: "accounts", Name: "0001_initial", Operations: ops["accounts"],
		Dependencies: []migrate.Node{{App: "auth", Name: "0001_initial"}}}}
}

func customSite(t *testing.T, engine string) (*nuages.Project, *auth.App) {
	t.Helper()
	app := &auth.App{UserModel: auth.CustomUser[Account]()}
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := auth.UserAs[*Account](r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write([]byte("hello " + u.FullName + " <" + u.Email + ">"))
	})
	s := testSettings([]web.Pattern{
		web.Include("accounts/", "", app.URLs()...),
		web.Path("private/", auth.LoginRequired(whoami), "private"),
		web.Path("phone/", auth.UserPassesTest(func(a *Account) bool { return a.Phone != "" }, whoami), "phone"),
	})
	// The project overrides the reset mail's subject, as a site would.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "registration"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "registration", "password_reset_subject.txt"), []byte("Your new password\nfor {{.site_name}} & co\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.TemplateDirs = []string{dir}
	return nuagestest.NewOn(t, engine, s, app, accountsApp{}), app
}

// A custom user model replaces User: no auth_user table, logins by e-mail
// address, the permission checks, the password reset by e-mail and
// createsuperuser all work on it.
func TestCustomUserModel(t *testing.T) {
	// createsuperuser reads the environment: set it once for the engines,
	// which run in parallel (a flag overrides BORN_IN below).
	t.Setenv("NUAGES_SUPERUSER_PASSWORD", "a long enough passphrase")
	t.Setenv("NUAGES_SUPERUSER_BORN_IN", "1970")
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, app := customSite(t, engine)
		db, err := p.DB(t.Context(), database.DefaultAlias)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, table := range []string{"auth_user", "auth_user_groups", "accounts_account", "accounts_account_groups", "accounts_account_user_permissions", "auth_group"} {
			rows, err := db.Query(t.Context(), "SELECT 1 FROM "+table+" WHERE 1 = 0")
			if err == nil {
				rows.Close()
			}
			names[table] = err == nil
		}
		for name, want := range map[string]bool{"auth_user": false, "auth_user_groups": false, "accounts_account": true, "accounts_account_groups": true, "accounts_account_user_permissions": true, "auth_group": true} {
			if names[name] != want {
				t.Errorf("table %s exists = %v, want %v", name, names[name], want)
			}
		}

		// The swapped models and their migrations agree: nothing to make.
		if out, code := run(t, p, "", "makemigrations", "-dry-run", "-dir", t.TempDir()+"/{app}"); code != 0 || !strings.Contains(out, "No changes detected") {
			t.Errorf("makemigrations: %d %s", code, out)
		}

		ada := &Account{Email: "ada@example.com", FullName: "Ada Lovelace"}
		authtest.CreateUserOf(t, app, ada, "analytical engine", "auth.view_group")
		c := nuagestest.NewSiteClient(t, p)
		if !c.Login("ada@example.com", "analytical engine") {
			t.Fatal("Login by e-mail address refused")
		}
		if res := c.Get("/private/"); res.Status != 200 || res.Body != "hello Ada Lovelace <ada@example.com>" {
			t.Errorf("private: %d %s", res.Status, res.Body)
		}
		if res := c.Get("/phone/"); res.Status != 403 {
			t.Errorf("UserPassesTest with no phone: %d", res.Status)
		}
		if ok, err := app.HasPerm(t.Context(), ada, "auth.view_group", nil); err != nil || !ok {
			t.Errorf("HasPerm(auth.view_group) = %v, %v", ok, err)
		}
		if ok, err := app.HasPerm(t.Context(), ada, "auth.add_group", nil); err != nil || ok {
			t.Errorf("HasPerm(auth.add_group) = %v, %v", ok, err)
		}
		var perms []auth.Permission
		if perms, err = orm.Query[auth.Permission](db).Filter("app", "accounts").All(t.Context()); err != nil || len(perms) != 4 {
			t.Errorf("permissions of accounts.account: %v, %v", perms, err)
		}

		// A user of another model is refused, never written to the row of
		// the Account with the same ID.
		stranger := &auth.User{Username: "stranger"}
		stranger.ID, stranger.Password = ada.ID, ada.Password
		if ok, err := app.CheckPassword(t.Context(), stranger, "analytical engine"); ok || err == nil || !strings.Contains(err.Error(), "the user model is *auth_test.Account, not *auth.User") {
			t.Errorf("CheckPassword with a *auth.User = %v, %v", ok, err)
		}
		if err := app.CreateUser(t.Context(), stranger, "x"); err == nil {
			t.Error("CreateUser saved a *auth.User")
		}
		if name := app.UserModel.Username(stranger); name != "" {
			t.Errorf("Username of a *auth.User = %q", name)
		}

		// The login page asks for the login field, by its name.
		anon := nuagestest.NewSiteClient(t, p)
		anon.Get("/accounts/login/").AssertContains(`<label for="id_username">Email address:</label>`, `maxlength="254"`)
		anon.Post("/accounts/login/", url.Values{"username": {"ada@example.com"}, "password": {"wrong"}}).
			AssertContains("Please enter a correct email address and password.")
		anon.Post("/accounts/login/", url.Values{"username": {"ada@example.com"}, "password": {"analytical engine"}}).AssertRedirects("/accounts/profile/")

		// The password reset mails the account's address, with its login name.
		anon = nuagestest.NewSiteClient(t, p)
		anon.Get("/accounts/password_reset/")
		if res := anon.Post("/accounts/password_reset/", url.Values{"email": {"ADA@example.com"}}); res.Status != 302 {
			t.Fatalf("password reset: %d %s", res.Status, res.Body)
		}
		sent := nuagestest.Outbox(p).Messages()
		if len(sent) != 1 || sent[0].To[0] != "ada@example.com" || sent[0].Subject != "Your new password for testserver & co" || !strings.Contains(sent[0].Body, "Your username, in case you’ve forgotten: ada@example.com") {
			t.Fatalf("reset mail: %+v", sent)
		}

		// createsuperuser asks for the login field and the required ones.
		if out, code := run(t, p, "", "createsuperuser", "-noinput", "-email", "root@example.com"); code == 0 || !strings.Contains(out, "full_name") {
			t.Errorf("createsuperuser without the full name: %d %s", code, out)
		}
		if out, code := run(t, p, "", "createsuperuser", "-noinput", "-email", "root@example.com", "-full_name", "Root", "-born_in", "nineteen"); code == 0 || !strings.Contains(out, `born_in "nineteen": Enter a whole number.`) {
			t.Errorf("createsuperuser with a year that is not a number: %d %s", code, out)
		}
		if out, code := run(t, p, "", "createsuperuser", "-noinput", "-email", "root@example.com", "-full_name", "Root"); code != 0 {
			t.Fatalf("createsuperuser: %d %s", code, out)
		}
		root, err := app.Authenticate(t.Context(), "root@example.com", "a long enough passphrase")
		if acc, ok := root.(*Account); err != nil || !ok || !acc.IsSuperuser || acc.FullName != "Root" || acc.BornIn != 1970 {
			t.Errorf("the superuser: %+v, %v", root, err)
		}
		input := "ada@example.com\nbob@example.com\nBob\nlast year\n1980\nbob's passphrase 7\nbob's passphrase 7\n"
		if out, code := run(t, p, input, "createsuperuser"); code != 0 || !strings.Contains(out, "Error: That email address is already taken.") || !strings.Contains(out, "Full name: ") || !strings.Contains(out, "Year of birth: ") || !strings.Contains(out, "Error: Enter a whole number.") {
			t.Errorf("interactive createsuperuser: %d %s", code, out)
		}
	})
}

// The auth app refuses a custom user model it cannot work with, and says
// what to do.
func TestCustomUserModelErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		model *auth.UserModel
		want  string
	}{
		{auth.CustomUser[Account](), "the user model Account is in no installed app: list Account{} in its app's Models()"},
		{auth.CustomUser[noLogin](), `auth: user model noLogin has no field "username": add it, or define UsernameField() to name another`},
		{auth.CustomUser[notUnique](), `auth: user model notUnique: its login field "username" must be unique`},
		{auth.CustomUser[badEmail](), `auth: user model badEmail: field "email" (EmailField() names it) must be a string field`},
	}
	for _, c := range cases {
		_, err := nuages.New(t.Context(), nuagestest.Settings(t, nuagestest.SQLite, testSettings(nil)), &auth.App{UserModel: c.model})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.want, err, c.want)
		}
	}
}

type noLogin struct {
	auth.BaseUser
	Nickname string `orm:"max_length=20"`
}

type notUnique struct {
	auth.BaseUser
	Username string `orm:"max_length=20"`
}

type badEmail struct {
	auth.BaseUser
	Username string `orm:"max_length=20,unique"`
	Email    int
}
