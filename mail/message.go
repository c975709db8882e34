package mail

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is an e-mail, Django's EmailMessage and EmailMultiAlternatives.
// Addresses are one per item, bare ("ada@example.com") or with a name
// ("Ada Lovelace <ada@example.com>"); names and the subject may be any
// Unicode text. The zero Date and MessageID are filled when the message is
// built; set them for reproducible output.
type Message struct {
	From    string   // required; also the envelope sender
	To      []string // recipients shown in the To header
	Cc      []string // recipients shown in the Cc header
	Bcc     []string // recipients shown in no header
	ReplyTo []string // where replies go, when not to From
	Subject string
	// Body is the plain text of the message. Line ends may be \n or \r\n.
	Body string
	// HTML, when set, is an HTML alternative to Body: mail clients show
	// the one they prefer. With no Body, the message is HTML only.
	HTML        string
	Attachments []Attachment
	// Headers are extra headers, such as "X-Campaign" or "List-Unsubscribe".
	// From, To, Cc, Reply-To, Subject, Date and Message-ID given here
	// replace the ones built from the fields (the envelope is unchanged,
	// as in Django); Bcc and the MIME headers are refused.
	Headers map[string]string
	// Date is the Date header; the zero value means the time of building.
	Date time.Time
	// MessageID is the Message-ID header, such as "<id@example.com>"; empty
	// means a random one at the domain of From.
	MessageID string
}

// Attachment is a file sent with a message.
type Attachment struct {
	Filename string // the name shown to the recipient; may be empty
	// ContentType is the media type, such as "application/pdf"; empty means
	// the one of Filename's extension, or application/octet-stream.
	ContentType string
	Data        []byte
	// ContentID, when set, makes the attachment inline: the HTML shows it
	// with <img src="cid:ContentID">.
	ContentID string
}

// AttachFile reads the file at path and attaches it under its base name,
// Django's attach_file.
func (m *Message) AttachFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("mail: attaching %w", err)
	}
	m.Attachments = append(m.Attachments, Attachment{Filename: filepath.Base(path), Data: data})
	return nil
}

// Recipients returns the envelope recipients, the bare addresses of To,
// Cc and Bcc without duplicates, or the first invalid address's error. A
// local part that is not a dot-atom is quoted, as RCPT TO needs it:
// "john doe"@example.com.
func (m *Message) Recipients() ([]string, error) {
	var out []string
	for _, f := range []struct {
		name string
		list []string
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}} {
		addrs, err := parseAddresses(f.name, f.list)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			addr, err := envelopeAddress(a.Address)
			if err != nil { // checked by parseAddresses
				return nil, &AddressError{Field: f.name, Address: a.Address, Err: err}
			}
			if !slices.Contains(out, addr) {
				out = append(out, addr)
			}
		}
	}
	return out, nil
}

// envelope is what a backend needs to deliver a built message.
type envelope struct {
	from string
	to   []string
	data []byte
}

// errNoRecipients is returned by backends for a message with nobody to
// send it to; Django sends nothing silently, which hides mistakes.
var errNoRecipients = errors.New("mail: the message has no recipients: set To, Cc or Bcc")

// seal builds m for delivery: its bytes, envelope sender and recipients.
func (m *Message) seal() (envelope, error) {
	data, err := m.Bytes()
	if err != nil {
		return envelope{}, err
	}
	to, err := m.Recipients()
	if err != nil {
		return envelope{}, err
	}
	if len(to) == 0 {
		return envelope{}, errNoRecipients
	}
	from, err := parseAddress("From", m.From) // checked by Bytes
	if err != nil {
		return envelope{}, err
	}
	sender, err := envelopeAddress(from.Address)
	if err != nil {
		return envelope{}, &AddressError{Field: "From", Address: m.From, Err: err}
	}
	return envelope{from: sender, to: to, data: data}, nil
}

// overridable are the headers Headers may replace; the MIME headers and
// Bcc are refused, each with its reason.
var (
	overridable = []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-Id"}
	refused     = map[string]string{
		"Bcc":                       "Bcc is never a header, or every recipient would see it: use Message.Bcc",
		"Mime-Version":              "the message sets its MIME headers itself",
		"Content-Type":              "the message sets its MIME headers itself: use Body, HTML and Attachments",
		"Content-Transfer-Encoding": "the message sets its MIME headers itself",
	}
	addressHeaders = map[string]bool{"From": true, "To": true, "Cc": true, "Reply-To": true, "Sender": true}
)

// Bytes builds the message as RFC 5322 text with CRLF line ends, or
// reports the first problem: an invalid address (*AddressError), a header
// that would break the message (*HeaderError), no From, a malformed
// attachment. It does not require recipients; backends do.
func (m *Message) Bytes() ([]byte, error) {
	if m.From == "" {
		return nil, errors.New("mail: the message has no From address: set Message.From (a project's mail backend fills it from DEFAULT_FROM_EMAIL)")
	}
	from, err := parseAddress("From", m.From)
	if err != nil {
		return nil, err
	}
	type field struct{ name, value string }
	var fields []field
	fields = append(fields, field{"From", formatAddresses([]*mail.Address{from})})
	for _, f := range []struct {
		name string
		list []string
	}{{"To", m.To}, {"Cc", m.Cc}, {"Reply-To", m.ReplyTo}} {
		addrs, err := parseAddresses(f.name, f.list)
		if err != nil {
			return nil, err
		}
		if len(addrs) > 0 {
			fields = append(fields, field{f.name, formatAddresses(addrs)})
		}
	}
	if _, err := parseAddresses("Bcc", m.Bcc); err != nil {
		return nil, err
	}
	if err := checkValue("Subject", m.Subject); err != nil {
		return nil, err
	}
	fields = append(fields, field{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)})
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	fields = append(fields, field{"Date", date.Format(time.RFC1123Z)})
	id := m.MessageID
	if id == "" {
		id = newMessageID(from.Address)
	} else if err := checkValue("Message-ID", id); err != nil {
		return nil, err
	} else if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	fields = append(fields, field{"Message-ID", id})

	// Extra headers, sorted for reproducible output; the ones that replace
	// a built header take its place.
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	seen := map[string]bool{}
	for _, name := range names {
		value := m.Headers[name]
		if err := checkName(name); err != nil {
			return nil, err
		}
		if err := checkValue(name, value); err != nil {
			return nil, err
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if seen[canon] {
			return nil, &HeaderError{Name: name, Value: value, Reason: "the header is given twice, in different cases: give it once"}
		}
		seen[canon] = true
		if reason, ok := refused[canon]; ok {
			return nil, &HeaderError{Name: name, Value: value, Reason: reason}
		}
		if addressHeaders[canon] {
			list, err := mail.ParseAddressList(value)
			for _, a := range list {
				if err == nil {
					a.Address, err = asciiDomain(a.Address)
				}
			}
			if err != nil {
				return nil, &AddressError{Field: name, Address: value, Err: err}
			}
			value = formatAddresses(list)
		} else {
			value = mime.QEncoding.Encode("utf-8", value)
		}
		if slices.Contains(overridable, canon) {
			i := slices.IndexFunc(fields, func(f field) bool { return textproto.CanonicalMIMEHeaderKey(f.name) == canon })
			if i >= 0 {
				fields[i].value = value
				continue
			}
		}
		fields = append(fields, field{name, value})
	}

	if !utf8.ValidString(m.Body) || !utf8.ValidString(m.HTML) {
		return nil, errors.New("mail: the message's Body or HTML is not valid UTF-8: convert it from its encoding first")
	}
	body, err := m.entity()
	if err != nil {
		return nil, err
	}
	leaves := body.leaves(nil)
	body.chooseBoundaries(id, new(int), leaves)
	var b bytes.Buffer
	b.Grow(1024 + body.size())
	for _, f := range fields {
		if err := writeHeader(&b, f.name, f.value); err != nil {
			return nil, err
		}
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	if err := body.write(&b); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// newMessageID returns a unique Message-ID at the sender's domain: the
// domain receivers check it against, where the host name would tell the
// world the name of an internal machine.
func newMessageID(from string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("<%s.%s@%s>", strconv.FormatInt(time.Now().UnixNano(), 36), rand.Text(), domain)
}

// entity is a MIME part: a leaf with an encoded body, or a multipart of
// parts.
type entity struct {
	header    [][2]string // the Content-* headers but a multipart's Content-Type
	body      string      // a leaf's encoded body
	multipart string      // "mixed", "alternative" or "related"; "" for a leaf
	parts     []*entity
	boundary  string // a multipart's, set by chooseBoundaries
}

// entity returns the MIME tree of m's content, Django's shape:
// mixed(related(alternative(text, html), inline...), attachments...), each
// level present only when needed.
func (m *Message) entity() (*entity, error) {
	var content *entity
	switch {
	case m.HTML == "":
		content = textEntity("plain", m.Body)
	case m.Body == "":
		content = textEntity("html", m.HTML)
	default:
		content = &entity{multipart: "alternative", parts: []*entity{textEntity("plain", m.Body), textEntity("html", m.HTML)}}
	}
	var inline, attached []*entity
	for i, a := range m.Attachments {
		e, err := a.entity()
		if err != nil {
			return nil, fmt.Errorf("attachment %d: %w", i+1, err)
		}
		if a.ContentID != "" {
			inline = append(inline, e)
		} else {
			attached = append(attached, e)
		}
	}
	if len(inline) > 0 {
		content = &entity{multipart: "related", parts: append([]*entity{content}, inline...)}
	}
	if len(attached) > 0 {
		content = &entity{multipart: "mixed", parts: append([]*entity{content}, attached...)}
	}
	return content, nil
}

// textEntity encodes text as 7bit when it is short-lined ASCII, and as
// quoted-printable otherwise, which every server accepts (8bit would need
// the server's 8BITMIME).
func textEntity(subtype, text string) *entity {
	e := &entity{header: [][2]string{{"Content-Type", "text/" + subtype + `; charset="utf-8"`}}}
	if is7bit(text) {
		e.header = append(e.header, [2]string{"Content-Transfer-Encoding", "7bit"})
		if strings.IndexByte(text, '\r') >= 0 {
			text = strings.ReplaceAll(text, "\r\n", "\n")
			text = strings.ReplaceAll(text, "\r", "\n")
		}
		e.body = strings.ReplaceAll(text, "\n", "\r\n")
		return e
	}
	e.header = append(e.header, [2]string{"Content-Transfer-Encoding", "quoted-printable"})
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(text)) // writes to a bytes.Buffer do not fail
	w.Close()
	e.body = b.String()
	return e
}

// is7bit reports whether text can travel as it is: printable ASCII, tabs
// and line ends, with no line over RFC 5322's limit.
func is7bit(text string) bool {
	line := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\n' || c == '\r':
			line = 0
			continue
		case c >= ' ' && c < 0x7f || c == '\t':
		default:
			return false
		}
		if line++; line > maxLine {
			return false
		}
	}
	return true
}

func (a Attachment) entity() (*entity, error) {
	ctype := a.ContentType
	if ctype == "" {
		ctype = mime.TypeByExtension(filepath.Ext(a.Filename))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
	}
	if err := checkValue("Content-Type", ctype); err != nil {
		return nil, err
	}
	mediatype, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return nil, fmt.Errorf(`mail: attachment content type %q: %w: use a media type such as "application/pdf"`, ctype, err)
	}
	e := &entity{header: [][2]string{{"Content-Type", formatMediaType(mediatype, params)}}}
	disposition := "attachment"
	if a.ContentID != "" {
		disposition = "inline"
	}
	if a.Filename != "" {
		if err := checkValue("Content-Disposition", a.Filename); err != nil {
			return nil, err
		}
		disposition = formatMediaType(disposition, map[string]string{"filename": a.Filename})
	}
	e.header = append(e.header, [2]string{"Content-Disposition", disposition})
	if a.ContentID != "" {
		if err := checkValue("Content-ID", a.ContentID); err != nil {
			return nil, err
		}
		if strings.ContainsAny(a.ContentID, "<> \t") {
			return nil, &HeaderError{Name: "Content-ID", Value: a.ContentID, Reason: `a content ID is written without angle brackets or spaces, such as "logo" or "logo@example.com"`}
		}
		e.header = append(e.header, [2]string{"Content-ID", "<" + a.ContentID + ">"})
	}
	e.header = append(e.header, [2]string{"Content-Transfer-Encoding", "base64"})
	e.body = wrapBase64(a.Data)
	return e, nil
}

// wrapBase64 encodes data in lines of 76 characters, as MIME requires.
func wrapBase64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return b.String()
}

// leaves appends the encoded bodies of e's leaves to out.
func (e *entity) leaves(out []string) []string {
	if e.multipart == "" {
		return append(out, e.body)
	}
	for _, p := range e.parts {
		out = p.leaves(out)
	}
	return out
}

// size is about the length of e written, for growing the buffer once.
func (e *entity) size() int {
	n := len(e.body) + 200
	for _, p := range e.parts {
		n += p.size() + 40
	}
	return n
}

// chooseBoundaries gives every multipart of e its boundary, derived from
// the Message-ID (seed), so that a message with a fixed ID is
// reproducible, and changed until it appears in no body, so that no
// content can end a part early. The headers of parts are built here and
// never start a line with "--".
func (e *entity) chooseBoundaries(seed string, n *int, leaves []string) {
	if e.multipart == "" {
		return
	}
	for {
		*n++
		sum := sha256.Sum256([]byte(seed + "\x00" + strconv.Itoa(*n)))
		e.boundary = "=_" + hex.EncodeToString(sum[:12])
		if !slices.ContainsFunc(leaves, func(body string) bool { return strings.Contains(body, e.boundary) }) {
			break
		}
	}
	for _, p := range e.parts {
		p.chooseBoundaries(seed, n, leaves)
	}
}

// write writes e's headers and body, or returns the error of a header
// that cannot be written (a line that would stay over RFC 5322's limit).
func (e *entity) write(b *bytes.Buffer) error {
	if e.multipart == "" {
		for _, h := range e.header {
			if err := writeHeader(b, h[0], h[1]); err != nil {
				return err
			}
		}
		b.WriteString("\r\n")
		b.WriteString(e.body)
		return nil
	}
	if err := writeHeader(b, "Content-Type", "multipart/"+e.multipart+`; boundary="`+e.boundary+`"`); err != nil {
		return err
	}
	b.WriteString("\r\n")
	for _, p := range e.parts {
		b.WriteString("--" + e.boundary + "\r\n")
		if err := p.write(b); err != nil {
			return err
		}
		b.WriteString("\r\n")
	}
	b.WriteString("--" + e.boundary + "--")
	return nil
}

// formatMediaType is mime.FormatMediaType, but a parameter too long for a
// folded header line (a long or non-ASCII filename) is split in RFC 2231
// continuations (filename*0*=, filename*1*=...; the first starts with
// the charset, utf-8, and two apostrophes), as Python's email package
// does: one token of a thousand characters would make a line over
// RFC 5322's 998, which servers split or refuse.
func formatMediaType(t string, params map[string]string) string {
	out := mime.FormatMediaType(t, nil)
	if out == "" {
		return ""
	}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		value := params[name]
		one := mime.FormatMediaType(t, map[string]string{name: value})
		if one == "" {
			return ""
		}
		if token := one[len(out)+2:]; len(token) <= foldAt-2 { // after "; "
			out += "; " + token
			continue
		}
		name = strings.ToLower(name)
		enc := percentEncode(value)
		for i := 0; enc != ""; i++ {
			section := name + "*" + strconv.Itoa(i) + "*="
			if i == 0 {
				section += "utf-8''"
			}
			// Each section on a folded line of its own: " section...;".
			n := min(max(foldAt-2-len(section), 3), len(enc))
			// Keep a %XX escape whole.
			if j := strings.LastIndexByte(enc[:n], '%'); j >= 0 && j > n-3 && n < len(enc) {
				n = j
			}
			out += "; " + section + enc[:n]
			enc = enc[n:]
		}
	}
	return out
}

// percentEncode writes s as an RFC 2231 extended value: attribute-chars
// as they are, every other byte as %XX.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && strings.IndexByte(`*'%()<>@,;:\"/[]?=`, c) < 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
