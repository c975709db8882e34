package mail

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// HeaderError reports a header the message cannot carry, Django's
// BadHeaderError: a line break or control character in a value (which
// would let its author add headers or recipients), a malformed name, a
// header the message sets itself, or a line too long for RFC 5322.
type HeaderError struct {
	Name   string // the header, e.g. "Subject"
	Value  string // the refused value
	Reason string // what is wrong and what to do
}

func (e *HeaderError) Error() string {
	v := e.Value
	if len(v) > 60 {
		v = v[:60] + "..."
	}
	return fmt.Sprintf("mail: header %s %q: %s", e.Name, v, e.Reason)
}

// AddressError reports an address net/mail cannot parse as exactly one
// address.
type AddressError struct {
	Field   string // "From", "To", "Cc", "Bcc" or "Reply-To"
	Address string
	Err     error // from net/mail
}

func (e *AddressError) Error() string {
	return fmt.Sprintf(`mail: %s address %q: %v: give one address per item, such as "ada@example.com" or "Ada Lovelace <ada@example.com>"`, e.Field, e.Address, e.Err)
}

func (e *AddressError) Unwrap() error { return e.Err }

const (
	// foldAt is the length RFC 5322 recommends for lines (78 characters).
	foldAt = 78
	// maxLine is the length RFC 5322 requires of every line, CRLF excluded.
	maxLine = 998
)

// checkValue refuses the characters that would end a header line or that
// have no place in one: CR, LF and the other control characters but tab.
func checkValue(name, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return &HeaderError{Name: name, Value: v, Reason: "a header value is one line: it may not hold a line break (CR or LF) or another control character, which could add headers or recipients"}
		}
	}
	if !utf8.ValidString(v) {
		return &HeaderError{Name: name, Value: v, Reason: "a header value must be valid UTF-8"}
	}
	return nil
}

// checkName accepts RFC 5322 field names: printable ASCII but the colon.
func checkName(name string) error {
	if name == "" {
		return &HeaderError{Name: `""`, Reason: "a header needs a name"}
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return &HeaderError{Name: fmt.Sprintf("%q", name), Reason: "a header name is printable ASCII without spaces or colons, such as X-Campaign"}
		}
	}
	return nil
}

// parseAddress parses one address of a field.
func parseAddress(field, s string) (*mail.Address, error) {
	if err := checkValue(field, s); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(s)
	if err == nil {
		a.Address, err = asciiDomain(a.Address)
	}
	if err == nil {
		_, err = envelopeAddress(a.Address)
	}
	if err != nil {
		return nil, &AddressError{Field: field, Address: s, Err: err}
	}
	return a, nil
}

// envelopeAddress writes addr, as net/mail gives it (its local part
// unquoted), for the SMTP envelope (MAIL FROM, RCPT TO): a local part that
// is not a dot-atom is quoted again as RFC 5321 requires, with '"' and '\'
// escaped, so that "john doe"@example.com stays one address. A local part
// holding a control character, '<' or '>' is refused even though quoting
// would make some of them valid: servers that look for the first '>' to
// end the path would read the rest as ESMTP parameters (NOTIFY, ORCPT...)
// chosen by whoever wrote the address.
func envelopeAddress(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", fmt.Errorf("the address %q has no @", addr)
	}
	local := addr[:at]
	if isDotAtom(local) {
		return addr, nil
	}
	var b strings.Builder
	b.Grow(len(addr) + 4)
	b.WriteByte('"')
	for i := 0; i < len(local); i++ {
		switch c := local[i]; {
		case c < ' ' || c == 0x7f || c == '<' || c == '>':
			return "", fmt.Errorf("the local part %q holds %q, which an SMTP envelope cannot carry safely", local, c)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	b.WriteString(addr[at:])
	return b.String(), nil
}

// isDotAtom reports whether local is an RFC 5321 Dot-string: atoms of
// atext (with UTF-8 allowed, RFC 6531) separated by single dots.
func isDotAtom(local string) bool {
	if local == "" {
		return false
	}
	for atom := range strings.SplitSeq(local, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			if !isAtext(atom[i]) {
				return false
			}
		}
	}
	return true
}

// isAtext reports whether c is RFC 5322 atext, or a byte of a UTF-8
// sequence (RFC 6532).
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c >= utf8.RuneSelf || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// parseAddresses parses every address of a field.
func parseAddresses(field string, list []string) ([]*mail.Address, error) {
	out := make([]*mail.Address, 0, len(list))
	for _, s := range list {
		a, err := parseAddress(field, s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// formatAddresses writes addresses for a header, non-ASCII names as
// RFC 2047 words.
func formatAddresses(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
		switch {
		case a.Name == "": // "ada@example.com", not "<ada@example.com>"
			s[i] = strings.TrimSuffix(strings.TrimPrefix(s[i], "<"), ">")
		case isPhrase(a.Name): // Ada Lovelace <...>, not "Ada Lovelace" <...>
			s[i] = a.Name + s[i][len(a.Name)+2:]
		}
	}
	return strings.Join(s, ", ")
}

// writeHeader writes "Name: value" folded at spaces so that lines stay
// within 78 characters where they can, and refuses a line that stays
// over RFC 5322's 998 (a word that long cannot be folded).
func writeHeader(b *bytes.Buffer, name, value string) error {
	b.WriteString(name)
	b.WriteByte(':')
	lineLen := len(name) + 1
	onlyName := true // the line holds the name alone: folding gains nothing
	for word := range strings.SplitSeq(value, " ") {
		// Fold before a word that would overflow the line. Empty words
		// (runs of spaces) never start a line, which would be blank.
		if word != "" && !onlyName && lineLen+1+len(word) > foldAt {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteByte(' ')
		b.WriteString(word)
		lineLen += 1 + len(word)
		onlyName = onlyName && word == ""
		if lineLen > maxLine {
			return &HeaderError{Name: name, Value: value, Reason: fmt.Sprintf("a word of the value is too long for a header line (at most %d characters): add spaces", maxLine)}
		}
	}
	b.WriteString("\r\n")
	return nil
}

// isPhrase reports whether name can be written without quotes: words of
// RFC 5322 atext separated by single spaces.
func isPhrase(name string) bool {
	for w := range strings.SplitSeq(name, " ") {
		if w == "" {
			return false
		}
		for i := 0; i < len(w); i++ {
			c := w[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0) {
				return false
			}
		}
	}
	return true
}
