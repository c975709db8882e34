package mail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// asciiDomain writes the domain of addr in ASCII, so that the address
// reaches servers without SMTPUTF8, as Django does with the idna codec. The
// domain goes through UTS 46 processing, as browsers do: its mapping folds
// case and width and normalizes (NFKC), so that "MÜNCHEN", a full-width
// "ｍｕｎｃｈｅｎ", a "ü" typed as u and a combining diaeresis, and the
// ideographic full stop "。" are the name they look like; then each label is
// checked by IDNA 2008's rules and Punycode-encoded with the "xn--" prefix
// (RFC 3492, 5891). Processing is nontransitional, as in browsers and
// registries: "ß" stays "ß" (Python's idna codec, IDNA 2003, writes "ss",
// which is another domain). A non-ASCII local part is left as it is (RFC
// 6531); an ASCII domain is left as written.
func asciiDomain(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || isASCII(addr[at+1:]) {
		return addr, nil
	}
	domain, err := domainProfile.ToASCII(addr[at+1:])
	if err != nil {
		return "", fmt.Errorf("the domain %q cannot be written in ASCII: %w", addr[at+1:], err)
	}
	return addr[:at+1] + domain, nil
}

// domainProfile is idna.Lookup's processing (UTS 46 mapping, IDNA 2008
// label rules, the Bidi rule, nontransitional) that also checks the
// lengths DNS allows: labels of 63 bytes once encoded, names of 253.
var domainProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.VerifyDNSLength(true))

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
