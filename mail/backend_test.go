package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nuages-go/nuages/mail"
)

// invalid is a message every backend must refuse before sending anything.
func invalid() *mail.Message {
	return &mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "x\nBcc: victim@example.com"}
}

func TestConsole(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	m1, m2 := testMessage("ada@example.com"), testMessage("bob@example.com")
	if err := c.Send(t.Context(), m1, m2); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, m := range []*mail.Message{m1, m2} {
		data, _ := m.Bytes()
		want.WriteString(strings.ReplaceAll(string(data), "\r\n", "\n"))
		want.WriteString(strings.Repeat("-", 79) + "\n")
	}
	if out.String() != want.String() {
		t.Errorf("console output =\n%s\nwant\n%s", out.String(), want.String())
	}

	out.Reset()
	if err := c.Send(t.Context(), m1, invalid()); err == nil || !strings.Contains(err.Error(), "message 2 of 2: mail: header Subject") {
		t.Errorf("Send(valid, invalid) = %v, want the second message's header error", err)
	}
	if out.Len() != 0 {
		t.Errorf("a batch with an invalid message wrote %q, want nothing", out.String())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Send(ctx, m1); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("Send(cancelled) = %v and wrote %d bytes, want context.Canceled and nothing", err, out.Len())
	}
}

func TestConsole_Concurrent(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			m := testMessage(fmt.Sprintf("user%d@example.com", i))
			if err := c.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Each message is written whole: 20 separators, each after a body.
	parts := strings.Split(out.String(), strings.Repeat("-", 79)+"\n")
	if len(parts) != 21 {
		t.Fatalf("%d separators, want 20", len(parts)-1)
	}
	for _, p := range parts[:20] {
		if !strings.HasPrefix(p, "From: Nuages <noreply@example.com>\n") || !strings.HasSuffix(p, ".hidden starts with a dot\n") {
			t.Errorf("interleaved message:\n%s", p)
		}
	}
}

func TestFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sent", "mail") // created on demand
	f := &mail.File{Dir: dir}
	m1, m2 := testMessage("ada@example.com"), testMessage("bob@example.com")
	if err := f.Send(t.Context(), m1, m2); err != nil {
		t.Fatal(err)
	}
	if err := f.Send(t.Context(), m1); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d files, want one per message (3)", len(entries))
	}
	wantData := map[string]bool{}
	for _, m := range []*mail.Message{m1, m2} {
		data, _ := m.Bytes()
		wantData[strings.ReplaceAll(string(data), "\r\n", "\n")] = true
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			t.Errorf("file %s, want a .eml name", e.Name())
		}
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("file %s has mode %v, want 0600: messages hold secrets", e.Name(), info.Mode().Perm())
		}
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if !wantData[string(data)] {
			t.Errorf("file %s holds\n%s\nwhich is none of the messages", e.Name(), data)
		}
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", info.Mode().Perm())
	}

	if err := f.Send(t.Context(), m1, invalid()); err == nil {
		t.Error("Send(valid, invalid) = nil, want an error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("a batch with an invalid message wrote %d files, want none", len(entries)-3)
	}
	if err := (&mail.File{}).Send(t.Context(), m1); err == nil || !strings.Contains(err.Error(), "EMAIL_FILE_PATH") {
		t.Errorf("Send without Dir = %v, want an error naming EMAIL_FILE_PATH", err)
	}
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o600)
	if err := (&mail.File{Dir: blocker}).Send(t.Context(), m1); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Send into a file = %v, want a directory error", err)
	}
}

func TestOutbox(t *testing.T) {
	var o mail.Outbox
	m := &mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "Hi", Headers: map[string]string{"X-A": "1"}, Attachments: []mail.Attachment{{Data: []byte("x")}}}
	if err := o.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	// The caller's later changes do not reach the outbox.
	m.To[0] = "changed@example.com"
	m.Headers["X-A"] = "2"
	m.Attachments[0].Data[0] = 'y'
	got := o.Messages()
	if len(got) != 1 || got[0].To[0] != "b@example.com" || got[0].Headers["X-A"] != "1" || string(got[0].Attachments[0].Data) != "x" {
		t.Fatalf("Messages() = %+v, want the message as sent", got)
	}
	if got[0].Date.IsZero() || !strings.HasSuffix(got[0].MessageID, "@example.com>") {
		t.Errorf("kept Date %v and MessageID %q, want them filled as sent", got[0].Date, got[0].MessageID)
	}
	if !m.Date.IsZero() || m.MessageID != "" {
		t.Errorf("Send changed the caller's message")
	}
	// Nor do changes to what Messages returns.
	got[0].Subject = "changed"
	if o.Messages()[0].Subject != "Hi" {
		t.Error("changing a returned message changed the outbox")
	}

	if err := o.Send(t.Context(), testMessage("c@example.com"), invalid()); err == nil {
		t.Error("Send(valid, invalid) = nil, want an error")
	}
	if err := o.Send(t.Context(), &mail.Message{From: "a@example.com"}); err == nil || !strings.Contains(err.Error(), "no recipients") {
		t.Errorf("Send(no recipients) = %v, want an error", err)
	}
	if err := o.Send(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("Send(nil) = %v, want an error", err)
	}
	if o.Len() != 1 {
		t.Errorf("Len() = %d after refused batches, want 1", o.Len())
	}

	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if err := o.Send(context.Background(), testMessage(fmt.Sprintf("u%d@example.com", i))); err != nil {
				t.Error(err)
			}
			o.Messages()
		})
	}
	wg.Wait()
	if o.Len() != 51 {
		t.Errorf("Len() = %d after 50 concurrent sends, want 51", o.Len())
	}
	o.Clear()
	if o.Len() != 0 || len(o.Messages()) != 0 {
		t.Errorf("Clear left %d messages", o.Len())
	}
}

func TestDummyAndSendMail(t *testing.T) {
	if err := (mail.Dummy{}).Send(t.Context(), invalid()); err != nil {
		t.Errorf("Dummy.Send = %v, want nil: it looks at nothing", err)
	}
	var o mail.Outbox
	if err := mail.SendMail(t.Context(), &o, "Subject", "Body", "from@example.com", "a@example.com", "b@example.com"); err != nil {
		t.Fatal(err)
	}
	got := o.Messages()
	if len(got) != 1 || got[0].Subject != "Subject" || got[0].Body != "Body" || got[0].From != "from@example.com" || strings.Join(got[0].To, ",") != "a@example.com,b@example.com" {
		t.Errorf("SendMail sent %+v", got)
	}
	if err := mail.SendMail(t.Context(), &o, "Subject", "Body", "from@example.com"); err == nil {
		t.Error("SendMail with no recipient = nil, want an error")
	}
}
