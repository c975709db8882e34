package nuages_test

import (
	"context"
	"fmt"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/mail"
)

// A project's mail backend comes from its settings. Here a test gives it an
// Outbox; messages without a From are sent from DEFAULT_FROM_EMAIL.
func ExampleProject_Mail() {
	var outbox mail.Outbox
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "example"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	if err := s.LoadEnv([]string{"DEFAULT_FROM_EMAIL=Polls <noreply@example.com>"}); err != nil {
		fmt.Println(err)
		return
	}
	s.Email.Custom = &outbox
	ctx := context.Background()
	p, err := nuages.New(ctx, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	err = p.Mail().Send(ctx, &mail.Message{To: []string{"ada@example.com"}, Subject: "Welcome", Body: "Hello Ada."})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := outbox.Messages()[0]
	fmt.Println(m.From, "->", m.To, m.Subject)
	// Output: Polls <noreply@example.com> -> [ada@example.com] Welcome
}
