package nuages_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// This file enforces the architecture of DESIGN.md: which package may import
// which, that every package has exactly one package doc, and what a user's
// binary may not link.

const module = "github.com/nuages-go/nuages"

// levels maps package paths (relative to the module, "" for the root) to
// their level in DESIGN.md. The longest matching prefix wins.
var levels = map[string]int{
	"internal": 0, "conf": 0, "signing": 0, "cache": 0, "templates": 0, "mail": 0,
	"database": 1, "web": 1, "cache/httpcache": 1,
	"orm": 2, "forms": 2, "sessions": 2, "staticfiles": 2, "cache/redis": 2, "cache/dbcache": 2,
	"migrate": 3, "views": 3,
	"":        4,
	"contrib": 5, "tasks": 5,
	"nuagestest": 6, "cmd": 6, "examples": 6,

	"internal/structtag": 0,
}

// forbidden lists imports DESIGN.md rules out beyond the levels: package
// prefix, imported prefix (std or module-relative), and the reason.
var forbidden = []struct{ from, to, why string }{
	{"orm", "net/http", "orm never imports net/http"},
	{"migrate", "net/http", "migrate never imports net/http"},
	{"database", "net/http", "database never imports net/http"},
	{"web", "database/sql", "web never imports database/sql"},
}

// allowedContrib lists the only import edges allowed between contrib apps.
var allowedContrib = map[[2]string]bool{{"contrib/admin", "contrib/auth"}: true}

// pkg is what the checks need to know about one package.
type pkg struct {
	path     string   // relative to the module root, "" for the root
	imports  []string // full import paths of its non-test files
	docFiles []string // its non-test files with a package doc
}

func TestDependencies(t *testing.T) {
	t.Parallel()
	pkgs := loadPackages(t, ".")
	if len(pkgs) < 3 {
		t.Fatalf("found %d packages; is the test running at the module root?", len(pkgs))
	}
	for _, v := range checkDeps(pkgs) {
		t.Error(v)
	}
}

func TestPackageDocs(t *testing.T) {
	t.Parallel()
	for _, v := range checkDocs(loadPackages(t, ".")) {
		t.Error(v)
	}
}

// TestChecks_Synthetic shows that the checks catch each kind of violation,
// so that TestDependencies passing means something.
func TestChecks_Synthetic(t *testing.T) {
	m := func(rel string) string { return path.Join(module, rel) }
	pkgs := []pkg{
		{path: "", imports: []string{m("database"), m("contrib/auth")}, docFiles: []string{"doc.go"}},
		{path: "conf", imports: []string{"os", "github.com/some/dep", "golang.org/x/net/idna"}, docFiles: []string{"a.go", "b.go"}},
		{path: "database", imports: []string{m("orm"), "net/http"}},
		{path: "database/sqlite", imports: []string{m("internal/x")}, docFiles: []string{"doc.go"}},
		{path: "internal/x", imports: []string{"net/http", m("database/sqlite")}, docFiles: []string{"x.go"}},
		{path: "orm", imports: []string{m("internal/x")}, docFiles: []string{"doc.go"}},
		{path: "web", imports: []string{"database/sql"}, docFiles: []string{"doc.go"}},
		{path: "contrib/admin", imports: []string{m("contrib/auth")}, docFiles: []string{"doc.go"}},
		{path: "contrib/auth", imports: []string{m("contrib/rest")}, docFiles: []string{"doc.go"}},
		{path: "contrib/rest", docFiles: []string{"doc.go"}},
		{path: "gadgets", docFiles: []string{"doc.go"}},
	}
	got := append(checkDeps(pkgs), checkDocs(pkgs)...)
	want := []string{
		`root (level 4) imports contrib/auth (level 5): a package imports only from its own level or lower`,
		`root imports contrib/auth: levels 0 to 4 never import contrib/`,
		`conf imports github.com/some/dep: level 0 packages use the standard library and golang.org/x/ only`,
		`database (level 1) imports orm (level 2): a package imports only from its own level or lower`,
		`database imports net/http: database never imports net/http`,
		`database/sqlite imports net/http through internal/x: database never imports net/http`,
		`internal/x (level 0) imports database/sqlite (level 1): a package imports only from its own level or lower`,
		`orm imports net/http through internal/x: orm never imports net/http`,
		`web imports database/sql: web never imports database/sql`,
		`contrib/auth imports contrib/rest: contrib apps talk through interfaces (only contrib/admin may import contrib/auth)`,
		`gadgets has no level: add it to DESIGN.md's layout table and to levels in deps_test.go`,
		`conf has 2 package docs (a.go, b.go): keep one, in doc.go`,
		`database has no package doc: add one in doc.go`,
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing violation %q", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("unexpected violation %q", g)
		}
	}
}

// loadPackages parses the imports and doc comments of every package under
// root, skipping test files, testdata, hidden directories and nested modules
// (benchmarks/ has its own go.mod).
func loadPackages(t *testing.T, root string) []pkg {
	t.Helper()
	byDir := map[string]*pkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		if dir == "." {
			dir = ""
		}
		pk := byDir[dir]
		if pk == nil {
			pk = &pkg{path: dir}
			byDir[dir] = pk
		}
		for _, imp := range f.Imports {
			pk.imports = append(pk.imports, strings.Trim(imp.Path.Value, `"`))
		}
		if f.Doc != nil {
			pk.docFiles = append(pk.docFiles, filepath.Base(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	for _, pk := range byDir {
		pkgs = append(pkgs, *pk)
	}
	slices.SortFunc(pkgs, func(a, b pkg) int { return strings.Compare(a.path, b.path) })
	return pkgs
}

// checkDeps returns one message per import edge DESIGN.md forbids.
func checkDeps(pkgs []pkg) []string {
	var out []string
	internal := map[string][]string{} // package -> module packages it imports
	for _, p := range pkgs {
		for _, imp := range p.imports {
			if rel, ok := moduleRel(imp); ok {
				internal[p.path] = append(internal[p.path], rel)
			}
		}
	}
	for _, p := range pkgs {
		from, ok := level(p.path)
		if !ok {
			out = append(out, name(p.path)+" has no level: add it to DESIGN.md's layout table and to levels in deps_test.go")
			continue
		}
		for _, imp := range p.imports {
			rel, inModule := moduleRel(imp)
			switch {
			case !inModule:
				if from == 0 && strings.Contains(strings.Split(imp, "/")[0], ".") && !strings.HasPrefix(imp, "golang.org/x/") {
					out = append(out, name(p.path)+" imports "+imp+": level 0 packages use the standard library and golang.org/x/ only")
				}
			default:
				if to, ok := level(rel); ok && to > from {
					out = append(out, name(p.path)+" (level "+strconv.Itoa(from)+") imports "+name(rel)+" (level "+strconv.Itoa(to)+"): a package imports only from its own level or lower")
				}
				if from <= 4 && under(rel, "contrib") {
					out = append(out, name(p.path)+" imports "+name(rel)+": levels 0 to 4 never import contrib/")
				}
				if under(p.path, "contrib") && under(rel, "contrib") {
					a, b := app(p.path), app(rel)
					if a != b && !allowedContrib[[2]string{a, b}] {
						out = append(out, name(p.path)+" imports "+name(rel)+": contrib apps talk through interfaces (only contrib/admin may import contrib/auth)")
					}
				}
			}
		}
		for _, f := range forbidden {
			if !under(p.path, f.from) {
				continue
			}
			if via, ok := reaches(p, f.to, internal, pkgs); ok {
				msg := name(p.path) + " imports " + f.to
				if via != "" {
					msg += " through " + name(via)
				}
				out = append(out, msg+": "+f.why)
			}
		}
	}
	return out
}

// reaches reports whether p imports target directly or through module
// packages, and through which module package it first does.
func reaches(p pkg, target string, internal map[string][]string, pkgs []pkg) (via string, ok bool) {
	imports := map[string][]string{}
	for _, q := range pkgs {
		imports[q.path] = q.imports
	}
	if slices.ContainsFunc(imports[p.path], func(imp string) bool { return under(imp, target) }) {
		return "", true
	}
	seen := map[string]bool{p.path: true}
	var walk func(string) bool
	walk = func(rel string) bool {
		if seen[rel] {
			return false
		}
		seen[rel] = true
		if slices.ContainsFunc(imports[rel], func(imp string) bool { return under(imp, target) }) {
			return true
		}
		return slices.ContainsFunc(internal[rel], walk)
	}
	for _, rel := range internal[p.path] {
		if walk(rel) {
			return rel, true
		}
	}
	return "", false
}

// checkDocs returns one message per package without exactly one package doc.
func checkDocs(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		switch n := len(p.docFiles); {
		case n == 0:
			out = append(out, name(p.path)+" has no package doc: add one in doc.go")
		case n > 1:
			out = append(out, name(p.path)+" has "+strconv.Itoa(n)+" package docs ("+strings.Join(p.docFiles, ", ")+"): keep one, in doc.go")
		}
	}
	return out
}

func level(rel string) (int, bool) {
	if rel == "" {
		return levels[""], true
	}
	best, found := -1, false
	bestLen := -1
	for prefix, l := range levels {
		if prefix != "" && under(rel, prefix) && len(prefix) > bestLen {
			best, bestLen, found = l, len(prefix), true
		}
	}
	return best, found
}

func moduleRel(imp string) (string, bool) {
	if imp == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(imp, module+"/")
	return rel, ok
}

// under reports whether path is prefix or inside it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// app returns the contrib app a contrib package belongs to.
func app(rel string) string {
	parts := strings.SplitN(rel, "/", 3)
	return parts[0] + "/" + parts[1]
}

func name(rel string) string {
	if rel == "" {
		return "root"
	}
	return rel
}

// deniedInBinaries are the packages (or prefixes, ending in "/") that a
// user's binary links only when it asks for them: never the test framework
// or the browser driver, and the optional engines and cache backends only
// when its settings name them.
var deniedInBinaries = []string{
	"testing",
	"github.com/chromedp/",
	"github.com/redis/go-redis/",
	"github.com/go-sql-driver/mysql",
	"github.com/jackc/pgx/",
}

// TestBinaryDeps checks what the example, a new project and the nuages
// command link, with go list -deps: none of deniedInBinaries, and a
// project made with -database postgres links pgx (the opt-in works).
func TestBinaryDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list on new projects (skipped with -short)")
	}
	nuagesCmd := buildNuagesCommand(t)
	tests := []struct {
		name    string
		project []string // startproject's flags; nil: a package of this module
		pkg     string
		denied  []string
		wanted  []string
	}{
		{"examples_polls", nil, "./examples/polls", deniedInBinaries, nil},
		{"new_project", []string{}, ".", deniedInBinaries, nil},
		{"new_project_postgres", []string{"-database", "postgres"}, ".", []string{"testing", "github.com/go-sql-driver/mysql", "github.com/redis/go-redis/"}, []string{"github.com/jackc/pgx/v5"}},
		{"new_project_mysql_redis", []string{"-database", "mysql", "-cache", "redis"}, ".", []string{"testing", "github.com/jackc/pgx/"}, []string{"github.com/go-sql-driver/mysql", "github.com/redis/go-redis/v9"}},
		{"cmd_nuages", nil, "./cmd/nuages", append([]string{"modernc.org/sqlite", module + "/database"}, deniedInBinaries...), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, env := ".", os.Environ()
			if tt.project != nil {
				dir, env = startProject(t, nuagesCmd, tt.project...)
			}
			deps := goList(t, dir, env, "-deps", tt.pkg)
			for _, d := range deps {
				for _, denied := range tt.denied {
					if d == denied || (strings.HasSuffix(denied, "/") && strings.HasPrefix(d, denied)) || strings.HasPrefix(d, denied+"/") {
						t.Errorf("%s links %s", tt.name, d)
					}
				}
			}
			for _, w := range tt.wanted {
				if !slices.Contains(deps, w) {
					t.Errorf("%s does not link %s", tt.name, w)
				}
			}
		})
	}
}

// BenchmarkBinarySize reports the size of the example's binary and of a
// new project's, as built and with -ldflags=-s -w (symbols and DWARF
// stripped): go test -run XXX -bench BinarySize. The goal is a new project
// of at most 25 MB, 18 MB stripped. It reports sizes and asserts nothing.
func BenchmarkBinarySize(b *testing.B) {
	project, env := startProject(b, buildNuagesCommand(b))
	for _, target := range []struct{ name, dir, pkg string }{
		{"examples_polls", ".", "./examples/polls"},
		{"new_project", project, "."},
		{"cmd_nuages", ".", "./cmd/nuages"},
	} {
		for _, flags := range []string{"", "-ldflags=-s -w"} {
			name := target.name
			if flags != "" {
				name += "_stripped"
			}
			bin := filepath.Join(b.TempDir(), name)
			args := []string{"build", "-o", bin}
			if flags != "" {
				args = append(args, flags)
			}
			goCmd(b, target.dir, env, append(args, target.pkg)...)
			info, err := os.Stat(bin)
			if err != nil {
				b.Fatal(err)
			}
			// Built once, outside the benchmark's runs: only the size counts.
			b.Run(name, func(b *testing.B) {
				b.ReportMetric(float64(info.Size())/1e6, "MB")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// buildNuagesCommand builds cmd/nuages from this checkout, whose projects
// build against the checkout, offline.
func buildNuagesCommand(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on the PATH")
	}
	bin := filepath.Join(t.TempDir(), "nuages")
	goCmd(t, ".", os.Environ(), "build", "-o", bin, "./cmd/nuages")
	return bin
}

// startProject runs nuages startproject with flags and returns the new
// project's directory and the environment for the go command there:
// offline, against this checkout.
func startProject(t testing.TB, nuagesCmd string, flags ...string) (dir string, env []string) {
	t.Helper()
	wd := t.TempDir()
	cmd := exec.Command(nuagesCmd, append(append([]string{"startproject"}, flags...), "mysite")...)
	cmd.Dir = wd
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nuages startproject %v: %v\n%s", flags, err, out)
	}
	env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=readonly"), "GOPROXY=off", "GOWORK=off")
	return filepath.Join(wd, "mysite"), env
}

// goList runs go list with args in dir and returns its lines.
func goList(t testing.TB, dir string, env []string, args ...string) []string {
	t.Helper()
	return strings.Fields(goCmd(t, dir, env, append([]string{"list"}, args...)...))
}

// goCmd runs the go command and returns its standard output.
func goCmd(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
