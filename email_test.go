package nuages

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/mail"
	"github.com/nuages-go/nuages/web"
)

func TestEmailSettings_LoadEnv(t *testing.T) {
	s := DefaultSettings()
	err := s.LoadEnv([]string{
		"EMAIL_BACKEND=console", "NUAGES_EMAIL_BACKEND=smtp", "EMAIL_HOST=smtp.example.com", "EMAIL_PORT=587",
		"EMAIL_HOST_USER=apikey", "EMAIL_HOST_PASSWORD=pw=1", "EMAIL_USE_TLS=true", "EMAIL_USE_SSL=false",
		"EMAIL_TIMEOUT=15", "EMAIL_FILE_PATH=/tmp/mail", "DEFAULT_FROM_EMAIL=Site <noreply@example.com>", "SERVER_EMAIL=errors@example.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := EmailSettings{
		Backend: "smtp", Host: "smtp.example.com", Port: 587, HostUser: "apikey", HostPassword: "pw=1", UseTLS: true,
		Timeout: 15 * time.Second, FilePath: "/tmp/mail", DefaultFrom: "Site <noreply@example.com>", ServerEmail: "errors@example.com",
	}
	if s.Email != want {
		t.Errorf("Email = %+v, want %+v", s.Email, want)
	}

	// A timeout set in code survives an environment that does not set it.
	s = DefaultSettings()
	s.Email.Timeout = 1500 * time.Millisecond
	if err := s.LoadEnv(nil); err != nil || s.Email.Timeout != 1500*time.Millisecond {
		t.Errorf("Timeout = %v, %v after LoadEnv(nil), want 1.5s", s.Email.Timeout, err)
	}

	s = DefaultSettings()
	err = s.LoadEnv([]string{"EMAIL_PORT=smtp", "EMAIL_TIMEOUT=10s", "NUAGES_EMAIL_USE_TLS=maybe"})
	for _, w := range []string{`EMAIL_PORT="smtp" is not an integer`, `EMAIL_TIMEOUT="10s" is not an integer`, `NUAGES_EMAIL_USE_TLS="maybe" is not a boolean`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("LoadEnv error = %v, want it to contain %q", err, w)
		}
	}
}

func TestEmailSettings_Validate(t *testing.T) {
	tests := []struct {
		name    string
		email   EmailSettings
		wantErr string // "" for valid settings
	}{
		{"zero_value", EmailSettings{}, ""},
		{"console", EmailSettings{Backend: "console"}, ""},
		{"file", EmailSettings{Backend: "file", FilePath: "sent"}, ""},
		{"custom_whatever_the_name", EmailSettings{Backend: "ses", Custom: &mail.Outbox{}}, ""},
		{"password_to_localhost", EmailSettings{HostUser: "u", HostPassword: "p"}, ""},
		{"password_over_starttls", EmailSettings{Host: "smtp.example.com", HostUser: "u", UseTLS: true}, ""},
		{"password_over_ssl", EmailSettings{Host: "smtp.example.com", HostUser: "u", UseSSL: true}, ""},
		{"unknown_backend", EmailSettings{Backend: "sendgrid"}, `EMAIL_BACKEND "sendgrid" is not a backend: use one of smtp, console, file, dummy`},
		{"locmem_hint", EmailSettings{Backend: "locmem"}, "set Settings.Email.Custom to a *mail.Outbox"},
		{"tls_and_ssl", EmailSettings{UseTLS: true, UseSSL: true}, "EMAIL_USE_TLS and EMAIL_USE_SSL are both on"},
		{"bad_port", EmailSettings{Port: 70000}, "EMAIL_PORT 70000 is not a port"},
		{"negative_timeout", EmailSettings{Timeout: -time.Second}, "EMAIL_TIMEOUT -1s is negative"},
		{"file_without_path", EmailSettings{Backend: "file"}, "EMAIL_FILE_PATH is not set"},
		{"password_in_clear", EmailSettings{Host: "smtp.example.com", HostUser: "u"}, "the password would cross the network to smtp.example.com in clear"},
		{"bad_default_from", EmailSettings{DefaultFrom: "webmaster@"}, `DEFAULT_FROM_EMAIL "webmaster@" is not an address`},
		{"injected_server_email", EmailSettings{ServerEmail: "a@example.com\r\nBcc: b@example.com"}, "SERVER_EMAIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := devSettings(t)
			s.Email = tt.email
			err := s.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestProject_Mail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		email EmailSettings
		want  string // the backend's type
	}{
		{EmailSettings{}, "*mail.SMTP"}, // in tests too: nuagestest.New sets an outbox
		{EmailSettings{Backend: "smtp", Host: "smtp.example.com", Port: 587, UseTLS: true, HostUser: "u"}, "*mail.SMTP"},
		{EmailSettings{Backend: "console"}, "*mail.Console"},
		{EmailSettings{Backend: "file", FilePath: dir}, "*mail.File"},
		{EmailSettings{Backend: "dummy"}, "mail.Dummy"},
		{EmailSettings{Backend: "smtp", Custom: &mail.Outbox{}}, "*mail.Outbox"},
	}
	for _, tt := range tests {
		t.Run(tt.want+"_"+tt.email.Backend, func(t *testing.T) {
			s := devSettings(t)
			s.Email = tt.email
			p := newProject(t, s)
			b := p.Mail()
			inner := b.(defaultFrom).Backend
			if got := fmt.Sprintf("%T", inner); got != tt.want {
				t.Errorf("Mail() wraps %s, want %s", got, tt.want)
			}
			if p.Mail() != b {
				t.Error("Mail() returned another backend on the second call")
			}
			if smtp, ok := inner.(*mail.SMTP); ok {
				e := tt.email
				want := mail.SMTP{Host: e.Host, Port: e.Port, Username: e.HostUser, StartTLS: e.UseTLS}
				if *smtp != want {
					t.Errorf("SMTP = %+v, want %+v", *smtp, want)
				}
			}
		})
	}

	// Messages without From are sent from DEFAULT_FROM_EMAIL; the caller's
	// message is left alone.
	for _, from := range []string{"", "Site <noreply@example.com>"} {
		var outbox mail.Outbox
		s := devSettings(t)
		s.Email = EmailSettings{Custom: &outbox, DefaultFrom: from}
		p := newProject(t, s)
		m := &mail.Message{To: []string{"ada@example.com"}, Subject: "Hi"}
		named := &mail.Message{From: "other@example.com", To: []string{"ada@example.com"}}
		if err := p.Mail().Send(t.Context(), m, named); err != nil {
			t.Fatal(err)
		}
		want := from
		if want == "" {
			want = "webmaster@localhost"
		}
		got := outbox.Messages()
		if len(got) != 2 || got[0].From != want || got[1].From != "other@example.com" {
			t.Errorf("DefaultFrom %q: sent %+v, want From %q then other@example.com", from, got, want)
		}
		if m.From != "" {
			t.Errorf("Send changed the caller's From to %q", m.From)
		}
		if err := p.Mail().Send(t.Context(), nil); err == nil {
			t.Error("Send(nil) = nil, want an error")
		}
	}
}

func TestSendTestEmailCommand(t *testing.T) {
	t.Parallel()
	var outbox mail.Outbox
	s := devSettings(t)
	s.Email.Custom = &outbox
	s.Email.DefaultFrom = "Site <site@example.com>"
	p := newProject(t, s)

	code, out, errOut := runCLI(t, p, "sendtestemail", "ada@example.com", "Bob <bob@example.com>")
	if code != 0 || out != "Sent a test e-mail to ada@example.com, Bob <bob@example.com>.\n" {
		t.Fatalf("sendtestemail: code %d, stdout %q, stderr %q", code, out, errOut)
	}
	got := outbox.Messages()
	if len(got) != 1 {
		t.Fatalf("sent %d messages, want 1", len(got))
	}
	m := got[0]
	host, _ := os.Hostname()
	if m.From != "Site <site@example.com>" || strings.Join(m.To, ",") != "ada@example.com,Bob <bob@example.com>" ||
		!strings.HasPrefix(m.Subject, "Test email from "+host+" on ") || m.Body != "If you're reading this, it was successful." {
		t.Errorf("sent %+v", m)
	}

	errorCases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no_address", nil, 2, "give the addresses to send the test e-mail to"},
		{"invalid_address", []string{"ada@example.com", "bob@"}, 2, `mail: To address "bob@"`},
		{"injected_address", []string{"ada@example.com\r\nBcc: eve@example.com"}, 2, "line break"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, p, append([]string{"sendtestemail"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("code %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
	if outbox.Len() != 1 {
		t.Errorf("the refused runs sent %d messages", outbox.Len()-1)
	}
}

// TestSendTestEmailCommand_Backends runs the command through the file
// backend and through SMTP to a server that is not there.
func TestSendTestEmailCommand_Backends(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mail")
	s := devSettings(t)
	if err := s.LoadEnv([]string{"EMAIL_BACKEND=file", "EMAIL_FILE_PATH=" + dir}); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, newProject(t, s), "sendtestemail", "ada@example.com")
	if code != 0 {
		t.Fatalf("file backend: code %d, stderr %q", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files in %s, want 1", len(files), dir)
	}
	data, _ := os.ReadFile(files[0])
	for _, want := range []string{"From: webmaster@localhost\n", "To: ada@example.com\n", "\n\nIf you're reading this, it was successful."} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the file holds\n%s\nwant it to contain %q", data, want)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close() // nothing listens there now
	s = devSettings(t)
	s.Email.Backend = "smtp"
	s.Email.Host = "127.0.0.1"
	s.Email.Port, _ = strconv.Atoi(port)
	code, _, errOut = runCLI(t, newProject(t, s), "sendtestemail", "ada@example.com")
	if code != 1 || !strings.Contains(errOut, "sendtestemail: mail: smtp 127.0.0.1:"+port) {
		t.Errorf("unreachable SMTP: code %d, stderr %q; want 1 and the server named", code, errOut)
	}
}

// TestDebugPage_EmailSettings checks that the debug page lists the e-mail
// settings with the password masked.
func TestDebugPage_EmailSettings(t *testing.T) {
	t.Parallel()
	s := devSettings(t)
	s.Email = EmailSettings{Host: "smtp.example.com", Port: 587, UseTLS: true, HostUser: "apikey", HostPassword: "hunter2-smtp"}
	s.URLs = func(*Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("boom/", web.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
			return errors.New("boom")
		}), "boom")}, nil
	}
	p := newProject(t, s)
	p.logger = slog.New(slog.DiscardHandler)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost/boom/", nil))
	body := rec.Body.String()
	if rec.Code != 500 || strings.Contains(body, "hunter2-smtp") {
		t.Errorf("status %d, the password shown: %v; want 500 and the password masked", rec.Code, strings.Contains(body, "hunter2-smtp"))
	}
	for _, want := range []string{"<th>EMAIL_HOST</th><td>smtp.example.com</td>", "<th>EMAIL_HOST_PASSWORD</th><td>********************</td>", "<th>EMAIL_USE_TLS</th><td>true</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the debug page lacks %q", want)
		}
	}
}
