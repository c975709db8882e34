package nuages_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/signing"
)

// The project's signer uses SecretKey and accepts SecretKeyFallbacks, so
// rotating the key in settings keeps signed values valid.
func TestProjectSigner(t *testing.T) {
	project := func(key string, fallbacks ...string) *nuages.Project {
		s := nuages.DefaultSettings()
		s.SecretKey, s.SecretKeyFallbacks = key, fallbacks
		s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
		p, err := nuages.New(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	before := project("old-key-0123456789").Signer("invites").Sign("alice")
	cases := []struct {
		name string
		p    *nuages.Project
		salt string
		ok   bool
	}{
		{"same key", project("old-key-0123456789"), "invites", true},
		{"rotated, old key in fallbacks", project("new-key-0123456789", "old-key-0123456789"), "invites", true},
		{"rotated, old key dropped", project("new-key-0123456789"), "invites", false},
		{"another salt", project("old-key-0123456789"), "resets", false},
	}
	for _, c := range cases {
		v, err := c.p.Signer(c.salt).Unsign(before, 0)
		if c.ok != (err == nil) || c.ok && v != "alice" || !c.ok && !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("%s: %q, %v", c.name, v, err)
		}
	}
}
