package auth

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

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
				for _, f := range a.superuserFields() {
					fs.String(f.Name, "", "the "+f.VerboseName)
				}
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

// superuserFields are the fields createsuperuser asks for besides the
// password: the login name and the model's RequiredFields.
func (a *App) superuserFields() []*orm.Field {
	um := a.UserModel
	if um == nil { // before Ready: the flags are declared when the command line is read
		um = CustomUser[User]()
	}
	if um.username == nil && um.bind() != nil {
		return nil // Ready reports the model's problem
	}
	return append([]*orm.Field{um.username}, um.required...)
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
func (a *App) newPassword(p *prompter, u AnyUser, attempts int) (string, error) {
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
	u := a.UserModel.New()
	b := u.AuthUser()
	b.IsSuperuser, b.IsStaff, b.IsActive = true, true, true
	// check sets f to value and says what is wrong with it, in Django's
	// words: the field's conversion and the model's validation (blank,
	// format, length, taken), as Django cleans each answer with its field.
	check := func(f *orm.Field, value string) error {
		if f == a.UserModel.username {
			if value == "" {
				return Invalid("This field cannot be blank.")
			}
			if _, std := u.(*User); std {
				if err := CheckUsername(value); err != nil {
					return err
				}
			}
			taken, err := a.UserModel.table.exists(ctx, db, orm.Q{f.Name: value})
			if err != nil {
				return err
			}
			if taken {
				return Invalid("That " + f.VerboseName + " is already taken.")
			}
		}
		return a.UserModel.table.setField(ctx, db, u, f.Name, value)
	}
	if inv.Bool("noinput") {
		for _, f := range a.superuserFields() {
			env := "NUAGES_SUPERUSER_" + strings.ToUpper(f.Name)
			value := inv.String(f.Name)
			if value == "" {
				value, _ = firstEnv(env, "DJANGO_SUPERUSER_"+strings.ToUpper(f.Name))
			}
			var invalid Invalid
			if err := check(f, value); errors.As(err, &invalid) {
				return nuages.Usagef("createsuperuser -noinput: %s %q: %v (use -%s or %s)", f.Name, value, err, f.Name, env)
			} else if err != nil {
				return err
			}
		}
		if pw, ok := firstEnv("NUAGES_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"); ok {
			if err := a.ValidatePassword(pw, u); err != nil {
				return fmt.Errorf("createsuperuser: the password of NUAGES_SUPERUSER_PASSWORD: %w", err)
			}
			if err := a.SetPassword(ctx, u, pw); err != nil {
				return err
			}
		} else {
			b.Password = passwords.Unusable()
		}
	} else {
		p := newPrompter(inv)
		for i, f := range a.superuserFields() {
			if value := inv.String(f.Name); value != "" {
				err := check(f, value)
				if err == nil {
					continue
				}
				fmt.Fprintln(inv.Out, "Error:", err)
			}
			def := ""
			if cur, err := user.Current(); err == nil && i == 0 && check(f, cur.Username) == nil {
				def = cur.Username // the login name defaults to the system user's, as Django's
			}
			for {
				q := capitalize(f.VerboseName) + ": "
				if def != "" {
					q = fmt.Sprintf("%s (leave blank to use %q): ", capitalize(f.VerboseName), def)
				}
				value, err := p.ask(q)
				if err != nil {
					return err
				}
				if value == "" {
					value = def
				}
				var invalid Invalid
				if err := check(f, value); errors.As(err, &invalid) {
					fmt.Fprintln(inv.Out, "Error:", err)
					continue
				} else if err != nil {
					return err
				}
				break
			}
		}
		pw, err := a.newPassword(p, u, 3)
		if err != nil {
			return fmt.Errorf("createsuperuser: %w", err)
		}
		if err := a.SetPassword(ctx, u, pw); err != nil {
			return err
		}
	}
	if err := a.UserModel.table.insert(ctx, db, u); err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	fmt.Fprintln(inv.Out, "Superuser created successfully.")
	return nil
}

// capitalize upper-cases the first letter, as Django's capfirst.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
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
	u, err := a.UserModel.table.get(ctx, db, orm.Q{a.UserModel.username.Name: name})
	if errors.Is(err, orm.ErrDoesNotExist) {
		return fmt.Errorf("changepassword: user %q does not exist", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Changing password for user %q\n", name)
	pw, err := a.newPassword(newPrompter(inv), u, 3)
	if err != nil {
		return fmt.Errorf("changepassword: aborting the password change for user %q: %w", name, err)
	}
	if err := a.SetPassword(ctx, u, pw); err != nil {
		return err
	}
	if err := a.save(ctx, u, "password"); err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Password changed successfully for user %q\n", name)
	return nil
}
