package mail_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/mail"
)

var update = flag.Bool("update", false, "update golden files")

var fixedDate = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))

// fixed returns m with a fixed Date and Message-ID, for reproducible output.
func fixed(m mail.Message) *mail.Message {
	m.Date = fixedDate
	m.MessageID = "<20260102.fixed@example.com>"
	return &m
}

var goldenCases = []struct {
	name string
	msg  *mail.Message
}{
	{"plain", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"},
		Subject: "Your vote was counted", Body: "Thank you for voting.\n",
	})},
	{"names_and_lists", fixed(mail.Message{
		From:    "Polls Team <noreply@example.com>",
		To:      []string{"Ada Lovelace <ada@example.com>", `"Hopper, Grace" <grace@example.com>`, "alan@example.com"},
		Cc:      []string{"Charles Babbage <charles@example.com>"},
		Bcc:     []string{"audit@example.com"},
		ReplyTo: []string{"support@example.com"},
		Subject: "A subject long enough that the header has to be folded over more than a single line of text",
		Body:    "Hello.",
	})},
	{"non_ascii", fixed(mail.Message{
		From: "Zoé Noël <zoe@example.com>", To: []string{"Jürgen Groß <juergen@example.com>"},
		Subject: "Réunion à 14 h — ordre du jour 📅",
		Body:    "Bonjour Jürgen,\n\nla réunion est déplacée.\n",
	})},
	{"international_domain", fixed(mail.Message{
		From: "Bücherei <info@bücher.example>", To: []string{"jürgen@münchen.de"},
		Subject: "IDN", Body: "Domains in ASCII, local parts as they are.",
	})},
	{"html_alternative", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Welcome",
		Body: "Welcome!", HTML: "<p>Welcome!</p>",
	})},
	{"html_only", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Welcome",
		HTML: "<p>Welcome!</p>",
	})},
	{"long_line_quoted_printable", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Long",
		Body: strings.Repeat("word ", 220) + "\nnext line with a = sign\n",
	})},
	{"attachments", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Report",
		Body: "The report is attached.", HTML: `<p>The report: <img src="cid:logo"></p>`,
		Attachments: []mail.Attachment{
			// .csv is typed by the system's tables only: say it, for the same output everywhere.
			{Filename: "report.csv", ContentType: "text/csv; charset=utf-8", Data: []byte("a,b\n1,2\n")},
			{Filename: "résumé.pdf", Data: bytes.Repeat([]byte{0, 1, 2, 3}, 30)},
			{Filename: "logo.png", ContentType: "image/png", Data: []byte("\x89PNG"), ContentID: "logo"},
			{Data: []byte("no name")},
		},
	})},
	{"extra_headers", fixed(mail.Message{
		From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Digest",
		Body: "News.",
		Headers: map[string]string{
			"List-Unsubscribe": "<https://example.com/unsubscribe>",
			"X-Campaign":       "printemps été",
			"From":             "Newsletter <news@example.com>",
			"Reply-To":         "Editor <editor@example.com>, desk@example.com",
			"Message-ID":       "<override@example.com>",
		},
	})},
}

// TestMessage_Golden compares built messages with testdata/*.golden; run
// with -update to rewrite them after a deliberate change.
func TestMessage_Golden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.msg.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Bytes() =\n%s\nwant (%s)\n%s", got, path, want)
			}
			for i, line := range strings.Split(string(got), "\r\n") {
				if len(line) > 998 || strings.ContainsAny(line, "\r\n") {
					t.Errorf("line %d is not an RFC 5322 line: %q", i+1, line)
				}
			}
		})
	}
}

// parsed is a built message read back with the standard library.
type parsed struct {
	header      netmail.Header
	subject     string
	text, html  string
	attachments []mail.Attachment
}

// parse reads a built message back, decoding every part, and fails the
// test on anything a mail client could not read.
func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, data)
	}
	var p parsed
	p.header = msg.Header
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("Subject: %v", err)
	}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				part, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("multipart: %v", err)
				}
				walk(part.Header, part)
			}
		}
		var content []byte
		switch cte := get("Content-Transfer-Encoding"); cte {
		case "7bit":
			content, err = io.ReadAll(body)
		case "quoted-printable":
			content, err = io.ReadAll(quotedprintable.NewReader(body))
		case "base64":
			content, err = io.ReadAll(base64Reader(body))
		default:
			t.Fatalf("Content-Transfer-Encoding %q", cte)
		}
		if err != nil {
			t.Fatalf("decoding a %s part: %v", mt, err)
		}
		disposition := get("Content-Disposition")
		switch {
		case disposition == "" && mt == "text/plain":
			p.text = string(content)
		case disposition == "" && mt == "text/html":
			p.html = string(content)
		default:
			_, dparams, err := mime.ParseMediaType(disposition)
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", disposition, err)
			}
			p.attachments = append(p.attachments, mail.Attachment{
				Filename: dparams["filename"], ContentType: mt, Data: content,
				ContentID: strings.Trim(get("Content-Id"), "<>"),
			})
		}
	}
	walk(msg.Header, msg.Body)
	return p
}

// TestMessage_RoundTrip reads every golden case back with net/mail and
// mime/multipart and finds what was put in.
func TestMessage_RoundTrip(t *testing.T) {
	// A single-part message ends with a line end its body may not have.
	crlf := func(s string) string {
		return strings.TrimSuffix(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"), "\r\n")
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.msg
			data, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			p := parse(t, data)
			if p.subject != m.Subject {
				t.Errorf("subject = %q, want %q", p.subject, m.Subject)
			}
			p.text, p.html = strings.TrimSuffix(p.text, "\r\n"), strings.TrimSuffix(p.html, "\r\n")
			if p.text != crlf(m.Body) {
				t.Errorf("text = %q, want %q", p.text, crlf(m.Body))
			}
			if p.html != crlf(m.HTML) {
				t.Errorf("html = %q, want %q", p.html, crlf(m.HTML))
			}
			if len(p.attachments) != len(m.Attachments) {
				t.Fatalf("%d attachments, want %d", len(p.attachments), len(m.Attachments))
			}
			for _, want := range m.Attachments {
				found := false
				for _, got := range p.attachments {
					found = found || got.Filename == want.Filename && bytes.Equal(got.Data, want.Data) && got.ContentID == want.ContentID
				}
				if !found {
					t.Errorf("attachment %q not found in %+v", want.Filename, p.attachments)
				}
			}
			if p.header.Get("Bcc") != "" || bytes.Contains(data, []byte("audit@")) {
				t.Errorf("a Bcc address shows in the message")
			}
			if _, ok := m.Headers["From"]; !ok {
				from, err := p.header.AddressList("From")
				if err != nil || len(from) != 1 {
					t.Fatalf("From: %v %v", from, err)
				}
				want := wantAddress(m.From)
				if *from[0] != *want {
					t.Errorf("From = %+v, want %+v", from[0], want)
				}
			}
			if _, ok := m.Headers["Reply-To"]; !ok {
				to, err := p.header.AddressList("To")
				if err != nil || len(to) != len(m.To) {
					t.Fatalf("To = %v, %v; want %d addresses", to, err, len(m.To))
				}
				for i, a := range to {
					want := wantAddress(m.To[i])
					if *a != *want {
						t.Errorf("To[%d] = %+v, want %+v", i, a, want)
					}
				}
			}
			if d, err := p.header.Date(); err != nil || !d.Equal(fixedDate) {
				t.Errorf("Date = %v, %v; want %v", d, err, fixedDate)
			}
		})
	}
}

// wantAddress is s parsed, with the international domains of the golden
// cases in the ASCII form a message carries.
func wantAddress(s string) *netmail.Address {
	a, _ := netmail.ParseAddress(s)
	a.Address = strings.NewReplacer("bücher.example", "xn--bcher-kva.example", "münchen.de", "xn--mnchen-3ya.de").Replace(a.Address)
	return a
}

func TestMessage_Refused(t *testing.T) {
	valid := func(change func(m *mail.Message)) *mail.Message {
		m := &mail.Message{From: "noreply@example.com", To: []string{"ada@example.com"}, Subject: "Hi", Body: "Hello"}
		change(m)
		return m
	}
	var header *mail.HeaderError
	var address *mail.AddressError
	tests := []struct {
		name    string
		msg     *mail.Message
		wantAs  any // a pointer to the error type, or nil
		wantErr string
	}{
		{"subject_crlf", valid(func(m *mail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }), &header, "header Subject"},
		{"subject_lf", valid(func(m *mail.Message) { m.Subject = "Hi\nBcc: victim@example.com" }), &header, "line break"},
		{"subject_cr", valid(func(m *mail.Message) { m.Subject = "Hi\rBcc: victim@example.com" }), &header, "line break"},
		{"subject_nul", valid(func(m *mail.Message) { m.Subject = "Hi\x00" }), &header, "control character"},
		{"from_crlf", valid(func(m *mail.Message) { m.From = "noreply@example.com\r\nBcc: victim@example.com" }), &header, "header From"},
		{"to_name_lf", valid(func(m *mail.Message) { m.To = []string{"\"Ada\nBcc: v@example.com\" <ada@example.com>"} }), &header, "header To"},
		{"cc_crlf", valid(func(m *mail.Message) { m.Cc = []string{"c@example.com\r\n"} }), &header, "header Cc"},
		{"bcc_crlf", valid(func(m *mail.Message) { m.Bcc = []string{"c@example.com\n"} }), &header, "header Bcc"},
		{"reply_to_crlf", valid(func(m *mail.Message) { m.ReplyTo = []string{"r@example.com\r\nX: y"} }), &header, "header Reply-To"},
		{"extra_value_crlf", valid(func(m *mail.Message) { m.Headers = map[string]string{"X-Tag": "a\r\nBcc: v@example.com"} }), &header, "header X-Tag"},
		{"extra_name_colon", valid(func(m *mail.Message) { m.Headers = map[string]string{"X-Tag: evil": "a"} }), &header, "header name"},
		{"extra_name_newline", valid(func(m *mail.Message) { m.Headers = map[string]string{"X-Tag\r\nBcc": "a"} }), &header, "header name"},
		{"extra_name_empty", valid(func(m *mail.Message) { m.Headers = map[string]string{"": "a"} }), &header, "needs a name"},
		{"extra_twice", valid(func(m *mail.Message) { m.Headers = map[string]string{"X-Tag": "a", "x-tag": "b"} }), &header, "given twice"},
		{"extra_bcc", valid(func(m *mail.Message) { m.Headers = map[string]string{"bcc": "v@example.com"} }), &header, "use Message.Bcc"},
		{"extra_content_type", valid(func(m *mail.Message) { m.Headers = map[string]string{"Content-Type": "text/html"} }), &header, "MIME headers"},
		{"extra_from_invalid", valid(func(m *mail.Message) { m.Headers = map[string]string{"From": "not an address"} }), &address, "From address"},
		{"message_id_crlf", valid(func(m *mail.Message) { m.MessageID = "<a@b>\r\nX: y" }), &header, "header Message-ID"},
		{"filename_crlf", valid(func(m *mail.Message) {
			m.Attachments = []mail.Attachment{{Filename: "a.txt\r\nContent-Type: text/html", Data: []byte("x")}}
		}), &header, "attachment 1: mail: header Content-Disposition"},
		{"filename_invalid_utf8", valid(func(m *mail.Message) { m.Attachments = []mail.Attachment{{Filename: "a\xff.txt"}} }), &header, "valid UTF-8"},
		{"subject_invalid_utf8", valid(func(m *mail.Message) { m.Subject = "caf\xe9" }), &header, "valid UTF-8"},
		{"body_invalid_utf8", valid(func(m *mail.Message) { m.Body = "caf\xe9" }), nil, "Body or HTML is not valid UTF-8"},
		{"content_type_crlf", valid(func(m *mail.Message) {
			m.Attachments = []mail.Attachment{{ContentType: "text/plain\r\nBcc: v@example.com"}}
		}), &header, "header Content-Type"},
		{"content_type_malformed", valid(func(m *mail.Message) { m.Attachments = []mail.Attachment{{ContentType: "not a type"}} }), nil, `content type "not a type"`},
		{"content_id_brackets", valid(func(m *mail.Message) { m.Attachments = []mail.Attachment{{ContentID: "<logo>"}} }), &header, "without angle brackets"},
		{"word_too_long", valid(func(m *mail.Message) { m.Subject = strings.Repeat("x", 1200) }), &header, "too long"},
		{"no_from", valid(func(m *mail.Message) { m.From = "" }), nil, "no From address"},
		{"from_invalid", valid(func(m *mail.Message) { m.From = "noreply@" }), &address, `From address "noreply@"`},
		{"to_two_in_one", valid(func(m *mail.Message) { m.To = []string{"a@example.com, b@example.com"} }), &address, "one address per item"},
		{"to_no_domain", valid(func(m *mail.Message) { m.To = []string{"ada"} }), &address, `To address "ada"`},
		{"bcc_invalid", valid(func(m *mail.Message) { m.Bcc = []string{"<>"} }), &address, "Bcc address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.msg.Bytes()
			if err == nil {
				t.Fatalf("Bytes() = %q, want an error", data)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
				t.Errorf("error = %T %v, want it to match %T", err, err, tt.wantAs)
			}
		})
	}
}

func TestMessage_Defaults(t *testing.T) {
	m := &mail.Message{From: "Ada <ada@example.com>", To: []string{"b@example.com"}}
	before := time.Now().Add(-time.Second)
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, data)
	if d, err := p.header.Date(); err != nil || d.Before(before) || d.After(time.Now().Add(time.Second)) {
		t.Errorf("Date = %v, %v; want now", d, err)
	}
	id := p.header.Get("Message-Id")
	if !regexp.MustCompile(`^<[0-9a-z]+\.[A-Z2-7]{26}@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want a random id at example.com", id)
	}
	again, _ := m.Bytes()
	if id2 := parse(t, again).header.Get("Message-Id"); id2 == id {
		t.Errorf("two builds share the Message-ID %s", id)
	}
	if m.Date != (time.Time{}) || m.MessageID != "" {
		t.Errorf("Bytes changed the message: Date %v, MessageID %q", m.Date, m.MessageID)
	}
}

// TestMessage_BoundaryNotInContent puts a part's boundary into the body:
// the message must pick another one, or the body could end the part and
// forge parts of its own.
func TestMessage_BoundaryNotInContent(t *testing.T) {
	m := fixed(mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Body: "text", HTML: "<p>html</p>"})
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	boundary := regexp.MustCompile(`boundary="([^"]+)"`).FindSubmatch(data)[1]
	m.Body = "--" + string(boundary) + "\nContent-Type: text/html\n\n<script>forged</script>\n--" + string(boundary) + "--\n"
	data, err = m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`boundary="([^"]+)"`).FindSubmatch(data)[1]; bytes.Equal(got, boundary) {
		t.Fatalf("the boundary %s was kept although the body holds it", got)
	}
	p := parse(t, data)
	if p.text != strings.ReplaceAll(m.Body, "\n", "\r\n") || p.html != "<p>html</p>" {
		t.Errorf("parsed text %q and html %q, want the body whole and the real html", p.text, p.html)
	}
}

func TestMessage_Recipients(t *testing.T) {
	m := &mail.Message{
		To:  []string{"Ada <ada@example.com>", "bob@example.com"},
		Cc:  []string{"ada@example.com", "Carol <carol@bücher.example>"},
		Bcc: []string{"dan@example.com", "bob@example.com"},
	}
	got, err := m.Recipients()
	if err != nil {
		t.Fatal(err)
	}
	if want := "ada@example.com bob@example.com carol@xn--bcher-kva.example dan@example.com"; strings.Join(got, " ") != want {
		t.Errorf("Recipients() = %v, want %s", got, want)
	}
	m.Bcc = append(m.Bcc, "nope")
	var ae *mail.AddressError
	if _, err := m.Recipients(); !errors.As(err, &ae) || ae.Field != "Bcc" {
		t.Errorf("Recipients() error = %v, want an *AddressError for Bcc", err)
	}
}

func TestMessage_AttachFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.json") // a type Go knows without the system's tables
	if err := os.WriteFile(path, []byte("remember"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := fixed(mail.Message{From: "a@example.com", To: []string{"b@example.com"}})
	if err := m.AttachFile(path); err != nil {
		t.Fatal(err)
	}
	if err := m.AttachFile(filepath.Join(t.TempDir(), "missing.txt")); err == nil || !strings.Contains(err.Error(), "mail: attaching open") {
		t.Errorf("AttachFile(missing) = %v, want a mail: attaching error", err)
	}
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, data)
	if len(p.attachments) != 1 || p.attachments[0].Filename != "notes.json" || string(p.attachments[0].Data) != "remember" ||
		p.attachments[0].ContentType != "application/json" {
		t.Errorf("attachments = %+v, want notes.json, application/json, remember", p.attachments)
	}
}

// FuzzMessage builds messages from arbitrary subjects, names and bodies:
// each is refused with a typed error or reads back unchanged.
func FuzzMessage(f *testing.F) {
	f.Add("Hello", "Ada", "Body\n")
	f.Add("Réunion — 📅", "Zoé Noël", "ligne\r\nligne\rligne")
	f.Add("x\r\nBcc: v@example.com", "\"", "\x00\xff")
	f.Add(strings.Repeat("a ", 100), "a,b;c", ".\n..\n")
	f.Fuzz(func(t *testing.T, subject, name, body string) {
		m := fixed(mail.Message{
			From:    (&netmail.Address{Name: name, Address: "a@example.com"}).String(),
			To:      []string{"b@example.com"},
			Subject: subject, Body: body, HTML: body,
		})
		data, err := m.Bytes()
		if err != nil {
			var he *mail.HeaderError
			var ae *mail.AddressError
			if !errors.As(err, &he) && !errors.As(err, &ae) && !strings.Contains(err.Error(), "not valid UTF-8") {
				t.Fatalf("Bytes() error %T %v, want a *HeaderError or *AddressError", err, err)
			}
			return
		}
		p := parse(t, data)
		// Readers trim the spaces around a header value (textproto does).
		if p.subject != subject && p.subject != strings.Trim(subject, " \t") {
			t.Errorf("subject = %q, want %q", p.subject, subject)
		}
		from, err := p.header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != name {
			t.Errorf("From = %v, %v; want the name %q", from, err, name)
		}
		want := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n"), "\n", "\r\n")
		if strings.TrimSuffix(p.text, "\r\n") != strings.TrimSuffix(want, "\r\n") {
			t.Errorf("text = %q, want %q", p.text, want)
		}
	})
}

// base64Reader decodes MIME base64, whose line ends the decoder skips.
func base64Reader(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) }

// The envelope keeps the quotes of a quoted local part: without them,
// "x> NOTIFY=SUCCESS ORCPT=rfc822;y"@example.com went out as
// RCPT TO:<x> NOTIFY=SUCCESS ORCPT=rfc822;y@example.com>, adding ESMTP
// parameters, and "john doe"@example.com as a syntax error.
func TestMessage_EnvelopeQuoting(t *testing.T) {
	tests := []struct {
		name, addr string
		want       string // "" means refused with an *AddressError
	}{
		{"space", `"john doe"@example.com`, `"john doe"@example.com`},
		{"with_name", `John <"john doe"@example.com>`, `"john doe"@example.com`},
		{"esmtp_parameters", `"x> NOTIFY=SUCCESS ORCPT=rfc822;y"@example.com`, ""},
		{"open_angle", `"a<b"@example.com`, ""},
		{"tab", "\"a\tb\"@example.com", ""},
		{"quote", `"a\"b"@example.com`, `"a\"b"@example.com`},
		{"backslash", `"a\\b"@example.com`, `"a\\b"@example.com`},
		{"at_sign", `"a@b"@example.com`, `"a@b"@example.com`},
		{"double_dot", `"a..b"@example.com`, `"a..b"@example.com`},
		{"needless_quotes", `"ada"@example.com`, `ada@example.com`},
		{"dot_atom", `ada.l+x@example.com`, `ada.l+x@example.com`},
		{"utf8_dot_atom", `jörg@example.com`, `jörg@example.com`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &mail.Message{From: "a@example.com", To: []string{tt.addr}}
			got, err := m.Recipients()
			if tt.want == "" {
				var ae *mail.AddressError
				if !errors.As(err, &ae) {
					t.Errorf("Recipients() = %q, %v; want an *AddressError", got, err)
				}
				m.To, m.From = []string{"b@example.com"}, tt.addr
				if _, err := m.Bytes(); !errors.As(err, &ae) {
					t.Errorf("Bytes() with From %s: error %v, want an *AddressError", tt.addr, err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0] != tt.want {
				t.Errorf("Recipients() = %q, %v; want [%s]", got, err, tt.want)
			}
		})
	}
}

// A long attachment filename is written in RFC 2231 continuations: as one
// filename*= token, 200 "é" made a line of 1255 characters, over
// RFC 5322's 998, and the error was ignored.
func TestMessage_LongFilename(t *testing.T) {
	tests := []struct{ name, filename, contentType string }{
		{"non_ascii", strings.Repeat("é", 200) + ".pdf", ""},
		{"ascii", strings.Repeat("a", 1200) + ".txt", ""},
		{"quotes_and_spaces", strings.Repeat(`a "b" c;d `, 120) + ".txt", ""},
		{"percent", strings.Repeat("%é", 150), ""},
		{"short_non_ascii", "résumé.pdf", ""},
		{"long_content_type_param", "x.txt", "text/plain; name=" + strings.Repeat("n", 1100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fixed(mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Body: "x",
				Attachments: []mail.Attachment{{Filename: tt.filename, ContentType: tt.contentType, Data: []byte("data")}}})
			data, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			for line := range strings.SplitSeq(string(data), "\r\n") {
				if len(line) > 78 { // RFC 5322 requires 998, recommends 78
					t.Errorf("line of %d bytes: %.80s...", len(line), line)
				}
			}
			p := parse(t, data)
			if len(p.attachments) != 1 || p.attachments[0].Filename != tt.filename || string(p.attachments[0].Data) != "data" {
				t.Errorf("attachments read back = %+v, want the filename %q", p.attachments, tt.filename)
			}
		})
	}
}
