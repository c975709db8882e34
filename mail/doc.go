// Package mail builds and sends e-mail, Django's django.core.mail the Go
// way: a [Message] builds a correct RFC 5322 / MIME message, and a [Backend]
// delivers it.
//
//	msg := &mail.Message{
//		From:    "Polls <noreply@example.com>",
//		To:      []string{"ada@example.com"},
//		Subject: "Your vote was counted",
//		Body:    "Thank you for voting.",
//		HTML:    "<p>Thank you for <b>voting</b>.</p>",
//	}
//	err := backend.Send(ctx, msg)
//
// # Backends
//
// [SMTP] talks to a mail server (STARTTLS or implicit TLS, PLAIN or LOGIN
// authentication only over TLS or to localhost, a timeout). [Console]
// writes messages to a writer, standard output by default, for development.
// [File] writes one file per message into a directory. [Outbox] keeps them
// in memory for tests and [Dummy] drops them. A project picks one from its
// settings (Django's EMAIL_BACKEND); see the root package's EmailSettings.
//
// # Security
//
// Header values come from users more often than one thinks (a contact
// form's subject, a name in a From). A line break in any header value or
// address would let its author add headers or recipients, so building a
// message refuses CR, LF and other control characters there with a
// [*HeaderError], as Django's BadHeaderError. Every address is parsed by
// net/mail and refused with an [*AddressError] when it is not one valid
// address; non-ASCII names and subjects are encoded as RFC 2047 words.
// Messages are built, and so checked, before a backend sends any of them:
// a bad message never leaves a batch half sent.
//
// Backends are safe for concurrent use.
package mail
