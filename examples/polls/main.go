// Command polls is Django's tutorial (parts 1, 3 and 4) in Nuages: a
// project with the polls app, whose binary is the project's manage.py.
//
//	go run ./examples/polls                 # migrate a local SQLite file, then serve on 127.0.0.1:8000
//	go run ./examples/polls help            # the project's commands
//	go run ./examples/polls showmigrations
//	go run ./examples/polls createsuperuser # a user, to vote
//
// It runs with no configuration, on polls.sqlite3 in the working
// directory; DEBUG, SECRET_KEY, DATABASE_URL (another SQLite file) and the
// other variables of docs/project.md override its settings. Like a new
// project, it links SQLite only: to run it on PostgreSQL or MySQL, name the
// engine in settings() (s.Engines = []database.Engine{postgres.Engine{}},
// see docs/database.md); a postgres:// DATABASE_URL without it stops the
// binary with that advice. Its tests run it on every engine.
package main

import (
	"context"
	"os"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/messages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/examples/polls/polls"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

func main() {
	if len(os.Args) == 1 {
		// No command: the tutorial's site, ready to use.
		os.Args = append(os.Args, "runserver", "-migrate")
	}
	nuages.Main(settings(), apps()...)
}

// apps are the installed apps, Django's INSTALLED_APPS: users (voting
// needs one: "go run ./examples/polls createsuperuser"), messages, polls.
func apps() []nuages.App {
	return []nuages.App{&auth.App{LoginRedirectURL: "/polls/"}, messages.App{}, polls.App{}}
}

func settings() nuages.Settings {
	s := nuages.DefaultSettings()
	s.Debug = true
	// A development key: refused when DEBUG is off, so production must set
	// SECRET_KEY.
	s.SecretKey = nuages.InsecureKeyPrefix + "polls-development-key-do-not-use-in-production"
	s.AllowedHosts = []string{"localhost", "127.0.0.1", "[::1]"}
	s.Databases = map[string]database.Config{"default": {URL: "sqlite:///polls.sqlite3"}}
	s.URLs = urls
	return s
}

// urls are the project's routes, Django's mysite/urls.py: the polls under
// /polls/, and / sends there.
func urls(p *nuages.Project) ([]web.Pattern, error) {
	db, err := p.DB(context.Background(), database.DefaultAlias)
	if err != nil {
		return nil, err
	}
	return []web.Pattern{
		web.Path("", views.RedirectView{Name: "polls:index"}, "home"),
		web.Include("polls/", "polls", polls.URLs(db, p)...),
		web.Include("accounts/", "", auth.AppOf(p).URLs()...),
	}, nil
}
