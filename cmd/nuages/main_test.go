package main

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/migrate"
)

// runCLI runs the command in wd with src as its Nuages and returns the exit
// code and outputs.
func runCLI(t *testing.T, wd string, src nuagesSource, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{wd: wd, out: &out, err: &errOut, source: func() nuagesSource { return src }}
	code = c.run(args)
	return code, out.String(), errOut.String()
}

// checkout is the Nuages checkout these tests run in, as the command finds
// it.
func checkout(t *testing.T) nuagesSource {
	t.Helper()
	src := findSource()
	if src.checkout == "" {
		t.Fatal("findSource found no checkout, though the tests run in one")
	}
	return src
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		want string // a part of the error, "" for none
	}{
		{"mysite", ""},
		{"polls", ""},
		{"my_site2", ""},
		{"", "is empty"},
		{"MySite", "not a valid project name"},
		{"my-site", "not a valid project name"},
		{"2site", "not a valid project name"},
		{"_site", "not a valid project name"},
		{"été", "not a valid project name"},
		{"func", "Go keyword"},
		{"type", "Go keyword"},
		{"string", "predeclared"},
		{"len", "predeclared"},
		{"http", `standard library package "net/http"`},
		{"fmt", `standard library package "fmt"`},
		{"json", `standard library package "encoding/json"`},
		{"rand", `standard library package "crypto/rand"`},
		{"testing", `standard library package "testing"`},
		{"test", "reserved"},
		{"main", "reserved"},
		{"nuages", "reserved"},
		{"web", "reserved"},
		{"migrations", "reserved"},
		{"auth", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkName("project", tt.name)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkName(%q) = %v, want nil", tt.name, err)
			case tt.want != "" && err == nil:
				t.Errorf("checkName(%q) = nil, want an error saying %q", tt.name, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("checkName(%q) = %v, want it to say %q", tt.name, err, tt.want)
			case err != nil && !strings.Contains(err.Error(), `such as "mysite"`):
				t.Errorf("checkName(%q) = %v: it does not say what to do", tt.name, err)
			}
		})
	}
}

// The list of standard library packages is the go command's.
func TestStdPackages(t *testing.T) {
	t.Parallel()
	goCmd := goCommand(t)
	out, err := exec.Command(goCmd, "list", "std").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	internal := regexp.MustCompile(`(^|/)(internal|vendor)(/|$)`)
	for _, p := range strings.Fields(string(out)) {
		if !internal.MatchString(p) {
			want = append(want, p)
		}
	}
	got := strings.Fields(stdPackages)
	for _, p := range want {
		if !slices.Contains(got, p) {
			t.Errorf("stdPackages lacks %q: update it from go list std", p)
		}
	}
	for _, p := range got {
		if !slices.Contains(want, p) {
			t.Errorf("stdPackages has %q, which go list std does not list", p)
		}
	}
}

// goVersion, written into projects made without a checkout, is Nuages'.
func TestGoVersion(t *testing.T) {
	gm, err := parseGoMod(checkout(t).goMod)
	if err != nil {
		t.Fatal(err)
	}
	if gm.goLine != goVersion {
		t.Errorf("go.mod says go %s, goVersion is %s: keep them equal", gm.goLine, goVersion)
	}
}

func TestParseGoMod(t *testing.T) {
	gm, err := parseGoMod([]byte(`// A comment.
module "example.com/m"

go 1.26.0

require example.com/a v1.0.0

require (
	example.com/b v1.2.0 // indirect
	example.com/c v0.0.0-20240606120523-5a60cdf6a761
)

replace example.com/a => ../a

replace (
	example.com/b v1.2.0 => example.com/bfork v1.2.1
)
`))
	if err != nil {
		t.Fatal(err)
	}
	want := goMod{
		module:   "example.com/m",
		goLine:   "1.26.0",
		requires: []string{"example.com/a v1.0.0", "example.com/b v1.2.0", "example.com/c v0.0.0-20240606120523-5a60cdf6a761"},
		replaces: []string{"example.com/a => ../a", "example.com/b v1.2.0 => example.com/bfork v1.2.1"},
	}
	if gm.module != want.module || gm.goLine != want.goLine || !slices.Equal(gm.requires, want.requires) || !slices.Equal(gm.replaces, want.replaces) {
		t.Errorf("parseGoMod = %+v, want %+v", gm, want)
	}
	got := absReplaces("/src/nuages", gm.replaces)
	wantAbs := []string{"example.com/a => /src/a", "example.com/b v1.2.0 => example.com/bfork v1.2.1"}
	if !slices.Equal(got, wantAbs) {
		t.Errorf("absReplaces = %q, want %q", got, wantAbs)
	}
	if _, err := parseGoMod([]byte("go 1.26\n")); err == nil {
		t.Error("parseGoMod accepted a go.mod without a module line")
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a part of the standard output
		stderr string // a part of the standard error
	}{
		{"no_command", nil, exitUsage, "", "usage: nuages"},
		{"help", []string{"help"}, exitOK, "startproject [-database sqlite|postgres|mysql] [-cache memory|redis] NAME [DIR]", ""},
		{"dash_h", []string{"-h"}, exitOK, "startapp NAME", ""},
		{"unknown", []string{"startsite"}, exitUsage, "", `unknown command "startsite"`},
		{"project_command", []string{"runserver"}, exitUsage, "", "runserver is a command of a project's binary: run it in the project's directory, as go run . runserver"},
		{"version", []string{"version"}, exitOK, "nuages 0.1.0-dev, go1.", ""},
		{"version_args", []string{"version", "x"}, exitUsage, "", "version takes no arguments"},
		{"startproject_no_name", []string{"startproject"}, exitUsage, "", "startproject takes a name"},
		{"startproject_3_args", []string{"startproject", "a", "b", "c"}, exitUsage, "", "got 3 arguments"},
		{"startproject_bad_name", []string{"startproject", "http"}, exitUsage, "", `"http" conflicts with the standard library package "net/http"`},
		{"startapp_no_name", []string{"startapp"}, exitUsage, "", "startapp takes one name"},
		{"startapp_keyword", []string{"startapp", "go"}, exitUsage, "", `"go" is a Go keyword`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runCLI(t, dir, nuagesSource{version: "v1.2.3"}, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("nuages %q = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
			if tt.code == exitUsage && !strings.Contains(stderr, "usage: nuages") {
				t.Errorf("a usage error without the usage: %q", stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a failed command wrote into the directory: %v", entries)
			}
		})
	}
}

// projectFiles are the files of a new project.
var projectFiles = []string{".gitignore", "README.md", "go.mod", "go.sum", "main.go", "main_test.go", "settings.go", "urls.go"}

func TestStartProject(t *testing.T) {
	src := checkout(t)
	wd := t.TempDir()
	code, stdout, stderr := runCLI(t, wd, src, "startproject", "mysite")
	if code != exitOK {
		t.Fatalf("startproject = %d: %s%s", code, stdout, stderr)
	}
	dir := filepath.Join(wd, "mysite")
	if got := listFiles(t, dir); !slices.Equal(got, projectFiles) {
		t.Errorf("files %q, want %q", got, projectFiles)
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 1 {
		t.Errorf("the working directory holds %v, want mysite alone (no temporary directory left)", entries)
	}
	goMod := readFile(t, dir, "go.mod")
	for _, want := range []string{
		"module mysite\n",
		"require github.com/nuages-go/nuages v0.0.0-00010101000000-000000000000\n",
		"replace github.com/nuages-go/nuages => " + src.checkout + "\n",
		"modernc.org/sqlite ",
	} {
		if !strings.Contains(goMod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, goMod)
		}
	}
	if got := readFile(t, dir, "go.sum"); got != string(src.goSum) {
		t.Error("go.sum is not the checkout's")
	}
	key := regexp.MustCompile(`nuages.InsecureKeyPrefix \+ "([A-Z2-7]{26})"`)
	m := key.FindStringSubmatch(readFile(t, dir, "settings.go"))
	if m == nil {
		t.Fatalf("settings.go has no development key:\n%s", readFile(t, dir, "settings.go"))
	}
	if !strings.Contains(stdout, "go run . runserver") {
		t.Errorf("startproject does not say what to do next: %q", stdout)
	}

	// Another project gets another key; an existing empty directory is
	// filled, a non-empty one refused.
	empty := filepath.Join(wd, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, wd, src, "startproject", "other", "empty"); code != exitOK {
		t.Fatalf("startproject other empty = %d: %s%s", code, stdout, stderr)
	}
	if got := listFiles(t, empty); !slices.Equal(got, projectFiles) {
		t.Errorf("files %q, want %q", got, projectFiles)
	}
	if m2 := key.FindStringSubmatch(readFile(t, empty, "settings.go")); m2 == nil || m2[1] == m[1] {
		t.Errorf("two projects have the keys %q and %q", m[1], m2)
	}
	code, _, stderr = runCLI(t, wd, src, "startproject", "again", "mysite")
	if code != exitFailure || !strings.Contains(stderr, "exists and is not empty") {
		t.Errorf("startproject into a non-empty directory = %d, %q; want 1 and a refusal", code, stderr)
	}
	if got := listFiles(t, dir); !slices.Equal(got, projectFiles) {
		t.Errorf("after a refusal, files %q, want %q", got, projectFiles)
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 2 {
		t.Errorf("the working directory holds %v, want mysite and empty", entries)
	}
}

// Without a checkout, the project requires the command's version and the
// user is told to fetch the modules.
func TestStartProject_Published(t *testing.T) {
	tests := []struct {
		version string
		require string // the require line, "" for none
	}{
		{"v1.2.3", "require github.com/nuages-go/nuages v1.2.3\n"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run("version_"+tt.version, func(t *testing.T) {
			wd := t.TempDir()
			code, stdout, stderr := runCLI(t, wd, nuagesSource{version: tt.version}, "startproject", "mysite")
			if code != exitOK {
				t.Fatalf("startproject = %d: %s%s", code, stdout, stderr)
			}
			dir := filepath.Join(wd, "mysite")
			goMod := readFile(t, dir, "go.mod")
			if strings.Contains(goMod, "replace") || !strings.Contains(goMod, "go "+goVersion+"\n") || !strings.Contains(goMod, tt.require) {
				t.Errorf("go.mod:\n%s\nwant go %s and %q, no replace", goMod, goVersion, tt.require)
			}
			if tt.require == "" && strings.Contains(goMod, "require") {
				t.Errorf("go.mod requires an unknown version:\n%s", goMod)
			}
			if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
				t.Error("a go.sum without a checkout")
			}
			if !strings.Contains(stdout, "go mod tidy") || !strings.Contains(readFile(t, dir, "README.md"), "go mod tidy") {
				t.Errorf("the output and README do not say to run go mod tidy: %q", stdout)
			}
		})
	}
}

func TestStartApp(t *testing.T) {
	wd := t.TempDir()
	src := checkout(t)
	if code, stdout, stderr := runCLI(t, wd, src, "startproject", "mysite"); code != exitOK {
		t.Fatalf("startproject = %d: %s%s", code, stdout, stderr)
	}
	dir := filepath.Join(wd, "mysite")
	code, stdout, stderr := runCLI(t, dir, src, "startapp", "polls")
	if code != exitOK {
		t.Fatalf("startapp = %d: %s%s", code, stdout, stderr)
	}
	want := []string{"app.go", "migrations/all.go", "models.go", "polls_test.go", "templates/polls/index.html", "urls.go", "views.go"}
	if got := listFiles(t, filepath.Join(dir, "polls")); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	for _, want := range []string{`import "mysite/polls"`, "polls.App{}", `web.Include("polls/", "polls", polls.URLs(p)...)`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("startapp does not say %q: %q", want, stdout)
		}
	}
	if got := readFile(t, dir, "polls/app.go"); !strings.Contains(got, `"mysite/polls/migrations"`) {
		t.Errorf("app.go does not import the app's migrations:\n%s", got)
	}

	tests := []struct {
		name   string
		wd     string
		args   []string
		code   int
		stderr string
	}{
		{"exists", dir, []string{"startapp", "polls"}, exitFailure, "polls already exists"},
		{"file_exists", dir, []string{"startapp", "settings"}, exitOK, ""}, // settings.go is not settings
		{"outside_a_module", wd, []string{"startapp", "blog"}, exitFailure, "there is no go.mod in " + wd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.wd, src, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("nuages %q in %s = %d, %q; want %d, %q", tt.args, tt.wd, code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// The Go files the command writes are gofmt's, with a checkout or without.
func TestGofmt(t *testing.T) {
	for _, src := range []nuagesSource{checkout(t), {version: "v1.2.3"}} {
		wd := t.TempDir()
		if code, stdout, stderr := runCLI(t, wd, src, "startproject", "mysite"); code != exitOK {
			t.Fatalf("startproject = %d: %s%s", code, stdout, stderr)
		}
		dir := filepath.Join(wd, "mysite")
		if code, stdout, stderr := runCLI(t, dir, src, "startapp", "polls"); code != exitOK {
			t.Fatalf("startapp = %d: %s%s", code, stdout, stderr)
		}
		for _, name := range listFiles(t, dir) {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			b := readFile(t, dir, name)
			formatted, err := format.Source([]byte(b))
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if string(formatted) != b {
				t.Errorf("%s is not gofmt'ed:\n%s", name, b)
			}
		}
	}
}

// A failed write leaves nothing behind.
func TestWriteTree_Failure(t *testing.T) {
	wd := t.TempDir()
	dst := filepath.Join(wd, "site")
	err := writeTree(dst, map[string][]byte{"a": []byte("x"), "a/b": []byte("y")}) // a is a file
	if err == nil {
		t.Fatal("writeTree wrote a file under a file")
	}
	if entries, _ := os.ReadDir(wd); len(entries) > 0 {
		t.Errorf("a failed write left %v", entries)
	}
}

// listFiles lists the files under dir, as sorted slash-separated paths.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goCommand returns the path of the go command, or skips the test.
func goCommand(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on the PATH")
	}
	return p
}

// The migrations index of a new app is exactly what makemigrations writes,
// so that its first run only adds to it. The command keeps it as a
// template rather than calling migrate, which would link the ORM and
// SQLite into the command.
func TestStartApp_MigrationsIndex(t *testing.T) {
	files, err := render("app", "polls", appData{Name: "polls", Module: "mysite"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := migrate.IndexSource("migrations", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := files["migrations/all.go"]; !bytes.Equal(got, want) {
		t.Errorf("migrations/all.go of a new app:\n%s\nwant what makemigrations writes:\n%s", got, want)
	}
}
