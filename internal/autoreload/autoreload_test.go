package autoreload

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWatched(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"main.go", true},
		{"polls/models.go", true},
		{"polls/models_test.go", false},
		{"go.mod", true},
		{"go.sum", true},
		{"polls/templates/polls/index.html", true},
		{"static/site.css", true},
		{"polls/static/polls/style.css", true},
		{"README.md", false},
		{"db.sqlite3", false},
		{"notes/templates.txt", false},
	}
	for _, tt := range tests {
		if got := watched(tt.rel); got != tt.want {
			t.Errorf("watched(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

func TestChangedFiles(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stamp := func(sec int, size int64) fileStamp { return fileStamp{t0.Add(time.Duration(sec) * time.Second), size} }
	tests := []struct {
		name          string
		before, after map[string]fileStamp
		want          []string
	}{
		{"none", map[string]fileStamp{"a.go": stamp(0, 1)}, map[string]fileStamp{"a.go": stamp(0, 1)}, nil},
		{"touched", map[string]fileStamp{"a.go": stamp(0, 1)}, map[string]fileStamp{"a.go": stamp(1, 1)}, []string{"a.go"}},
		{"resized", map[string]fileStamp{"a.go": stamp(0, 1)}, map[string]fileStamp{"a.go": stamp(0, 2)}, []string{"a.go"}},
		{"added", map[string]fileStamp{}, map[string]fileStamp{"b.go": stamp(0, 1)}, []string{"b.go"}},
		{"removed", map[string]fileStamp{"a.go": stamp(0, 1)}, map[string]fileStamp{}, []string{"a.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changedFiles(tt.before, tt.after); !slices.Equal(got, tt.want) {
				t.Errorf("changedFiles = %q, want %q", got, tt.want)
			}
		})
	}
	many := map[string]fileStamp{"a.go": stamp(0, 1), "b.go": stamp(0, 1), "c.go": stamp(0, 1), "d.go": stamp(0, 1), "e.go": stamp(0, 1)}
	got := changedFiles(nil, many)
	if len(got) != 4 || got[3] != "and 2 more" {
		t.Errorf("five new files: changedFiles = %q, want three names and %q", got, "and 2 more")
	}
}

// The snapshot holds the watched files and skips hidden directories,
// testdata and node_modules, whose changes never need a rebuild.
func TestSnapshot(t *testing.T) {
	root := t.TempDir()
	for _, rel := range []string{
		"main.go", "go.mod", "polls/views.go", "polls/templates/polls/index.html", "polls/views_test.go",
		".git/HEAD.go", "testdata/x.go", "node_modules/pkg/index.go", "README.md",
	} {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := &source{root: root}
	var got []string
	for rel := range src.snapshot() {
		got = append(got, filepath.ToSlash(rel))
	}
	slices.Sort(got)
	want := []string{"go.mod", "main.go", "polls/templates/polls/index.html", "polls/views.go"}
	if !slices.Equal(got, want) {
		t.Errorf("snapshot = %q, want %q", got, want)
	}
}
