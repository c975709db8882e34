package mail_test

import (
	"bytes"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/mail"
)

// The benchmarks build the same messages with Message.Bytes and by hand
// with the standard library (no validation, no folding): the baseline is
// the least a program sending mail would do.

var benchText = strings.Repeat("Thank you for voting. Your vote was counted and will be shown soon.\n", 20)

func benchMessage(attach bool) *mail.Message {
	m := &mail.Message{
		From: "Polls <noreply@example.com>", To: []string{"Ada Lovelace <ada@example.com>"},
		Subject: "Your vote was counted", Body: benchText,
		Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), MessageID: "<bench@example.com>",
	}
	if attach {
		m.HTML = "<p>" + benchText + "</p>"
		m.Attachments = []mail.Attachment{{Filename: "report.pdf", Data: bytes.Repeat([]byte{1, 2, 3, 4}, 4096)}}
	}
	return m
}

func BenchmarkBytes(b *testing.B) {
	for _, tc := range []struct {
		name   string
		attach bool
	}{{"plain", false}, {"html_attachment", true}} {
		m := benchMessage(tc.attach)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Bytes(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBaseline(b *testing.B) {
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format(time.RFC1123Z)
	header := func(buf *bytes.Buffer) {
		buf.WriteString("From: Polls <noreply@example.com>\r\nTo: Ada Lovelace <ada@example.com>\r\n")
		buf.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", "Your vote was counted") + "\r\nDate: " + date + "\r\n")
		buf.WriteString("Message-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n")
	}
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			header(&buf)
			buf.WriteString("Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
			buf.WriteString(strings.ReplaceAll(benchText, "\n", "\r\n"))
		}
	})
	data := bytes.Repeat([]byte{1, 2, 3, 4}, 4096)
	b.Run("html_attachment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			header(&buf)
			mixed := multipart.NewWriter(&buf)
			buf.WriteString("Content-Type: multipart/mixed; boundary=\"" + mixed.Boundary() + "\"\r\n\r\n")
			var alt bytes.Buffer
			altw := multipart.NewWriter(&alt)
			for _, t := range []string{"plain", "html"} {
				w, _ := altw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/" + t + "; charset=\"utf-8\""}, "Content-Transfer-Encoding": {"quoted-printable"}})
				qp := quotedprintable.NewWriter(w)
				qp.Write([]byte(benchText))
				qp.Close()
			}
			altw.Close()
			w, _ := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=\"" + altw.Boundary() + "\""}})
			w.Write(alt.Bytes())
			w, _ = mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/pdf"}, "Content-Disposition": {"attachment; filename=report.pdf"}, "Content-Transfer-Encoding": {"base64"}})
			enc := base64.StdEncoding.EncodeToString(data)
			for len(enc) > 76 {
				w.Write([]byte(enc[:76] + "\r\n"))
				enc = enc[76:]
			}
			w.Write([]byte(enc))
			mixed.Close()
		}
	})
}
