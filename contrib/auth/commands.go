package auth

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/user"
	"regexp"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/orm"
)

// usernamePattern is Django's UnicodeUsernameValidator.
var usernamePattern = regexp.MustCompile(`^[\p{L}\p{N}_.@+-]+$`)

// Invalid is a message for the person who typed the value, in Django's
// words: a sentence, unlike Go's error strings.
type Invalid string

func (e Invalid) Error() string { return string(e) }

// CheckUsername returns why username cannot be a username, or nil.
func CheckUsername(username string) error {
	switch {
	case username == "":
		return Invalid("This field cannot be blank.")
	case len([]rune(username)) > 150:
		return Invalid("Ensure this value has at most 150 characters.")
	case !usernamePattern.MatchString(username):
		return Invalid("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")
	}
	return nil
}

// Commands are createsuperuser and changepassword.
func (a *App) Commands() []*nuages.Command {
	return []*nuages.Command{
		{
			Name:    "createsuperuser",
			Summary: "Create a user with every permission, who can log into the admin.",
			Flags: func(fs *flag.FlagSet) {
				fs.String("username", "", "the username")
				fs.String("email", "", "the e-mail address")
				fs.Bool("noinput", false, "ask nothing: the password comes from NUAGES_SUPERUSER_PASSWORD (or DJANGO_SUPERUSER_PASSWORD); without it, the user has no usable password")
			},
			Run: a.runCreateSuperuser,
		},
		{
			Name:    "changepassword",
			Summary: "Change a user's password.",
			Usage:   "[username]",
			Run:     a.runChangePassword,
		},
	}
}

// prompter asks questions on the terminal, without echo for passwords, or
// reads answers line by line from a pipe.
type prompter struct {
	in  *bufio.Reader
	fd  int // the terminal's, or -1
	out io.Writer
}

func newPrompter(inv *nuages.Invocation) *prompter {
	p := &prompter{in: bufio.NewReader(inv.In), fd: -1, out: inv.Out}
	if f, ok := inv.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.fd = int(f.Fd())
	}
	return p
}

func (p *prompter) ask(question string) (string, error) {
	fmt.Fprint(p.out, question)
	line, err := p.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", fmt.Errorf("no answer to %q: %w", strings.TrimSpace(question), err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (p *prompter) password(question string) (string, error) {
	if p.fd < 0 {
		return p.ask(question)
	}
	fmt.Fprint(p.out, question)
	b, err := term.ReadPassword(p.fd)
	fmt.Fprintln(p.out)
	return string(b), err
}

// newPassword asks for a password twice until both agree and it passes
// the validators (or the user bypasses them), at most attempts times.
func (a *App) newPassword(p *prompter, u *User, attempts int) (string, error) {
	for range attempts {
		pw, err := p.password("Password: ")
		if err != nil {
			return "", err
		}
		again, err := p.password("Password (again): ")
		if err != nil {
			return "", err
		}
		if pw != again {
			fmt.Fprintln(p.out, "Error: Your passwords didn't match.")
			continue
		}
		if pw == "" {
			fmt.Fprintln(p.out, "Error: Blank passwords aren't allowed.")
			continue
		}
		if err := a.ValidatePassword(pw, u); err != nil {
			fmt.Fprintln(p.out, strings.ReplaceAll(err.Error(), "\n", "\n  "))
			answer, aerr := p.ask("Bypass password validation and create user anyway? [y/N]: ")
			if aerr != nil || !strings.EqualFold(answer, "y") {
				continue
			}
		}
		return pw, nil
	}
	return "", fmt.Errorf("no valid password after %d attempts", attempts)
}

func firstEnv(names ...string) (string, bool) {
	for _, n := range names {
		if v, ok := os.LookupEnv(n); ok {
			return v, true
		}
	}
	return "", false
}

func (a *App) runCreateSuperuser(ctx context.Context, inv *nuages.Invocation) error {
	db, err := a.DB(ctx)
	if err != nil {
		return err
	}
	u := &User{IsSuperuser: true, IsStaff: true, IsActive: true, DateJoined: time.Now().UTC()}
	u.Username, u.Email = inv.String("username"), inv.String("email")
	taken := func(name string) (bool, error) {
		return orm.Query[User](db).Filter("username", name).Exists(ctx)
	}
	checkEmail := func(email string) error {
		if email == "" {
			return nil
		}
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
			return Invalid("Enter a valid email address.")
		}
		return nil
	}
	if inv.Bool("noinput") {
		if u.Username == "" {
			u.Username, _ = firstEnv("NUAGES_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_USERNAME")
		}
		if u.Email == "" {
			u.Email, _ = firstEnv("NUAGES_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_EMAIL")
		}
		if err := CheckUsername(u.Username); err != nil {
			return nuages.Usagef("createsuperuser -noinput: username: %v (use -username or NUAGES_SUPERUSER_USERNAME)", err)
		}
		if t, err := taken(u.Username); err != nil || t {
			return errors.Join(err, fmt.Errorf("createsuperuser: the username %q is already taken", u.Username))
		}
		if err := checkEmail(u.Email); err != nil {
			return fmt.Errorf("createsuperuser: email %q: %v", u.Email, err)
		}
		if pw, ok := firstEnv("NUAGES_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"); ok {
			if err := a.ValidatePassword(pw, u); err != nil {
				return fmt.Errorf("createsuperuser: the password of NUAGES_SUPERUSER_PASSWORD: %w", err)
			}
			if err := a.SetPassword(ctx, u, pw); err != nil {
				return err
			}
		} else {
			u.Password = passwords.Unusable()
		}
	} else {
		p := newPrompter(inv)
		def := ""
		if cur, err := user.Current(); err == nil && CheckUsername(cur.Username) == nil {
			if t, err := taken(cur.Username); err == nil && !t {
				def = cur.Username
			}
		}
		for u.Username == "" {
			q := "Username: "
			if def != "" {
				q = fmt.Sprintf("Username (leave blank to use %q): ", def)
			}
			name, err := p.ask(q)
			if err != nil {
				return err
			}
			if name == "" {
				name = def
			}
			if err := CheckUsername(name); err != nil {
				fmt.Fprintln(inv.Out, "Error:", err)
				continue
			}
			if t, err := taken(name); err != nil {
				return err
			} else if t {
				fmt.Fprintln(inv.Out, "Error: That username is already taken.")
				continue
			}
			u.Username = name
		}
		for {
			if err := checkEmail(u.Email); err == nil && inv.String("email") != "" {
				break
			}
			email, err := p.ask("Email address: ")
			if err != nil {
				return err
			}
			if err := checkEmail(email); err != nil {
				fmt.Fprintln(inv.Out, "Error:", err)
				continue
			}
			u.Email = email
			break
		}
		pw, err := a.newPassword(p, u, 3)
		if err != nil {
			return fmt.Errorf("createsuperuser: %w", err)
		}
		if err := a.SetPassword(ctx, u, pw); err != nil {
			return err
		}
	}
	if err := orm.Insert(ctx, db, u); err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	fmt.Fprintln(inv.Out, "Superuser created successfully.")
	return nil
}

func (a *App) runChangePassword(ctx context.Context, inv *nuages.Invocation) error {
	if len(inv.Args) > 1 {
		return nuages.Usagef("changepassword takes at most a username")
	}
	name := ""
	if len(inv.Args) == 1 {
		name = inv.Args[0]
	} else if cur, err := user.Current(); err == nil {
		name = cur.Username
	}
	db, err := a.DB(ctx)
	if err != nil {
		return err
	}
	u, err := orm.Query[User](db).Filter("username", name).Get(ctx)
	if errors.Is(err, orm.ErrDoesNotExist) {
		return fmt.Errorf("changepassword: user %q does not exist", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Changing password for user %q\n", u.Username)
	pw, err := a.newPassword(newPrompter(inv), &u, 3)
	if err != nil {
		return fmt.Errorf("changepassword: aborting the password change for user %q: %w", u.Username, err)
	}
	if err := a.SetPassword(ctx, &u, pw); err != nil {
		return err
	}
	if err := a.save(ctx, &u, "password"); err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Password changed successfully for user %q\n", u.Username)
	return nil
}
