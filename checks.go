package nuages

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nuages-go/nuages/internal/unwrap"
)

// Level is the severity of a check message, as in Django.
type Level int

// The levels, in increasing severity.
const (
	Debug    Level = 10
	Info     Level = 20
	Warning  Level = 30
	Error    Level = 40
	Critical Level = 50
)

var levelNames = map[Level]string{Debug: "DEBUG", Info: "INFO", Warning: "WARNING", Error: "ERROR", Critical: "CRITICAL"}

func (l Level) String() string {
	if n, ok := levelNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// parseLevel reads a level name such as "WARNING", in any case.
func parseLevel(s string) (Level, bool) {
	for l, n := range levelNames {
		if strings.EqualFold(n, s) {
			return l, true
		}
	}
	return 0, false
}

// Message is one finding of a system check.
type Message struct {
	Level Level
	ID    string // e.g. "security.W018"; silenced by Settings.SilencedSystemChecks
	Msg   string
	Hint  string // what to do, or ""
	Obj   string // what the message is about, or "" for the project
}

func (m Message) String() string {
	obj := m.Obj
	if obj == "" {
		obj = "?"
	}
	s := fmt.Sprintf("%s: (%s) %s", obj, m.ID, m.Msg)
	if m.Hint != "" {
		s += "\n\tHINT: " + m.Hint
	}
	return s
}

// The tags built-in checks carry.
const (
	TagSecurity = "security"
	TagDatabase = "database"
)

// Check is a system check: it inspects the project and reports problems.
// A check may carry tags (Tagger) and be for deployments only
// (DeployOnlyChecker): Tagged and DeployOnly add both to any check. A
// wrapper around a check (to time it, say) has an Unwrap method returning
// it: the abilities the wrapper does not have are the wrapped check's.
type Check interface {
	Check(ctx context.Context, in CheckInput) []Message
}

// CheckFunc is an adapter to use a function as a Check.
type CheckFunc func(ctx context.Context, in CheckInput) []Message

// Check returns f(ctx, in).
func (f CheckFunc) Check(ctx context.Context, in CheckInput) []Message { return f(ctx, in) }

// Tagger is a Check with tags, Django's check tags: check -tag selects
// checks by them, and a check tagged "database" runs only when it may
// connect (check -database).
type Tagger interface {
	Tags() []string
}

// DeployOnlyChecker is a Check that may be about production settings
// only: when DeployOnly returns true it runs only with check -deploy.
type DeployOnlyChecker interface {
	DeployOnly() bool
}

// Tagged returns c with tags added to its own.
func Tagged(c Check, tags ...string) Check {
	w := describe(c)
	w.tags = append(slices.Clip(w.tags), tags...)
	return w
}

// DeployOnly returns c as a deployment check, run only with check
// -deploy, as Django's register(deploy=True).
func DeployOnly(c Check) Check {
	w := describe(c)
	w.deploy = true
	return w
}

// described is a check with the tags and deploy flag given by Tagged and
// DeployOnly.
type described struct {
	check  Check
	tags   []string
	deploy bool
}

var (
	_ Tagger            = described{}
	_ DeployOnlyChecker = described{}
)

func (d described) Check(ctx context.Context, in CheckInput) []Message {
	return d.check.Check(ctx, in)
}

func (d described) Tags() []string   { return d.tags }
func (d described) DeployOnly() bool { return d.deploy }

// describe returns c as a described check, keeping the tags and deploy
// flag it has: wrapping twice adds to one wrapper.
func describe(c Check) described {
	if d, ok := c.(described); ok {
		return d
	}
	return described{check: c, tags: checkTags(c), deploy: deployOnly(c)}
}

// checkTags returns c's tags, if it or a check it wraps is a Tagger.
func checkTags(c Check) []string {
	if t, ok := checkAbility[Tagger](c); ok {
		return t.Tags()
	}
	return nil
}

// deployOnly reports whether c is a deployment check.
func deployOnly(c Check) bool {
	d, ok := checkAbility[DeployOnlyChecker](c)
	return ok && d.DeployOnly()
}

// checkAbility returns the first check of c's Unwrap chain that has the
// ability T.
func checkAbility[T any](c Check) (T, bool) { return unwrap.As[T](c) }

// CheckInput is what a check inspects.
type CheckInput struct {
	Project *Project
	// Databases lists the aliases the check may connect to; checks tagged
	// "database" run only when it is not empty.
	Databases []string
}

// CheckOptions selects the checks to run.
type CheckOptions struct {
	Deploy    bool     // include deployment checks
	Tags      []string // only checks with one of these tags; all when empty
	Databases []string // aliases database checks may connect to
}

// Check runs the selected built-in and app checks and returns their
// messages, without the silenced ones, and how many were silenced.
func (p *Project) Check(ctx context.Context, opts CheckOptions) (msgs []Message, silenced int) {
	checks := builtinChecks()
	for _, app := range p.apps {
		if c, ok := app.(Checker); ok {
			checks = append(checks, c.Checks()...)
		}
	}
	in := CheckInput{Project: p, Databases: opts.Databases}
	for _, c := range checks {
		if deployOnly(c) && !opts.Deploy {
			continue
		}
		tags := checkTags(c)
		if len(opts.Tags) > 0 && !slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(opts.Tags, t) }) {
			continue
		}
		if slices.Contains(tags, TagDatabase) && len(opts.Databases) == 0 {
			continue
		}
		for _, m := range c.Check(ctx, in) {
			if slices.Contains(p.settings.SilencedSystemChecks, m.ID) {
				silenced++
				continue
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, silenced
}

// report writes msgs the way Django's check command does, grouped by level
// from the most severe.
func report(w io.Writer, msgs []Message, silenced int) {
	if len(msgs) == 0 {
		fmt.Fprintf(w, "System check identified no issues (%d silenced).\n", silenced)
		return
	}
	fmt.Fprint(w, "System check identified some issues:\n")
	for _, l := range []Level{Critical, Error, Warning, Info, Debug} {
		var group []Message
		for _, m := range msgs {
			if m.Level == l {
				group = append(group, m)
			}
		}
		if len(group) == 0 {
			continue
		}
		slices.SortStableFunc(group, func(a, b Message) int { return strings.Compare(a.ID, b.ID) })
		fmt.Fprintf(w, "\n%sS:\n", l)
		for _, m := range group {
			fmt.Fprintln(w, m)
		}
	}
	issues := "issues"
	if len(msgs) == 1 {
		issues = "issue"
	}
	fmt.Fprintf(w, "\nSystem check identified %d %s (%d silenced).\n", len(msgs), issues, silenced)
}

// builtinChecks are Nuages's own checks; docs/project.md lists their ids.
func builtinChecks() []Check {
	deploy := func(f CheckFunc) Check { return DeployOnly(Tagged(f, TagSecurity)) }
	return []Check{
		deploy(checkSecretKey),
		deploy(func(_ context.Context, in CheckInput) []Message {
			if !in.Project.settings.Debug {
				return nil
			}
			return []Message{{Level: Warning, ID: "security.W018", Msg: "You should not have DEBUG set to true in deployment.", Hint: "Set DEBUG=false in the environment."}}
		}),
		deploy(func(_ context.Context, in CheckInput) []Message {
			if len(in.Project.settings.AllowedHosts) > 0 {
				return nil
			}
			return []Message{{Level: Warning, ID: "security.W020", Msg: "ALLOWED_HOSTS must not be empty in deployment.", Hint: "Set ALLOWED_HOSTS to the site's host names, e.g. ALLOWED_HOSTS=example.com,www.example.com."}}
		}),
		deploy(checkDeploySecurity),
		Tagged(CheckFunc(checkSecurityValues), TagSecurity),
		Tagged(CheckFunc(checkDatabases), TagDatabase),
	}
}

const (
	minSecretKeyLength      = 50
	minSecretKeyUniqueChars = 5
)

func checkSecretKey(_ context.Context, in CheckInput) []Message {
	s := in.Project.settings
	keys := append([]string{s.SecretKey}, s.SecretKeyFallbacks...)
	var msgs []Message
	for i, key := range keys {
		unique := map[rune]bool{}
		for _, r := range key {
			unique[r] = true
		}
		if utf8.RuneCountInString(key) >= minSecretKeyLength && len(unique) >= minSecretKeyUniqueChars && !strings.HasPrefix(key, InsecureKeyPrefix) {
			continue
		}
		name, id := "SECRET_KEY", "security.W009"
		if i > 0 {
			name, id = fmt.Sprintf("SECRET_KEY_FALLBACKS[%d]", i-1), "security.W025"
		}
		msgs = append(msgs, Message{
			Level: Warning,
			ID:    id,
			Msg: fmt.Sprintf("Your %s has less than %d characters, less than %d unique characters, or it starts with %q. It is a weak key for signing sessions and tokens.",
				name, minSecretKeyLength, minSecretKeyUniqueChars, InsecureKeyPrefix),
			Hint: `Generate a long random key, for example: export SECRET_KEY="$(openssl rand -base64 48)"`,
		})
	}
	return msgs
}

func checkDatabases(ctx context.Context, in CheckInput) []Message {
	var msgs []Message
	for _, alias := range in.Databases {
		db, err := in.Project.DB(ctx, alias)
		if err == nil {
			err = db.Ping(ctx)
		}
		if err != nil {
			msgs = append(msgs, Message{
				Level: Error,
				ID:    "nuages.E001",
				Msg:   fmt.Sprintf("Cannot connect to the database: %v", err),
				Hint:  "Check the database URL (DATABASE_URL for \"default\") and that the server is running.",
				Obj:   "database " + alias,
			})
		}
	}
	return msgs
}
