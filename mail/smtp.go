package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds each step of an SMTP exchange (connecting, each
// command, each message) when SMTP.Timeout is zero. Django waits forever by
// default; a request should not.
const DefaultTimeout = 30 * time.Second

// SMTP sends messages through a mail server, Django's SMTP backend and its
// EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
// EMAIL_USE_TLS, EMAIL_USE_SSL and EMAIL_TIMEOUT. Each Send opens one
// connection for all its messages. The zero value sends to localhost:25
// without TLS or authentication.
type SMTP struct {
	Host string // default "localhost"
	Port int    // default 25
	// Username and Password, when Username is set, authenticate with
	// PLAIN, or LOGIN when the server does not offer PLAIN, which is only
	// done over TLS or to localhost: the password is never sent in clear
	// over a network.
	Username, Password string
	// StartTLS upgrades the connection with STARTTLS before anything else
	// (usually on port 587), and fails when the server does not offer it.
	StartTLS bool
	// ImplicitTLS speaks TLS from the start (usually on port 465). It
	// excludes StartTLS.
	ImplicitTLS bool
	// TLSConfig configures TLS; nil verifies the server's certificate for
	// Host against the system's roots.
	TLSConfig *tls.Config
	// Timeout bounds each step; zero means DefaultTimeout. The context
	// passed to Send bounds the whole.
	Timeout time.Duration
	// LocalName is the name given in EHLO; empty means the host name.
	LocalName string
}

func (s *SMTP) addr() (host, addr string) {
	host, port := s.Host, s.Port
	if host == "" {
		host = "localhost"
	}
	if port == 0 {
		port = 25
	}
	return host, net.JoinHostPort(host, strconv.Itoa(port))
}

// Send delivers msgs over one connection, in order, and stops at the first
// failure: the messages before it were sent. Recipients the server refuses
// are skipped and reported in the error once the others were sent.
func (s *SMTP) Send(ctx context.Context, msgs ...*Message) (err error) {
	envs, err := sealAll(msgs)
	if err != nil || len(envs) == 0 {
		return err
	}
	host, addr := s.addr()
	defer func() {
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			err = fmt.Errorf("mail: smtp %s: %w", addr, err)
		}
	}()
	if s.StartTLS && s.ImplicitTLS {
		return errors.New("StartTLS (EMAIL_USE_TLS) and ImplicitTLS (EMAIL_USE_SSL) exclude each other: use StartTLS on port 587, ImplicitTLS on port 465")
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	step := func(conn net.Conn) { conn.SetDeadline(time.Now().Add(timeout)) }

	dialer := net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Cancelling ctx ends whatever the exchange is waiting for.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	step(conn)

	tlsConfig := s.tlsConfig(host)
	if s.ImplicitTLS {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake (EMAIL_USE_SSL): %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello(s.localName()); err != nil {
		return err
	}
	if s.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS, and StartTLS (EMAIL_USE_TLS) is on: refusing to send in clear; check EMAIL_HOST and EMAIL_PORT")
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := s.auth(c, host); err != nil {
			return err
		}
	}
	var partial []error
	for i, env := range envs {
		step(conn)
		refused, err := send(c, env)
		if len(envs) > 1 {
			if err != nil {
				err = fmt.Errorf("message %d of %d: %w", i+1, len(envs), err)
			}
			if refused != nil {
				refused = fmt.Errorf("message %d of %d: %w", i+1, len(envs), refused)
			}
		}
		if err != nil {
			return err
		}
		if refused != nil {
			partial = append(partial, refused)
		}
	}
	c.Quit() // the messages are accepted: a failing goodbye changes nothing
	return errors.Join(partial...)
}

func (s *SMTP) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		cfg = s.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

func (s *SMTP) localName() string {
	if s.LocalName != "" {
		return s.LocalName
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// auth authenticates with PLAIN, or LOGIN when the server does not offer
// PLAIN (some Exchange and Office 365 servers), as smtplib's login() falls
// back; either way refusing to send the password in clear to another
// machine (net/smtp refuses too for PLAIN; this says what to do).
func (s *SMTP) auth(c *smtp.Client, host string) error {
	_, isTLS := c.TLSConnectionState()
	if !isTLS && !isLocalhost(host) {
		return errors.New("refusing to send the password in clear: turn on StartTLS (EMAIL_USE_TLS, port 587) or ImplicitTLS (EMAIL_USE_SSL, port 465)")
	}
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return errors.New("the server offers no authentication (AUTH), and a username (EMAIL_HOST_USER) is set: unset it, or check EMAIL_HOST and EMAIL_PORT")
	}
	offered := strings.Fields(strings.ToUpper(mechs))
	var a smtp.Auth
	switch {
	case slices.Contains(offered, "PLAIN"):
		a = smtp.PlainAuth("", s.Username, s.Password, host)
	case slices.Contains(offered, "LOGIN"):
		a = &loginAuth{username: s.Username, password: s.Password, host: host}
	default:
		return fmt.Errorf("the server offers authentication by %s, and only PLAIN and LOGIN are supported", mechs)
	}
	if err := c.Auth(a); err != nil {
		return fmt.Errorf("authentication as %q: %w", s.Username, err)
	}
	return nil
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// loginAuth is the LOGIN mechanism (draft-murchison-sasl-login): the
// username, then the password, each sent when the server asks. net/smtp
// has none. Like net/smtp's PlainAuth, it sends the password only over TLS
// or to localhost, and only to the host it was made for.
type loginAuth struct {
	username, password, host string
	step                     int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	a.step = 0
	return "LOGIN", nil, nil
}

// Next answers the server's challenges in order: "Username:", then
// "Password:". Servers word the prompts differently (some send "User
// Name"), so the order is what counts, as in smtplib.
func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	switch a.step {
	case 1:
		return []byte(a.username), nil
	case 2:
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN challenge %q", fromServer)
}

// send delivers one message. Recipients the server refuses are skipped, as
// smtplib does, and reported in refused; when it refuses them all, the
// message is not sent and err says so.
func send(c *smtp.Client, env envelope) (refused, err error) {
	if err := c.Mail(env.from); err != nil {
		return nil, fmt.Errorf("sender %s: %w", env.from, err)
	}
	var errs []error
	for _, to := range env.to {
		if err := c.Rcpt(to); err != nil {
			errs = append(errs, fmt.Errorf("recipient %s refused: %w", to, err))
		}
	}
	if len(errs) == len(env.to) {
		c.Reset()
		return nil, errors.Join(append(errs, errors.New("the message was not sent"))...)
	}
	w, err := c.Data()
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(env.data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return errors.Join(append(errs, errors.New("the message was sent to the other recipients"))...), nil
	}
	return nil, nil
}
