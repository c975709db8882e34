package csrf

import (
	"slices"
	"testing"
)

// A token Django masked (_mask_cipher_secret with a fixed mask) unmasks
// to its secret here, and a token masked here unmasks to the same.
func TestMaskLikeDjango(t *testing.T) {
	const secret = "hPe0pQzYkl3JhfWXNbFqRUNzW2bY1Ahd"
	const django = "AbCdEfGhIjKlMnOpQrStUvWxYz012345HQG3TV55SuDUTsActsnJBfzWKr1PTtb8"
	if got := unmask(django); got != secret {
		t.Errorf("unmask(Django's token) = %q, want %q", got, secret)
	}
	if !matches(django, secret) || !matches(secret, secret) {
		t.Error("Django's token or the bare secret does not match")
	}
	a, b := mask(secret), mask(secret)
	if a == b || unmask(a) != secret || unmask(b) != secret || checkFormat(a) != nil {
		t.Errorf("mask: %q and %q", a, b)
	}
	if matches(mask(newSecret()), secret) {
		t.Error("another secret's token matched")
	}
}

func TestCheckFormat(t *testing.T) {
	cases := map[string]error{
		newSecret():               nil,
		mask(newSecret()):         nil,
		"":                        errLength,
		"abc":                     errLength,
		newSecret()[:31] + "-":    errCharacters,
		newSecret()[:31] + "\x00": errCharacters,
		newSecret()[:30] + "é":    errCharacters, // two bytes: still 32 long
		mask(newSecret()) + "a":   errLength,
	}
	for in, want := range cases {
		if got := checkFormat(in); got != want {
			t.Errorf("checkFormat(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSameDomain(t *testing.T) {
	cases := []struct {
		host, pattern string
		want          bool
	}{
		{"example.com", "example.com", true},
		{"EXAMPLE.com", "example.COM", true},
		{"example.com", ".example.com", true},
		{"www.example.com", ".example.com", true},
		{"evilexample.com", ".example.com", false},
		{"example.com.evil", ".example.com", false},
		{"www.example.com", "example.com", false},
		{"example.com:8000", ".example.com", false},
		// An empty pattern matches nothing, as in Django.
		{"", "", false},
		{"example.com", "", false},
	}
	for _, c := range cases {
		if got := sameDomain(c.host, c.pattern); got != c.want {
			t.Errorf("sameDomain(%q, %q) = %v", c.host, c.pattern, got)
		}
	}
}

// Trusted origins without a scheme or a host are ignored: trusting them
// made an empty pattern that matched an empty host.
func TestParseTrustedIgnoresNonOrigins(t *testing.T) {
	cases := []struct {
		origin string
		exact  string // the exact origin kept, if any
		host   string // the Referer host kept, if any
	}{
		{"https://example.com", "https://example.com", "example.com"},
		{"https://*.example.com", "", ".example.com"},
		{"://*", "", ""},
		{"://example.com", "", ""},
		{"https://", "", ""},
		{"https://*", "", ""},
		{"example.com", "", ""},
	}
	for _, c := range cases {
		got := parseTrusted([]string{c.origin})
		var exact []string
		for o := range got.exact {
			exact = append(exact, o)
		}
		wantExact := []string(nil)
		if c.exact != "" {
			wantExact = []string{c.exact}
		}
		wantHosts := []string(nil)
		if c.host != "" {
			wantHosts = []string{c.host}
		}
		if !slices.Equal(exact, wantExact) || !slices.Equal(got.hosts, wantHosts) {
			t.Errorf("parseTrusted(%q): exact %q, hosts %q; want %q, %q", c.origin, exact, got.hosts, wantExact, wantHosts)
		}
		for scheme, patterns := range got.subdomains {
			if scheme == "" || slices.Contains(patterns, "") {
				t.Errorf("parseTrusted(%q): subdomains %q", c.origin, got.subdomains)
			}
		}
	}
}
