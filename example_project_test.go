package nuages_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// The main.go of a project: its settings and its apps, handed to Main,
// which reads the environment, builds the project and runs the command of
// the command line. (Not run: Main exits.)
func ExampleMain() {
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "development-only"
	nuages.Main(s, polls{}, blog{})
}

// polls is an app with some of the optional interfaces an App may have;
// the project finds them by type assertion.
type polls struct{}

var (
	_ nuages.TemplateProvider  = polls{}
	_ nuages.ProcessorProvider = polls{}
	_ nuages.Checker           = polls{}
	_ nuages.Readier           = polls{}
)

func (polls) Name() string { return "polls" }

// Templates ship with the app; the project's TemplateDirs override them.
func (polls) Templates() fs.FS {
	return fstest.MapFS{"polls/index.html": {Data: []byte(`{{.site}}: {{.title}}`)}}
}

// ContextProcessors add to the data of every template.
func (polls) ContextProcessors() []templates.Processor {
	return []templates.Processor{func(*http.Request) templates.Data { return templates.Data{"site": "Polls"} }}
}

// Checks run with the check command: a function is a check through
// CheckFunc; Tagged and DeployOnly say when it runs.
func (polls) Checks() []nuages.Check {
	return []nuages.Check{nuages.DeployOnly(nuages.CheckFunc(checkHosts))}
}

func checkHosts(ctx context.Context, in nuages.CheckInput) []nuages.Message {
	if len(in.Project.Settings().AllowedHosts) == 0 {
		return []nuages.Message{{Level: nuages.Warning, ID: "polls.W001", Msg: "ALLOWED_HOSTS is empty.", Hint: "Set ALLOWED_HOSTS."}}
	}
	return nil
}

// Ready runs once the project is built, before any command.
func (polls) Ready(ctx context.Context, p *nuages.Project) error { return nil }

func index(p *nuages.Project) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return p.Render(w, r, "polls/index.html", templates.Data{"title": "Latest"})
	}
}

// A project's site: Settings.URLs gives the routes (Django's
// ROOT_URLCONF), the apps their templates, and Handler the whole site
// with its middleware.
func ExampleProject_Handler() {
	s := nuages.DefaultSettings()
	s.SecretKey = "an example key: production reads SECRET_KEY from the environment"
	s.AllowedHosts = []string{"example.com"}
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	s.SessionEngine = nuages.SessionsNone
	s.URLs = func(p *nuages.Project) ([]web.Pattern, error) {
		return []web.Pattern{
			web.Include("polls/", "polls", web.Path("", index(p), "index")),
		}, nil
	}
	ctx := context.Background()
	p, err := nuages.New(ctx, s, polls{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	h, err := p.Handler()
	if err != nil {
		fmt.Println(err)
		return
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://example.com/polls/", nil))
	fmt.Println(w.Code, w.Body.String())
	fmt.Println(p.Reverse("polls:index"))
	msgs, _ := p.Check(ctx, nuages.CheckOptions{})
	fmt.Println(len(msgs), "check messages")
	// Output:
	// 200 Polls: Latest
	// /polls/ <nil>
	// 0 check messages
}

// A command with flags: they are declared on a fresh FlagSet for each run
// and read through the Invocation; Usagef reports a bad command line.
func ExampleCommand() {
	publish := &nuages.Command{
		Name:    "publish",
		Summary: "Publish the drafts.",
		Usage:   "[slug...]",
		Flags:   func(fs *flag.FlagSet) { fs.Bool("dry-run", false, "only say what would be published") },
		Run: func(ctx context.Context, inv *nuages.Invocation) error {
			if len(inv.Args) == 0 {
				return nuages.Usagef("name the drafts to publish")
			}
			if inv.Bool("dry-run") {
				fmt.Fprintln(inv.Out, "would publish", strings.Join(inv.Args, ", "))
				return nil
			}
			db, err := inv.Project.DB(ctx, database.DefaultAlias)
			if err != nil {
				return err
			}
			_ = db // UPDATE the drafts here
			fmt.Fprintln(inv.Out, "published", strings.Join(inv.Args, ", "))
			return nil
		},
	}
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	ctx := context.Background()
	p, err := nuages.New(ctx, s, commands{publish})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	stdio := nuages.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stdout}
	for _, args := range [][]string{{"-dry-run", "hello"}, {"hello", "world"}} {
		code := p.Run(ctx, append([]string{"mysite", "publish"}, args...), stdio)
		fmt.Println("exit code", code)
	}
	// Output:
	// would publish hello
	// exit code 0
	// published hello, world
	// exit code 0
}

// commands is an app that adds commands to the project binary.
type commands []*nuages.Command

func (commands) Name() string                  { return "blog" }
func (c commands) Commands() []*nuages.Command { return c }

// A signer with the project's keys, for a link that must come back
// unchanged and not too old.
func ExampleProject_Signer() {
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	p, err := nuages.New(context.Background(), s)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	signer := p.Signer("newsletter.unsubscribe") // a salt per purpose
	token := signer.Sign("ada@example.com")
	email, err := signer.Unsign(token, 30*24*time.Hour)
	fmt.Println(email, err)
	_, err = p.Signer("password-reset").Unsign(token, time.Hour)
	fmt.Println(err != nil) // another purpose refuses it
	// Output:
	// ada@example.com <nil>
	// true
}
