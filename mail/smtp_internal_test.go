package mail

import (
	"net/smtp"
	"testing"
)

// loginAuth keeps net/smtp's PlainAuth rule on its own, whatever its
// caller checked: the password goes only over TLS or to localhost, and
// only to the host it was made for.
func TestLoginAuth_Start(t *testing.T) {
	tests := []struct {
		name   string
		host   string
		server smtp.ServerInfo
		ok     bool
	}{
		{"tls", "mail.example.com", smtp.ServerInfo{Name: "mail.example.com", TLS: true}, true},
		{"localhost_in_clear", "localhost", smtp.ServerInfo{Name: "localhost"}, true},
		{"ipv6_localhost_in_clear", "::1", smtp.ServerInfo{Name: "::1"}, true},
		{"in_clear", "mail.example.com", smtp.ServerInfo{Name: "mail.example.com"}, false},
		{"other_host", "mail.example.com", smtp.ServerInfo{Name: "evil.example.com", TLS: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &loginAuth{username: "ada", password: "s3cret", host: tt.host}
			mech, resp, err := a.Start(&tt.server)
			if (err == nil) != tt.ok {
				t.Fatalf("Start error = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if mech != "LOGIN" || resp != nil {
				t.Errorf("Start = %q, %q; want LOGIN with no initial response", mech, resp)
			}
			for _, want := range []string{"ada", "s3cret"} {
				got, err := a.Next([]byte("prompt:"), true)
				if err != nil || string(got) != want {
					t.Errorf("Next = %q, %v; want %q", got, err, want)
				}
			}
			if _, err := a.Next([]byte("more?"), true); err == nil {
				t.Error("a third challenge was answered")
			}
		})
	}
}
