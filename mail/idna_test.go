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
		// RFC 3492 section 7.1, the other samples, lower-cased as UTS 46
		// maps them: (B), (C), (D), (E), (G), (I), (J), (K).
		{"a@他们为什么不说中文", "a@xn--ihqwcrb4cv8a8dqg056pqjye"},
		{"a@他們爲什麽不說中文", "a@xn--ihqwctvzc91f659drss3x8bo0yb"},
		{"a@Pročprostěnemluvíčesky", "a@xn--proprostnemluvesky-uyb24dma41a"},
		{"a@למההםפשוטלאמדבריםעברית", "a@xn--4dbcagdahymbxekheh6e0a7fei0b"},
		{"a@なぜみんな日本語を話してくれないのか", "a@xn--n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"},
		{"a@почемужеонинеговорятпорусски", "a@xn--b1abfaaepdrnnbgefbadotcwatmq2g4l"},
		{"a@PorquénopuedensimplementehablarenEspañol", "a@xn--porqunopuedensimplementehablarenespaol-fmd56a"},
		{"a@TạisaohọkhôngthểchỉnóitiếngViệt", "a@xn--tisaohkhngthchnitingvit-kjcr8268qyxafd2f1b9g"},
		// UTS 46 mapping: width, compatibility forms and normalization.
		{"ada@ｅｘａｍｐｌｅ．ｃｏｍ", "ada@example.com"},
		{"ada@ﬁnance.example", "ada@finance.example"},
		{"ada@bu\u0308cher.example", "ada@xn--bcher-kva.example"}, // u and a combining diaeresis
		{"ada@Bücher.EXAMPLE", "ada@xn--bcher-kva.example"},
		// Nontransitional, as browsers and registries (UTS 46 IdnaTestV2):
		// ß stays ß, where IDNA 2003 (Python's codec) wrote "fass.de".
		{"ada@faß.de", "ada@xn--fa-hia.de"},
		{"ada@straße.de", "ada@xn--strae-oqa.de"},
	}
	for _, tt := range tests {
		got, err := asciiDomain(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("asciiDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"a@ü" + strings.Repeat("é", 60) + ".com", // a label over 63 characters once encoded
		"a@bücher-.de",      // a hyphen that ends a label
		"a@\u0308a.de",      // a label that starts with a combining mark
		"a@a\u200db.de",     // a zero-width joiner out of its context (RFC 5892)
		"a@bücher..de",      // an empty label
		"a@bü_cher.de",      // not a letter, digit or hyphen (STD 3)
		"a@0א.de",           // a right-to-left label that starts with a digit (RFC 5893)
		"a@\u3002bücher.de", // an empty label made by an ideographic full stop
	} {
		if got, err := asciiDomain(in); err == nil {
			t.Errorf("asciiDomain(%q) = %q, want an error", in, got)
		}
	}
}
