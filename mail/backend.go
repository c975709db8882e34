package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Backend delivers messages, Django's EMAIL_BACKEND. Send builds every
// message before delivering any, so that an invalid one never leaves the
// batch half sent, and reports the first failure. Implementations are safe
// for concurrent use.
type Backend interface {
	Send(ctx context.Context, msgs ...*Message) error
}

var (
	_ Backend = (*SMTP)(nil)
	_ Backend = (*Console)(nil)
	_ Backend = (*File)(nil)
	_ Backend = (*Outbox)(nil)
	_ Backend = Dummy{}
)

// SendMail sends one plain-text message, Django's send_mail.
func SendMail(ctx context.Context, b Backend, subject, body, from string, to ...string) error {
	return b.Send(ctx, &Message{From: from, To: to, Subject: subject, Body: body})
}

// sealAll builds every message, naming the one that fails.
func sealAll(msgs []*Message) ([]envelope, error) {
	out := make([]envelope, len(msgs))
	for i, m := range msgs {
		if m == nil {
			return nil, fmt.Errorf("mail: message %d of %d is nil", i+1, len(msgs))
		}
		env, err := m.seal()
		if err != nil {
			if len(msgs) > 1 {
				return nil, fmt.Errorf("message %d of %d: %w", i+1, len(msgs), err)
			}
			return nil, err
		}
		out[i] = env
	}
	return out, nil
}

// unixLines turns the CRLF line ends of a built message into \n, for
// reading in a terminal or an editor, as Django's console and file
// backends do.
func unixLines(data []byte) []byte { return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")) }

// separator follows every message the console backend writes, as in Django.
var separator = bytes.Repeat([]byte("-"), 79)

// Console writes messages to W (standard output when nil), each followed by
// a line of dashes, for development: Django's console backend.
type Console struct {
	W io.Writer

	mu sync.Mutex // keeps concurrent messages apart
}

// Send writes msgs.
func (c *Console) Send(ctx context.Context, msgs ...*Message) error {
	envs, err := sealAll(msgs)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, env := range envs {
		b.Write(unixLines(env.data))
		b.Write(separator)
		b.WriteByte('\n')
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.W
	if w == nil {
		w = os.Stdout
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("mail: writing to the console: %w", err)
	}
	return nil
}

// File writes each message to a file of its own in Dir, named after the
// time it was written and made readable by its owner only (messages carry
// password reset links): Django's file backend, EMAIL_FILE_PATH. Dir is
// created when missing.
type File struct {
	Dir string
}

// Send writes msgs, one file each.
func (f *File) Send(ctx context.Context, msgs ...*Message) error {
	if f.Dir == "" {
		return fmt.Errorf("mail: the file backend has no directory: set EMAIL_FILE_PATH")
	}
	envs, err := sealAll(msgs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return fmt.Errorf("mail: the file backend's directory: %w", err)
	}
	for _, env := range envs {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The time sorts files in the order written; the random part keeps
		// concurrent senders and processes from colliding.
		name := filepath.Join(f.Dir, time.Now().UTC().Format("20060102-150405.000000")+"-"+rand.Text()[:8]+".eml")
		if err := writeNew(name, unixLines(env.data)); err != nil {
			return fmt.Errorf("mail: %w", err)
		}
	}
	return nil
}

// writeNew writes data to a file that must not exist yet.
func writeNew(name string, data []byte) error {
	file, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name) // never leave half a message behind
	}
	return err
}

// Outbox keeps the messages sent through it, for tests: Django's locmem
// backend and mail.outbox, without the global. Its zero value is ready.
type Outbox struct {
	mu   sync.Mutex
	msgs []*Message // guarded by mu
}

// Send checks msgs as a real backend would (building them) and keeps
// copies of them, Date and MessageID filled as they would be sent.
func (o *Outbox) Send(ctx context.Context, msgs ...*Message) error {
	copies := make([]*Message, len(msgs))
	for i, m := range msgs {
		if m == nil {
			continue // sealAll reports it
		}
		c := m.clone()
		if c.Date.IsZero() {
			c.Date = time.Now()
		}
		if c.MessageID == "" {
			if from, err := parseAddress("From", c.From); err == nil {
				c.MessageID = newMessageID(from.Address)
			}
		}
		copies[i] = c
	}
	if _, err := sealAll(copies); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, copies...)
	return nil
}

// Messages returns copies of the messages sent so far, oldest first.
func (o *Outbox) Messages() []*Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]*Message, len(o.msgs))
	for i, m := range o.msgs {
		out[i] = m.clone()
	}
	return out
}

// Len returns how many messages were sent so far.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs)
}

// Clear forgets the messages sent so far.
func (o *Outbox) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = nil
}

// clone copies m deeply enough that neither copy sees the other's changes.
func (m *Message) clone() *Message {
	c := *m
	c.To, c.Cc, c.Bcc, c.ReplyTo = slices.Clone(m.To), slices.Clone(m.Cc), slices.Clone(m.Bcc), slices.Clone(m.ReplyTo)
	c.Attachments = slices.Clone(m.Attachments)
	for i := range c.Attachments {
		c.Attachments[i].Data = slices.Clone(c.Attachments[i].Data)
	}
	if m.Headers != nil {
		c.Headers = make(map[string]string, len(m.Headers))
		for k, v := range m.Headers {
			c.Headers[k] = v
		}
	}
	return &c
}

// Dummy drops every message without looking at it: Django's dummy backend.
type Dummy struct{}

// Send does nothing.
func (Dummy) Send(context.Context, ...*Message) error { return nil }
