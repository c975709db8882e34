package staticfiles_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nuages-go/nuages/staticfiles"
)

const appCSS = `@import "base.css";
@import url('../vendor/reset.css');
body { background: url(../img/bg.png); }
.logo { background: url("/static/img/logo.png?v=3#x"); }
.icon { background: url('data:image/png;base64,AAAA'); }
.ext { background: url(https://example.com/a.png); }
.cdn { background: url(//cdn.example.com/a.png); }
.filter { filter: url(#blur); }
@font-face { src: url("../fonts/f.eot?#iefix") format("embedded-opentype"); }
/* url(commented-out.png) */
`

// site returns the static directories of a small site: a project
// directory and an app whose css/app.css the project overrides.
func site() []fs.FS {
	return []fs.FS{
		fstest.MapFS{
			"css/app.css":          {Data: []byte(appCSS)},
			"css/base.css":         {Data: []byte(`h1 { background: url(../img/bg.png) }`)},
			"vendor/reset.css":     {Data: []byte(`* { margin: 0 }`)},
			"img/bg.png":           {Data: []byte("PNG bg")},
			"img/logo.png":         {Data: []byte("PNG logo")},
			"fonts/f.eot":          {Data: []byte("EOT")},
			"img/bg.png~":          {Data: []byte("editor backup")},
			".hidden/secret.txt":   {Data: []byte("secret")},
			"CVS/Entries":          {Data: []byte("cvs")},
			"js/.eslintrc":         {Data: []byte("{}")},
			"js/app.js":            {Data: []byte("console.log(1)")},
			"js/app.js.map":        {Data: []byte("{}")},
			"staticfiles.json.bak": {Data: []byte("not the manifest")},
		},
		fstest.MapFS{
			"css/app.css": {Data: []byte(`/* the app's, overridden */`)},
			"img/app.png": {Data: []byte("PNG app")},
		},
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// files returns the files under root and their contents.
func files(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func collect(t *testing.T, s *staticfiles.Storage, opts staticfiles.CollectOptions) (*staticfiles.Report, string) {
	t.Helper()
	var out strings.Builder
	opts.Out = &out
	r, err := s.Collect(context.Background(), opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return r, out.String()
}

func TestCollect(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "static")
	s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})

	report, out := collect(t, s, staticfiles.CollectOptions{})

	bg, logo, eot, reset, js, jsmap, bak, appPNG := md5hex("PNG bg"), md5hex("PNG logo"), md5hex("EOT"), md5hex(`* { margin: 0 }`), md5hex("console.log(1)"), md5hex("{}"), md5hex("not the manifest"), md5hex("PNG app")
	base := `h1 { background: url(../img/bg.` + bg + `.png) }`
	app := strings.NewReplacer(
		`"base.css"`, `"base.`+md5hex(base)+`.css"`,
		`'../vendor/reset.css'`, `'../vendor/reset.`+reset+`.css'`,
		`url(../img/bg.png)`, `url(../img/bg.`+bg+`.png)`,
		`"/static/img/logo.png?v=3#x"`, `"/static/img/logo.`+logo+`.png?v=3#x"`,
		`"../fonts/f.eot?#iefix"`, `"../fonts/f.`+eot+`.eot?#iefix"`,
	).Replace(appCSS)
	wantPaths := map[string]string{
		"css/app.css":          "css/app." + md5hex(app) + ".css",
		"css/base.css":         "css/base." + md5hex(base) + ".css",
		"vendor/reset.css":     "vendor/reset." + reset + ".css",
		"img/bg.png":           "img/bg." + bg + ".png",
		"img/logo.png":         "img/logo." + logo + ".png",
		"img/app.png":          "img/app." + appPNG + ".png",
		"fonts/f.eot":          "fonts/f." + eot + ".eot",
		"js/app.js":            "js/app." + js + ".js",
		"js/app.js.map":        "js/app.js." + jsmap + ".map",
		"staticfiles.json.bak": "staticfiles.json." + bak + ".bak",
	}

	t.Run("files", func(t *testing.T) {
		got := files(t, root)
		want := map[string]string{
			"css/app.css":          appCSS, // the original stays as it is
			"css/base.css":         `h1 { background: url(../img/bg.png) }`,
			"vendor/reset.css":     `* { margin: 0 }`,
			"img/bg.png":           "PNG bg",
			"img/logo.png":         "PNG logo",
			"img/app.png":          "PNG app",
			"fonts/f.eot":          "EOT",
			"js/app.js":            "console.log(1)",
			"js/app.js.map":        "{}",
			"staticfiles.json.bak": "not the manifest",
		}
		for name, hashed := range wantPaths {
			want[hashed] = want[name]
		}
		want[wantPaths["css/app.css"]] = app
		want[wantPaths["css/base.css"]] = base
		want[staticfiles.ManifestName] = got[staticfiles.ManifestName]
		for _, name := range slices.Sorted(maps.Keys(want)) {
			if got[name] != want[name] {
				t.Errorf("%s =\n%s\nwant\n%s", name, got[name], want[name])
			}
		}
		for _, name := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[name]; !ok {
				t.Errorf("unexpected file %s in Root", name)
			}
		}
	})

	t.Run("manifest", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(root, staticfiles.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Paths   map[string]string `json:"paths"`
			Version string            `json:"version"`
			Hash    string            `json:"hash"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("manifest %s: %v", data, err)
		}
		if !maps.Equal(m.Paths, wantPaths) {
			t.Errorf("paths = %v\nwant %v", m.Paths, wantPaths)
		}
		if m.Version != "1.1" || len(m.Hash) != 12 {
			t.Errorf("version %q, hash %q: want 1.1 and 12 hex digits", m.Version, m.Hash)
		}
		if !strings.HasPrefix(string(data), `{"paths": {"css/app.css": `) {
			t.Errorf("manifest does not start as Django's does: %.40s", data)
		}
	})

	t.Run("report", func(t *testing.T) {
		if report.Copied != 10 || report.Unmodified != 0 || report.PostProcessed != 10 {
			t.Errorf("report %+v, want 10 copied, 0 unmodified, 10 post-processed", report)
		}
		wantDup := []staticfiles.Duplicate{{Name: "css/app.css", Layer: 1, Used: 0}}
		if !slices.Equal(report.Duplicates, wantDup) {
			t.Errorf("Duplicates = %v, want %v", report.Duplicates, wantDup)
		}
		want := "Found another file with the destination path 'css/app.css'. It will be ignored since only the first encountered file is collected. If this is not what you want, make sure every static file has a unique path.\n" +
			"10 static files copied to '" + root + "', 10 post-processed.\n"
		if out != want {
			t.Errorf("output:\n%s\nwant\n%s", out, want)
		}
	})

	t.Run("url_after_collect", func(t *testing.T) {
		for _, s := range []*staticfiles.Storage{s, mustNew(t, staticfiles.Options{Root: root})} {
			got, err := s.URL("css/app.css")
			if want := "/static/" + wantPaths["css/app.css"]; err != nil || got != want {
				t.Errorf("URL = %q, %v, want %q", got, err, want)
			}
		}
	})

	t.Run("idempotent", func(t *testing.T) {
		before := files(t, root)
		report, out := collect(t, s, staticfiles.CollectOptions{})
		if report.Copied != 0 || report.Unmodified != 10 || report.PostProcessed != 0 {
			t.Errorf("second run %+v, want 0 copied, 10 unmodified, 0 post-processed", report)
		}
		if want := "0 static files copied to '" + root + "', 10 unmodified.\n"; !strings.HasSuffix(out, want) {
			t.Errorf("second run output:\n%s\nwant it to end with\n%s", out, want)
		}
		if after := files(t, root); !maps.Equal(before, after) {
			t.Errorf("second run changed Root")
		}
	})

	t.Run("changed_image", func(t *testing.T) {
		dirs := site()
		dirs[0].(fstest.MapFS)["img/bg.png"] = &fstest.MapFile{Data: []byte("PNG bg v2")}
		s := mustNew(t, staticfiles.Options{Dirs: dirs, Root: root})
		report, _ := collect(t, s, staticfiles.CollectOptions{Verbose: true})
		// bg.png, and the hashed copies of it and of both style sheets that use it.
		if report.Copied != 1 || report.Unmodified != 9 || report.PostProcessed != 3 {
			t.Errorf("report %+v, want 1 copied, 9 unmodified, 3 post-processed", report)
		}
		got, err := s.URL("css/base.css")
		newBase := `h1 { background: url(../img/bg.` + md5hex("PNG bg v2") + `.png) }`
		if want := "/static/css/base." + md5hex(newBase) + ".css"; err != nil || got != want {
			t.Errorf("URL(css/base.css) = %q, %v, want %q", got, err, want)
		}
		// The old hashed files stay for the pages that still link them.
		if _, err := os.Stat(filepath.Join(root, "img", "bg."+bg+".png")); err != nil {
			t.Errorf("old hashed file: %v", err)
		}
	})
}

func TestCollect_Verbose(t *testing.T) {
	root := t.TempDir()
	dirs := []fs.FS{fstest.MapFS{"a.txt": {Data: []byte("a")}}}
	s := mustNew(t, staticfiles.Options{Dirs: dirs, Root: root})
	_, out := collect(t, s, staticfiles.CollectOptions{Verbose: true})
	want := "Copying 'a.txt'\nPost-processed 'a.txt' as 'a." + md5hex("a") + ".txt'\n1 static file copied to '" + root + "', 1 post-processed.\n"
	if out != want {
		t.Errorf("output:\n%s\nwant\n%s", out, want)
	}
	_, out = collect(t, s, staticfiles.CollectOptions{Verbose: true})
	if want := "Skipping 'a.txt' (not modified)\n0 static files copied to '" + root + "', 1 unmodified.\n"; out != want {
		t.Errorf("second output:\n%s\nwant\n%s", out, want)
	}
}

func TestCollect_Options(t *testing.T) {
	t.Parallel()
	t.Run("dry_run", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "static")
		s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
		report, out := collect(t, s, staticfiles.CollectOptions{DryRun: true})
		if report.Copied != 10 || report.PostProcessed != 10 {
			t.Errorf("report %+v, want 10 copied and post-processed", report)
		}
		if !strings.HasSuffix(out, "(dry run: nothing was written).\n") {
			t.Errorf("output %q does not say it was a dry run", out)
		}
		if _, err := os.Stat(root); !os.IsNotExist(err) {
			t.Errorf("a dry run created Root: %v", err)
		}
		if _, err := s.URL("css/app.css"); err == nil {
			t.Errorf("a dry run changed the manifest URL reads")
		}
	})
	t.Run("clear", func(t *testing.T) {
		root := t.TempDir()
		stale := filepath.Join(root, "old", "gone.css")
		os.MkdirAll(filepath.Dir(stale), 0o755)
		os.WriteFile(stale, []byte("old"), 0o644)
		s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
		collect(t, s, staticfiles.CollectOptions{Clear: true})
		if _, err := os.Stat(filepath.Dir(stale)); !os.IsNotExist(err) {
			t.Errorf("Clear left %s: %v", stale, err)
		}
		if _, err := os.Stat(filepath.Join(root, "css", "app.css")); err != nil {
			t.Errorf("after Clear: %v", err)
		}
	})
	t.Run("ignore", func(t *testing.T) {
		root := t.TempDir()
		s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
		report, _ := collect(t, s, staticfiles.CollectOptions{Ignore: []string{"*.map", "js"}})
		got := files(t, root)
		for _, name := range []string{"js/app.js.map", "js/app.js"} {
			if _, ok := got[name]; ok {
				t.Errorf("%s collected despite Ignore", name)
			}
		}
		if report.Copied != 8 {
			t.Errorf("Copied = %d, want 8", report.Copied)
		}
	})
}

func TestCollect_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dirs    []fs.FS
		opts    staticfiles.CollectOptions
		noRoot  bool
		wantErr string
	}{
		{
			name:    "missing_reference",
			dirs:    []fs.FS{fstest.MapFS{"css/x.css": {Data: []byte(`a { b: url("../img/nope.png") }`)}}},
			wantErr: `staticfiles: post-processing css/x.css: "../img/nope.png" refers to img/nope.png, which no static directory has`,
		},
		{
			name:    "missing_import",
			dirs:    []fs.FS{fstest.MapFS{"css/x.css": {Data: []byte(`@import "nope.css";`)}}},
			wantErr: `staticfiles: post-processing css/x.css: "nope.css" refers to css/nope.css, which no static directory has`,
		},
		{
			name:    "reference_above_root",
			dirs:    []fs.FS{fstest.MapFS{"x.css": {Data: []byte(`a { b: url(../../etc/passwd) }`)}}},
			wantErr: `staticfiles: post-processing x.css: "../../etc/passwd" points outside the static files`,
		},
		{
			name: "cycle",
			dirs: []fs.FS{fstest.MapFS{
				"a.css": {Data: []byte(`@import "b.css";`)},
				"b.css": {Data: []byte(`@import "c.css";`)},
				"c.css": {Data: []byte(`@import "a.css";`)},
			}},
			wantErr: `staticfiles: style sheets refer to each other in a cycle (a.css -> b.css -> c.css -> a.css)`,
		},
		{
			name:    "manifest_name",
			dirs:    []fs.FS{fstest.MapFS{"staticfiles.json": {Data: []byte(`{}`)}}},
			wantErr: `staticfiles: static directory 0: a static file may not be named staticfiles.json`,
		},
		{
			name:    "bad_ignore",
			opts:    staticfiles.CollectOptions{Ignore: []string{"[a"}},
			wantErr: `staticfiles: ignore pattern "[a": syntax error in pattern`,
		},
		{
			name:    "no_root",
			noRoot:  true,
			wantErr: `staticfiles: Root (STATIC_ROOT) is not set`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := ""
			if !tt.noRoot {
				root = t.TempDir()
			}
			s := mustNew(t, staticfiles.Options{Dirs: tt.dirs, Root: root})
			_, err := s.Collect(context.Background(), tt.opts)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("Collect: %v\nwant an error starting with %s", err, tt.wantErr)
			}
			if root != "" {
				if _, err := os.Stat(filepath.Join(root, staticfiles.ManifestName)); !os.IsNotExist(err) {
					t.Errorf("a failed Collect wrote the manifest: %v", err)
				}
			}
		})
	}
}

func TestCollect_MissingDirectory(t *testing.T) {
	root := t.TempDir()
	dirs := []fs.FS{os.DirFS(filepath.Join(root, "no-such-dir")), fstest.MapFS{"a.txt": {Data: []byte("a")}}}
	s := mustNew(t, staticfiles.Options{Dirs: dirs, Root: filepath.Join(root, "static")})
	report, out := collect(t, s, staticfiles.CollectOptions{})
	if report.Copied != 1 || !strings.HasPrefix(out, "Static directory 0 does not exist; skipping it.\n") {
		t.Errorf("report %+v, output %q: want a.txt copied and directory 0 reported missing", report, out)
	}
}

func TestCollect_Canceled(t *testing.T) {
	s := mustNew(t, staticfiles.Options{Dirs: site(), Root: t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Collect(ctx, staticfiles.CollectOptions{}); err != context.Canceled {
		t.Errorf("Collect with a canceled context: %v, want context.Canceled", err)
	}
}

func TestCollect_NoTemporaryFilesLeft(t *testing.T) {
	root := t.TempDir()
	s := mustNew(t, staticfiles.Options{Dirs: site(), Root: root})
	collect(t, s, staticfiles.CollectOptions{})
	for name := range files(t, root) {
		if strings.Contains(name, ".tmp") || strings.Contains(name, "/.") || strings.HasPrefix(name, ".") {
			t.Errorf("left %s in Root", name)
		}
	}
}
