package csrf

import "testing"

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
	}
	for _, c := range cases {
		if got := sameDomain(c.host, c.pattern); got != c.want {
			t.Errorf("sameDomain(%q, %q) = %v", c.host, c.pattern, got)
		}
	}
}
