package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/contrib/auth"
)

var epoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// Tokens Django's PasswordResetTokenGenerator makes for the same user,
// key and time (its algorithm, run in Python).
func TestResetTokensLikeDjango(t *testing.T) {
	login := time.Date(2026, 11, 20, 10, 11, 12, 345000, time.UTC)
	at := func(secs int64) func() time.Time {
		return func() time.Time { return epoch.Add(time.Duration(secs) * time.Second) }
	}
	cases := []struct {
		user  auth.User
		token string
	}{
		{auth.User{BaseUser: auth.BaseUser{Password: "pbkdf2_sha256$1000$salt$hash", LastLogin: &login}, Email: "alice@example.com"}, "dhtpmo-390bdbf6dec010e93cd7370a324fdd44"},
		{auth.User{BaseUser: auth.BaseUser{Password: "pbkdf2_sha256$1000$salt$hash"}}, "dhtpmo-587b2e15d6a180fcf3934e805f36f7e4"},
	}
	for _, c := range cases {
		c.user.ID = 7
		tokens := auth.ResetTokens{Key: "secret", Now: at(816000000)}
		if got := tokens.Make(&c.user); got != c.token {
			t.Errorf("Make = %s, want %s", got, c.token)
		}
		if !tokens.Check(&c.user, c.token) {
			t.Errorf("Check(%s) = false", c.token)
		}
	}
	if uid := auth.EncodeUID(7); uid != "Nw" {
		t.Errorf("EncodeUID(7) = %q, want Django's Nw", uid)
	}
}

func TestResetTokensRefuse(t *testing.T) {
	now := epoch.Add(800000000 * time.Second)
	clock := func() time.Time { return now }
	tokens := auth.ResetTokens{Key: "secret", Now: clock}
	u := &auth.User{Username: "alice", BaseUser: auth.BaseUser{Password: "hash-1"}, Email: "a@example.com"}
	u.ID = 3
	token := tokens.Make(u)
	cases := map[string]func() (auth.ResetTokens, *auth.User, string){
		"another user": func() (auth.ResetTokens, *auth.User, string) { v := *u; v.ID = 4; return tokens, &v, token },
		"password changed": func() (auth.ResetTokens, *auth.User, string) {
			v := *u
			v.Password = "hash-2"
			return tokens, &v, token
		},
		"logged in since": func() (auth.ResetTokens, *auth.User, string) {
			v := *u
			l := now
			v.LastLogin = &l
			return tokens, &v, token
		},
		"e-mail changed": func() (auth.ResetTokens, *auth.User, string) {
			v := *u
			v.Email = "b@example.com"
			return tokens, &v, token
		},
		"another key": func() (auth.ResetTokens, *auth.User, string) { o := tokens; o.Key = "other"; return o, u, token },
		"expired": func() (auth.ResetTokens, *auth.User, string) {
			o := tokens
			o.Timeout = time.Hour
			o.Now = func() time.Time { return now.Add(2 * time.Hour) }
			return o, u, token
		},
		"tampered": func() (auth.ResetTokens, *auth.User, string) { return tokens, u, token[:len(token)-1] + "x" },
		"no dash":  func() (auth.ResetTokens, *auth.User, string) { return tokens, u, strings.ReplaceAll(token, "-", "") },
		"bad time": func() (auth.ResetTokens, *auth.User, string) {
			return tokens, u, "zzzzzzzzzzzzzzzz-" + strings.SplitN(token, "-", 2)[1]
		},
		"empty": func() (auth.ResetTokens, *auth.User, string) { return tokens, u, "" },
		"made with an empty fallback key": func() (auth.ResetTokens, *auth.User, string) {
			forger := tokens
			forger.Key = "" // anyone can compute what an empty key signs
			withEmpty := tokens
			withEmpty.FallbackKeys = []string{""}
			return withEmpty, u, forger.Make(u)
		},
		"no user": func() (auth.ResetTokens, *auth.User, string) { return tokens, nil, token },
	}
	for name, c := range cases {
		g, user, tok := c()
		if g.Check(user, tok) {
			t.Errorf("%s: Check accepted the token", name)
		}
	}
	rotated := tokens
	rotated.Key, rotated.FallbackKeys = "new", []string{"secret"}
	if !rotated.Check(u, token) {
		t.Error("a token made with a fallback key was refused")
	}
	if id, ok := auth.DecodeUID(auth.EncodeUID(123456)); !ok || id != 123456 {
		t.Errorf("DecodeUID: %d %v", id, ok)
	}
	for _, bad := range []string{"", "!!", "LTE", "YWJj"} { // "-1", "abc"
		if _, ok := auth.DecodeUID(bad); ok {
			t.Errorf("DecodeUID(%q) accepted", bad)
		}
	}
}
