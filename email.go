package nuages

import (
	"context"
	"errors"
	"fmt"
	"math"
	netmail "net/mail"
	"os"
	"strings"
	"time"

	"github.com/nuages-go/nuages/conf"
	"github.com/nuages-go/nuages/mail"
)

// EmailSettings configures how the project sends mail, Django's EMAIL_*
// settings. The zero value sends through an SMTP server on localhost:25,
// as Django does; in development, Backend "console" prints messages
// instead.
type EmailSettings struct {
	// Backend names the backend, Django's EMAIL_BACKEND: "smtp" (the
	// default), "console" (standard output), "file" (one file per message
	// in FilePath) or "dummy" (drops everything).
	Backend string
	// Custom, when set, is the backend whatever Backend says: a test's
	// *mail.Outbox, or a backend of the project's own (an HTTP API).
	Custom mail.Backend
	// Host and Port are the SMTP server, EMAIL_HOST and EMAIL_PORT
	// (default localhost and 25).
	Host string
	Port int
	// HostUser and HostPassword authenticate to the server when HostUser
	// is set, EMAIL_HOST_USER and EMAIL_HOST_PASSWORD; only over TLS,
	// unless the server is localhost.
	HostUser     string
	HostPassword string
	// UseTLS upgrades the connection with STARTTLS (port 587), EMAIL_USE_TLS;
	// UseSSL speaks TLS from the start (port 465), EMAIL_USE_SSL. At most
	// one of them.
	UseTLS bool
	UseSSL bool
	// Timeout bounds each step of an SMTP exchange, EMAIL_TIMEOUT (in
	// seconds in the environment); zero means mail.DefaultTimeout.
	Timeout time.Duration
	// FilePath is the directory of the file backend, EMAIL_FILE_PATH.
	FilePath string
	// DefaultFrom is the sender of messages that name none,
	// DEFAULT_FROM_EMAIL (default "webmaster@localhost").
	DefaultFrom string
	// ServerEmail is the sender of the messages the site sends about
	// itself (error reports), SERVER_EMAIL (default "root@localhost").
	ServerEmail string
}

// loadEnv reads the EMAIL_ variables under both their names.
func (e *EmailSettings) loadEnv(env *conf.Env, both func(string, func(string))) {
	both("EMAIL_BACKEND", func(n string) { env.String(n, &e.Backend) })
	both("EMAIL_HOST", func(n string) { env.String(n, &e.Host) })
	both("EMAIL_PORT", func(n string) { env.Int(n, &e.Port) })
	both("EMAIL_HOST_USER", func(n string) { env.String(n, &e.HostUser) })
	both("EMAIL_HOST_PASSWORD", func(n string) { env.String(n, &e.HostPassword) })
	both("EMAIL_USE_TLS", func(n string) { env.Bool(n, &e.UseTLS) })
	both("EMAIL_USE_SSL", func(n string) { env.Bool(n, &e.UseSSL) })
	both("EMAIL_TIMEOUT", func(n string) {
		// Seconds, as in Django; a value set in code stays whole when the
		// variable is unset.
		secs := math.MinInt
		env.Int(n, &secs)
		if secs != math.MinInt {
			e.Timeout = time.Duration(secs) * time.Second
		}
	})
	both("EMAIL_FILE_PATH", func(n string) { env.String(n, &e.FilePath) })
	both("DEFAULT_FROM_EMAIL", func(n string) { env.String(n, &e.DefaultFrom) })
	both("SERVER_EMAIL", func(n string) { env.String(n, &e.ServerEmail) })
}

// emailBackends are the names Backend accepts.
var emailBackends = []string{"smtp", "console", "file", "dummy"}

// validate reports every problem with the e-mail settings.
func (e EmailSettings) validate() []error {
	var errs []error
	if e.Custom == nil {
		switch e.Backend {
		case "", "smtp", "console", "file", "dummy":
		case "locmem", "memory":
			errs = append(errs, fmt.Errorf("nuages: EMAIL_BACKEND %q: in tests, a project built by nuagestest.New keeps its mail in an outbox (nuagestest.Outbox); elsewhere, set Settings.Email.Custom to a *mail.Outbox", e.Backend))
		default:
			errs = append(errs, fmt.Errorf("nuages: EMAIL_BACKEND %q is not a backend: use one of %s, or set Settings.Email.Custom", e.Backend, strings.Join(emailBackends, ", ")))
		}
	}
	if e.UseTLS && e.UseSSL {
		errs = append(errs, errors.New("nuages: EMAIL_USE_TLS and EMAIL_USE_SSL are both on: use EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (TLS, port 465)"))
	}
	if e.Port < 0 || e.Port > 65535 {
		errs = append(errs, fmt.Errorf("nuages: EMAIL_PORT %d is not a port: use 587 with EMAIL_USE_TLS, 465 with EMAIL_USE_SSL, or 25", e.Port))
	}
	if e.Timeout < 0 {
		errs = append(errs, fmt.Errorf("nuages: EMAIL_TIMEOUT %v is negative: give a number of seconds such as 10", e.Timeout))
	}
	if e.Custom == nil && e.Backend == "file" && e.FilePath == "" {
		errs = append(errs, errors.New("nuages: EMAIL_BACKEND is file and EMAIL_FILE_PATH is not set: set it to the directory the messages go to"))
	}
	if (e.Backend == "" || e.Backend == "smtp") && e.Custom == nil && e.HostUser != "" && !e.UseTLS && !e.UseSSL && !isLocalhost(e.host()) {
		errs = append(errs, fmt.Errorf("nuages: EMAIL_HOST_USER is set and neither EMAIL_USE_TLS nor EMAIL_USE_SSL is on: the password would cross the network to %s in clear; set EMAIL_USE_TLS=true (port 587) or EMAIL_USE_SSL=true (port 465)", e.host()))
	}
	for _, a := range []struct{ name, value string }{{"DEFAULT_FROM_EMAIL", e.DefaultFrom}, {"SERVER_EMAIL", e.ServerEmail}} {
		if a.value == "" {
			continue
		}
		if strings.ContainsAny(a.value, "\r\n") {
			errs = append(errs, fmt.Errorf("nuages: %s %q holds a line break: give one address", a.name, a.value))
		} else if _, err := netmail.ParseAddress(a.value); err != nil {
			errs = append(errs, fmt.Errorf(`nuages: %s %q is not an address (%v): use one such as "Site <noreply@example.com>"`, a.name, a.value, err))
		}
	}
	return errs
}

func (e EmailSettings) host() string {
	if e.Host == "" {
		return "localhost"
	}
	return e.Host
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// defaultFrom is DEFAULT_FROM_EMAIL with Django's default.
func (e EmailSettings) defaultFrom() string {
	if e.DefaultFrom == "" {
		return "webmaster@localhost"
	}
	return e.DefaultFrom
}

// backend returns the backend the settings name.
func (e EmailSettings) backend() mail.Backend {
	switch {
	case e.Custom != nil:
		return e.Custom
	case e.Backend == "console":
		return &mail.Console{}
	case e.Backend == "file":
		return &mail.File{Dir: e.FilePath}
	case e.Backend == "dummy":
		return mail.Dummy{}
	}
	return &mail.SMTP{
		Host: e.Host, Port: e.Port, Username: e.HostUser, Password: e.HostPassword,
		StartTLS: e.UseTLS, ImplicitTLS: e.UseSSL, Timeout: e.Timeout,
	}
}

// shown is what the debug page lists of the e-mail settings; the password
// is masked there by its name.
func (e EmailSettings) shown() map[string]any {
	backend := e.Backend
	if e.Custom != nil {
		backend = fmt.Sprintf("%T", e.Custom)
	}
	return map[string]any{
		"EMAIL_BACKEND": backend, "EMAIL_HOST": e.Host, "EMAIL_PORT": e.Port,
		"EMAIL_HOST_USER": e.HostUser, "EMAIL_HOST_PASSWORD": e.HostPassword,
		"EMAIL_USE_TLS": e.UseTLS, "EMAIL_USE_SSL": e.UseSSL, "EMAIL_TIMEOUT": e.Timeout,
		"EMAIL_FILE_PATH": e.FilePath, "DEFAULT_FROM_EMAIL": e.DefaultFrom, "SERVER_EMAIL": e.ServerEmail,
	}
}

// Mail returns the project's mail backend, configured by Settings.Email.
// Messages without a From are sent from DEFAULT_FROM_EMAIL. (A project
// built by nuagestest.New keeps its messages in an outbox.)
func (p *Project) Mail() mail.Backend {
	p.mailOnce.Do(func() {
		p.mailer = defaultFrom{p.settings.Email.backend(), p.settings.Email.defaultFrom()}
	})
	return p.mailer
}

// defaultFrom fills the From of messages that have none, as Django's
// from_email=None.
type defaultFrom struct {
	mail.Backend
	from string
}

func (d defaultFrom) Send(ctx context.Context, msgs ...*mail.Message) error {
	out := make([]*mail.Message, len(msgs))
	for i, m := range msgs {
		if m != nil && m.From == "" {
			c := *m // the caller's message stays as it was
			c.From = d.from
			m = &c
		}
		out[i] = m
	}
	return d.Backend.Send(ctx, out...)
}

func sendtestemailCommand() *Command {
	return &Command{
		Name:    "sendtestemail",
		Summary: "Send a test e-mail to the given addresses, to check the e-mail settings.",
		Usage:   "address...",
		Run:     runSendTestEmail,
	}
}

func runSendTestEmail(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) == 0 {
		return Usagef("give the addresses to send the test e-mail to, such as: sendtestemail you@example.com")
	}
	if _, err := (&mail.Message{To: inv.Args}).Recipients(); err != nil {
		return Usagef("%v", err)
	}
	host, _ := os.Hostname()
	msg := &mail.Message{
		To:      inv.Args,
		Subject: fmt.Sprintf("Test email from %s on %s", host, time.Now().Format(time.RFC3339)),
		Body:    "If you're reading this, it was successful.",
	}
	if err := inv.Project.Mail().Send(ctx, msg); err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Sent a test e-mail to %s.\n", strings.Join(inv.Args, ", "))
	return nil
}
