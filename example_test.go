package nuages_test

import (
	"context"
	"fmt"
	"os"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
)

// blog is an app that adds a command to the project binary.
type blog struct{}

func (blog) Name() string { return "blog" }

func (blog) Commands() []*nuages.Command {
	return []*nuages.Command{{
		Name:    "publish",
		Summary: "Publish the drafts.",
		Run: func(ctx context.Context, inv *nuages.Invocation) error {
			db, err := inv.Project.DB(ctx, "default")
			if err != nil {
				return err
			}
			var one int
			if err := db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
				return err
			}
			fmt.Fprintln(inv.Out, "published, database answered", one)
			return nil
		},
	}}
}

func Example() {
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	// What Main does with os.Environ(): the environment overrides the code.
	if err := s.LoadEnv([]string{"ALLOWED_HOSTS=example.com"}); err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	p, err := nuages.New(ctx, s, blog{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	stdio := nuages.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stdout}
	code := p.Run(ctx, []string{"mysite", "publish"}, stdio)
	fmt.Println("exit code", code)
	code = p.Run(ctx, []string{"mysite", "pubilsh"}, stdio)
	fmt.Println("exit code", code)
	// Output:
	// published, database answered 1
	// exit code 0
	// Unknown command: "pubilsh". Did you mean "publish"?
	// Type "mysite help" for usage.
	// exit code 2
}
