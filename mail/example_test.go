package mail_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nuages-go/nuages/mail"
)

// A message with an HTML alternative, sent to the console backend, as in
// development. Date and MessageID are fixed here only so that the output
// is the same on every run.
func Example() {
	msg := &mail.Message{
		From:      "Polls <noreply@example.com>",
		To:        []string{"Ada Lovelace <ada@example.com>"},
		Subject:   "Your vote was counted",
		Body:      "Thank you for voting.",
		HTML:      "<p>Thank you for <b>voting</b>.</p>",
		Date:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		MessageID: "<vote-42@example.com>",
	}
	backend := &mail.Console{W: os.Stdout}
	if err := backend.Send(context.Background(), msg); err != nil {
		log.Fatal(err)
	}
	// Output:
	// From: Polls <noreply@example.com>
	// To: Ada Lovelace <ada@example.com>
	// Subject: Your vote was counted
	// Date: Fri, 02 Jan 2026 03:04:05 +0000
	// Message-ID: <vote-42@example.com>
	// MIME-Version: 1.0
	// Content-Type: multipart/alternative; boundary="=_f415ac97ed93c76ff98ceb4f"
	//
	// --=_f415ac97ed93c76ff98ceb4f
	// Content-Type: text/plain; charset="utf-8"
	// Content-Transfer-Encoding: 7bit
	//
	// Thank you for voting.
	// --=_f415ac97ed93c76ff98ceb4f
	// Content-Type: text/html; charset="utf-8"
	// Content-Transfer-Encoding: 7bit
	//
	// <p>Thank you for <b>voting</b>.</p>
	// --=_f415ac97ed93c76ff98ceb4f--
	// -------------------------------------------------------------------------------
}

// Tests send through an Outbox and look at what was sent, as Django's
// tests read mail.outbox.
func ExampleOutbox() {
	var outbox mail.Outbox
	err := mail.SendMail(context.Background(), &outbox, "Welcome", "Hello Ada.", "noreply@example.com", "ada@example.com")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range outbox.Messages() {
		fmt.Println(m.To, m.Subject)
	}
	// Output: [ada@example.com] Welcome
}

// A line break in a header value is refused: it would let whoever wrote
// the subject (a contact form's user) add recipients.
func ExampleHeaderError() {
	msg := &mail.Message{
		From:    "site@example.com",
		To:      []string{"contact@example.com"},
		Subject: "Hello\r\nBcc: everyone@example.com",
	}
	_, err := msg.Bytes()
	fmt.Println(err)
	// Output: mail: header Subject "Hello\r\nBcc: everyone@example.com": a header value is one line: it may not hold a line break (CR or LF) or another control character, which could add headers or recipients
}

// The SMTP backend of a production server, Django's EMAIL_HOST and
// friends: STARTTLS on port 587 with a password.
func ExampleSMTP() {
	backend := &mail.SMTP{
		Host:     "smtp.example.com",
		Port:     587,
		Username: "apikey",
		Password: os.Getenv("EMAIL_HOST_PASSWORD"),
		StartTLS: true,
		Timeout:  10 * time.Second,
	}
	_ = mail.Backend(backend) // send with backend.Send(ctx, msgs...)
}

func ExampleMessage_AttachFile() {
	msg := &mail.Message{From: "reports@example.com", To: []string{"ada@example.com"}, Subject: "Report"}
	if err := msg.AttachFile("testdata/plain.golden"); err != nil {
		log.Fatal(err)
	}
	a := msg.Attachments[0]
	fmt.Println(a.Filename, len(a.Data) > 0)
	// Output: plain.golden true
}
