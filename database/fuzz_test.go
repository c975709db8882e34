package database_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
)

// FuzzRedact checks that no password built into a URL survives Redact or
// appears in a ParseURL error, whatever the rest of the URL looks like.
func FuzzRedact(f *testing.F) {
	f.Add("postgres", "app", "s3cr3t", "db.internal:5432", "shop?sslmode=disable")
	f.Add("mysql", "root", "p@ss:w/rd", "127.0.0.1:3306", "test")
	f.Add("postgres", "u", "pw", "host:port", "")
	f.Add("mariadb", "", "onlypass", "h", "db?password=again")
	f.Fuzz(func(t *testing.T, scheme, user, password, host, rest string) {
		if len(password) < 4 || strings.Contains(strconv.Quote(scheme+user+host+rest), password) {
			t.Skip() // a password that also appears elsewhere cannot be told apart
		}
		if strings.ContainsAny(user, ":/?#@") || strings.ContainsAny(host+scheme, "/?#") {
			t.Skip() // then the URL has no user part: what follows is a path
		}
		raw := scheme + "://" + user + ":" + url.PathEscape(password) + "@" + host + "/" + rest
		escaped := url.PathEscape(password)
		for _, leaked := range []string{password, escaped} {
			if got := database.Redact(raw); strings.Contains(got, leaked) {
				t.Fatalf("Redact(%q) = %q still contains %q", raw, got, leaked)
			}
			if _, err := database.ParseURL(raw); err != nil && strings.Contains(err.Error(), leaked) {
				t.Fatalf("ParseURL(%q) error %q contains %q", raw, err, leaked)
			}
		}
	})
}
