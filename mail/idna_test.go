package mail

import (
	"strings"
	"testing"
)

func TestASCIIDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ada@example.com", "ada@example.com"},
		{"ada@bücher.example", "ada@xn--bcher-kva.example"},
		{"ada@MÜNCHEN.de", "ada@xn--mnchen-3ya.de"},
		{"ada@例え.テスト", "ada@xn--r8jz45g.xn--zckzah"},
		{"ada@mañana.com", "ada@xn--maana-pta.com"},
		// RFC 3492 section 7.1, (A) Arabic (Egyptian).
		{"a@ليهمابتكلموشعربي؟", "a@xn--egbpdaj6bu4bxfgehfvwxn"},
		// RFC 3492 section 7.1, (L) 3<nen>B<gumi><kinpachi><sensei>.
		{"a@3年b組金八先生", "a@xn--3b-ww4c5e180e575a65lsy2b"},
		{"jürgen@example.com", "jürgen@example.com"}, // local parts stay
		// The ideographic and full-width full stops separate labels too.
		{"ada@例え。テスト", "ada@xn--r8jz45g.xn--zckzah"},
		{"ada@example．com", "ada@example.com"},
		{"ada@bücher｡example", "ada@xn--bcher-kva.example"},
	}
	for _, tt := range tests {
		got, err := asciiDomain(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("asciiDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := asciiDomain("a@ü" + strings.Repeat("é", 60) + ".com"); err == nil {
		t.Error("a label over 63 characters once encoded was accepted")
	}
}
