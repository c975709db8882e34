package randtext_test

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/internal/randtext"
)

func TestString(t *testing.T) {
	for _, c := range []struct {
		n        int
		alphabet string
	}{{0, "ab"}, {1, "x"}, {32, "abcdefghijklmnopqrstuvwxyz0123456789"}, {200, "0123456789"}} {
		s := randtext.String(c.n, c.alphabet)
		if len(s) != c.n || strings.Trim(s, c.alphabet) != "" {
			t.Errorf("String(%d, %q) = %q", c.n, c.alphabet, s)
		}
	}
	// Every character of a small alphabet shows up in a long string, and
	// two draws differ.
	s := randtext.String(1000, "abc")
	if strings.Count(s, "a") == 0 || strings.Count(s, "b") == 0 || strings.Count(s, "c") == 0 {
		t.Errorf("a character never drawn: %q", s[:50])
	}
	if a, b := randtext.String(32, "abcdef"), randtext.String(32, "abcdef"); a == b {
		t.Error("two draws are equal")
	}
}
