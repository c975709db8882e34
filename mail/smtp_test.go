package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nuages-go/nuages/mail"
)

// fakeSMTP is an SMTP server on 127.0.0.1 speaking enough of RFC 5321 for
// the backend: EHLO, STARTTLS, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA,
// RSET, QUIT.
type fakeSMTP struct {
	TLS         *tls.Config     // offers STARTTLS with it (or speaks TLS at once with Implicit)
	Implicit    bool            // TLS from the first byte
	Auth        bool            // offers AUTH, with Mechs
	Mechs       string          // the mechanisms AUTH offers; default "LOGIN PLAIN"
	User, Pass  string          // the credentials it accepts
	Refuse      map[string]bool // recipients answered with 550
	Hang        bool            // accepts connections and never answers
	ln          net.Listener
	mu          sync.Mutex
	conns       int        // guarded by mu
	received    []received // guarded by mu
	stopHanging chan struct{}
}

type received struct {
	from   string
	to     []string
	data   string
	tls    bool
	authed string // the user authenticated, if any
	mech   string // the mechanism authenticated with
}

// startSMTP starts f on addr ("127.0.0.1:0" unless given) until the test
// ends.
func startSMTP(t *testing.T, f *fakeSMTP, addr ...string) *fakeSMTP {
	t.Helper()
	a := "127.0.0.1:0"
	if len(addr) > 0 {
		a = addr[0]
	}
	ln, err := net.Listen("tcp", a)
	if err != nil && len(addr) > 0 {
		t.Skipf("cannot listen on %s: %v", a, err) // another loopback address may be missing
	}
	if err != nil {
		t.Fatal(err)
	}
	f.ln = ln
	f.stopHanging = make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		close(f.stopHanging)
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
			wg.Go(func() {
				defer conn.Close()
				f.serve(conn)
			})
		}
	})
	return f
}

// backend returns an SMTP backend pointed at f.
func (f *fakeSMTP) backend() *mail.SMTP {
	host, port, _ := net.SplitHostPort(f.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return &mail.SMTP{Host: host, Port: p, LocalName: "test.example"}
}

func (f *fakeSMTP) got() (conns int, msgs []received) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns, append([]received(nil), f.received...)
}

func (f *fakeSMTP) serve(conn net.Conn) {
	if f.Hang {
		<-f.stopHanging
		return
	}
	isTLS := false
	if f.Implicit {
		conn = tls.Server(conn, f.TLS)
		isTLS = true
	}
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 fake ESMTP")
	var cur received
	authed, authMech := "", ""
	mechs := f.Mechs
	if mechs == "" {
		mechs = "LOGIN PLAIN"
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"fake greets " + arg}
			if f.TLS != nil && !isTLS {
				ext = append(ext, "STARTTLS")
			}
			if f.Auth {
				ext = append(ext, "AUTH "+mechs)
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, e)
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			conn = tls.Server(conn, f.TLS)
			tp = textproto.NewConn(conn)
			isTLS = true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			if !slices.Contains(strings.Fields(mechs), mech) {
				tp.PrintfLine("504 5.5.4 mechanism not supported")
				continue
			}
			var user, pass string
			switch mech {
			case "PLAIN":
				raw, _ := base64.StdEncoding.DecodeString(resp)
				if parts := strings.Split(string(raw), "\x00"); len(parts) == 3 {
					user, pass = parts[1], parts[2]
				}
			case "LOGIN":
				ask := func(prompt string) string {
					tp.PrintfLine("334 %s", base64.StdEncoding.EncodeToString([]byte(prompt)))
					line, _ := tp.ReadLine()
					raw, _ := base64.StdEncoding.DecodeString(line)
					return string(raw)
				}
				user = ask("Username:")
				pass = ask("Password:")
			}
			if user != f.User || pass != f.Pass {
				tp.PrintfLine("535 5.7.8 authentication failed")
				continue
			}
			authed, authMech = user, mech
			tp.PrintfLine("235 2.7.0 accepted")
		case "MAIL":
			cur = received{from: between(arg), tls: isTLS, authed: authed, mech: authMech}
			tp.PrintfLine("250 ok")
		case "RCPT":
			to := between(arg)
			if f.Refuse[to] {
				tp.PrintfLine("550 5.1.1 no such user %s", to)
				continue
			}
			cur.to = append(cur.to, to)
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(data)
			f.mu.Lock()
			f.received = append(f.received, cur)
			f.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown command")
		}
	}
}

// between returns the address in "FROM:<a@b> PARAMS".
func between(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// selfSigned returns a certificate for 127.0.0.1 and localhost, and a
// client configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

func testMessage(to ...string) *mail.Message {
	return &mail.Message{
		From:      "Nuages <noreply@example.com>",
		To:        to,
		Subject:   "Hello",
		Body:      "Line one.\n.\n.hidden starts with a dot\n",
		Date:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		MessageID: "<fixed@example.com>",
	}
}

func TestSMTP_Delivers(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := selfSigned(t)
	tests := []struct {
		name       string
		server     *fakeSMTP
		configure  func(b *mail.SMTP)
		wantTLS    bool
		wantAuthed string
	}{
		{"plain", &fakeSMTP{}, func(*mail.SMTP) {}, false, ""},
		{"starttls", &fakeSMTP{TLS: serverTLS}, func(b *mail.SMTP) { b.StartTLS, b.TLSConfig = true, clientTLS }, true, ""},
		{"starttls_auth", &fakeSMTP{TLS: serverTLS, Auth: true, User: "ada", Pass: "s3cret"}, func(b *mail.SMTP) {
			b.StartTLS, b.TLSConfig, b.Username, b.Password = true, clientTLS, "ada", "s3cret"
		}, true, "ada"},
		{"implicit_tls_auth", &fakeSMTP{TLS: serverTLS, Implicit: true, Auth: true, User: "ada", Pass: "s3cret"}, func(b *mail.SMTP) {
			b.ImplicitTLS, b.TLSConfig, b.Username, b.Password = true, clientTLS, "ada", "s3cret"
		}, true, "ada"},
		{"auth_in_clear_to_localhost", &fakeSMTP{Auth: true, User: "ada", Pass: "s3cret"}, func(b *mail.SMTP) {
			b.Username, b.Password = "ada", "s3cret"
		}, false, "ada"},
		{"starttls_offered_not_asked", &fakeSMTP{TLS: serverTLS}, func(*mail.SMTP) {}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.server)
			b := srv.backend()
			tt.configure(b)
			m1 := testMessage("Ada <ada@example.com>")
			m1.Bcc = []string{"hidden@example.com"}
			m2 := testMessage("bob@bücher.example")
			if err := b.Send(t.Context(), m1, m2); err != nil {
				t.Fatalf("Send: %v", err)
			}
			conns, got := srv.got()
			if conns != 1 {
				t.Errorf("connections = %d, want 1 for both messages", conns)
			}
			if len(got) != 2 {
				t.Fatalf("received %d messages, want 2", len(got))
			}
			for i, m := range []*mail.Message{m1, m2} {
				want, err := m.Bytes()
				if err != nil {
					t.Fatal(err)
				}
				rcpt, _ := m.Recipients()
				r := got[i]
				if r.from != "noreply@example.com" || strings.Join(r.to, ",") != strings.Join(rcpt, ",") {
					t.Errorf("message %d envelope = %s -> %v, want noreply@example.com -> %v", i+1, r.from, r.to, rcpt)
				}
				// The server reads the data with textproto, which ends lines with \n.
				if w := strings.ReplaceAll(string(want), "\r\n", "\n"); r.data != w {
					t.Errorf("message %d data =\n%q\nwant\n%q", i+1, r.data, w)
				}
				if r.tls != tt.wantTLS || r.authed != tt.wantAuthed {
					t.Errorf("message %d tls, authed = %v, %q; want %v, %q", i+1, r.tls, r.authed, tt.wantTLS, tt.wantAuthed)
				}
			}
			if got[1].to[0] != "bob@xn--bcher-kva.example" {
				t.Errorf("envelope recipient %q, want the domain in ASCII", got[1].to[0])
			}
			if strings.Contains(got[0].data, "hidden@") {
				t.Errorf("the Bcc address shows in the data:\n%s", got[0].data)
			}
		})
	}
}

func TestSMTP_Refuses(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := selfSigned(t)
	tests := []struct {
		name      string
		server    *fakeSMTP
		addr      string // where the server listens; default 127.0.0.1:0
		configure func(b *mail.SMTP)
		msg       *mail.Message
		wantErr   string
		wantConns int // -1: not checked
	}{
		{"starttls_not_offered", &fakeSMTP{}, "", func(b *mail.SMTP) { b.StartTLS = true }, nil,
			"does not offer STARTTLS", 1},
		{"both_tls_modes", &fakeSMTP{}, "", func(b *mail.SMTP) { b.StartTLS, b.ImplicitTLS = true, true }, nil,
			"exclude each other", 0},
		{"untrusted_certificate", &fakeSMTP{TLS: serverTLS}, "", func(b *mail.SMTP) { b.StartTLS = true }, nil,
			"certificate", 1},
		{"untrusted_certificate_implicit", &fakeSMTP{TLS: serverTLS, Implicit: true}, "", func(b *mail.SMTP) { b.ImplicitTLS = true }, nil,
			"certificate", 1},
		{"wrong_password", &fakeSMTP{TLS: serverTLS, Auth: true, User: "ada", Pass: "s3cret"}, "", func(b *mail.SMTP) {
			b.StartTLS, b.TLSConfig, b.Username, b.Password = true, clientTLS, "ada", "guess"
		}, nil, `authentication as "ada": 535`, 1},
		{"no_auth_offered", &fakeSMTP{}, "", func(b *mail.SMTP) { b.Username, b.Password = "ada", "s3cret" }, nil,
			"offers no authentication", 1},
		{"password_in_clear_to_another_host", &fakeSMTP{Auth: true, User: "ada", Pass: "s3cret"}, "127.0.0.2:0", func(b *mail.SMTP) {
			b.Username, b.Password = "ada", "s3cret"
		}, nil, "refusing to send the password in clear", 1},
		{"all_recipients_refused", &fakeSMTP{Refuse: map[string]bool{"ada@example.com": true}}, "", func(*mail.SMTP) {}, nil,
			"recipient ada@example.com refused: 550", 1},
		{"invalid_message_opens_no_connection", &fakeSMTP{}, "", func(*mail.SMTP) {}, &mail.Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "x\r\nBcc: victim@example.com"},
			"line break", 0},
		{"no_recipients", &fakeSMTP{}, "", func(*mail.SMTP) {}, &mail.Message{From: "a@example.com"},
			"no recipients", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var addr []string
			if tt.addr != "" {
				addr = []string{tt.addr}
			}
			srv := startSMTP(t, tt.server, addr...)
			b := srv.backend()
			tt.configure(b)
			msg := tt.msg
			if msg == nil {
				msg = testMessage("ada@example.com")
			}
			err := b.Send(t.Context(), msg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Send error = %v, want one containing %q", err, tt.wantErr)
			}
			conns, got := srv.got()
			if len(got) != 0 {
				t.Errorf("the server received %d messages, want none", len(got))
			}
			if conns != tt.wantConns {
				t.Errorf("connections = %d, want %d", conns, tt.wantConns)
			}
		})
	}
}

func TestSMTP_SomeRecipientsRefused(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, &fakeSMTP{Refuse: map[string]bool{"gone@example.com": true}})
	m1 := testMessage("ada@example.com", "gone@example.com")
	m2 := testMessage("bob@example.com")
	err := srv.backend().Send(t.Context(), m1, m2)
	for _, want := range []string{"message 1 of 2: recipient gone@example.com refused: 550", "no such user", "\nthe message was sent to the other recipients"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Send error = %v, want one containing %q", err, want)
		}
	}
	_, got := srv.got()
	if len(got) != 2 || strings.Join(got[0].to, ",") != "ada@example.com" || strings.Join(got[1].to, ",") != "bob@example.com" {
		t.Errorf("received %+v, want message 1 to ada and message 2 to bob", got)
	}
}

func TestSMTP_Timeouts(t *testing.T) {
	t.Parallel()
	t.Run("context", func(t *testing.T) {
		srv := startSMTP(t, &fakeSMTP{Hang: true})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := srv.backend().Send(ctx, testMessage("ada@example.com"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send error = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		srv := startSMTP(t, &fakeSMTP{Hang: true})
		b := srv.backend()
		b.Timeout = 50 * time.Millisecond
		err := b.Send(t.Context(), testMessage("ada@example.com"))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("Send error = %v, want a timeout", err)
		}
	})
	t.Run("connection_refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		host, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		err = (&mail.SMTP{Host: host, Port: p}).Send(t.Context(), testMessage("ada@example.com"))
		if err == nil || !strings.Contains(err.Error(), "mail: smtp "+addr) {
			t.Errorf("Send error = %v, want one naming mail: smtp %s", err, addr)
		}
	})
}

// The SMTP envelope carries a quoted local part quoted, for the sender as
// for the recipients.
func TestSMTP_QuotedEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, from, to     string
		wantFrom, wantRcpt string
	}{
		{"quoted_recipient", "noreply@example.com", `"john doe"@example.com`, "noreply@example.com", `"john doe"@example.com`},
		{"quoted_sender", `Ada <"ada l"@example.com>`, "bob@example.com", `"ada l"@example.com`, "bob@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, &fakeSMTP{})
			m := testMessage(tt.to)
			m.From = tt.from
			if err := srv.backend().Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			_, got := srv.got()
			if len(got) != 1 || got[0].from != tt.wantFrom || strings.Join(got[0].to, ",") != tt.wantRcpt {
				t.Fatalf("received %+v, want %s -> %s", got, tt.wantFrom, tt.wantRcpt)
			}
		})
	}
}

// A server that offers LOGIN and not PLAIN (some Exchange and Office 365
// servers) is authenticated with LOGIN, under the rule of PLAIN: only over
// TLS or to localhost.
func TestSMTP_AuthMechanisms(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := selfSigned(t)
	tests := []struct {
		name     string
		mechs    string
		tls      bool
		addr     string // where the server listens; default 127.0.0.1:0
		pass     string
		wantMech string // "" means Send fails with wantErr
		wantErr  string
	}{
		{"login_only_starttls", "LOGIN", true, "", "s3cret", "LOGIN", ""},
		{"login_only_localhost", "LOGIN", false, "", "s3cret", "LOGIN", ""},
		{"login_xoauth2", "LOGIN XOAUTH2", true, "", "s3cret", "LOGIN", ""},
		{"plain_preferred", "LOGIN PLAIN", true, "", "s3cret", "PLAIN", ""},
		{"plain_only", "PLAIN", true, "", "s3cret", "PLAIN", ""},
		{"login_wrong_password", "LOGIN", true, "", "guess", "", `authentication as "ada": 535`},
		{"login_in_clear_to_another_host", "LOGIN", false, "127.0.0.2:0", "s3cret", "", "refusing to send the password in clear"},
		{"unsupported", "CRAM-MD5 XOAUTH2", true, "", "s3cret", "", "only PLAIN and LOGIN are supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSMTP{Auth: true, Mechs: tt.mechs, User: "ada", Pass: "s3cret"}
			if tt.tls {
				f.TLS = serverTLS
			}
			var addr []string
			if tt.addr != "" {
				addr = []string{tt.addr}
			}
			srv := startSMTP(t, f, addr...)
			b := srv.backend()
			b.Username, b.Password = "ada", tt.pass
			if tt.tls {
				b.StartTLS, b.TLSConfig = true, clientTLS
			}
			err := b.Send(t.Context(), testMessage("bob@example.com"))
			_, got := srv.got()
			if tt.wantMech == "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Send error = %v, want one containing %q", err, tt.wantErr)
				}
				if len(got) != 0 {
					t.Errorf("the server received %d messages, want none", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if len(got) != 1 || got[0].authed != "ada" || got[0].mech != tt.wantMech || got[0].tls != tt.tls {
				t.Errorf("received %+v, want one message authenticated as ada with %s", got, tt.wantMech)
			}
		})
	}
}
