package nuages

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/database/sqlite"
)

// A database URL naming an engine the project did not name stops New, as
// it stops the project's binary before any command runs.
func TestNew_MissingEngine(t *testing.T) {
	s := devSettings(t)
	s.Databases["default"] = database.Config{URL: "postgres://app:hunter2@db.example.com/shop"}
	_, err := New(t.Context(), s)
	want := `nuages: database "default": postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("New = %v, want %q", err, want)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// blockingEngine is an engine named "postgres" whose Open waits for
// release, then opens an in-memory SQLite database.
type blockingEngine struct {
	entered chan struct{} // receives when Open starts
	release chan struct{}
}

func (blockingEngine) Name() string { return "postgres" }

func (e blockingEngine) Open(ctx context.Context, _ *url.URL) (*sql.DB, dialect.Dialect, error) {
	e.entered <- struct{}{}
	select {
	case <-e.release:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	return sqlite.Engine{}.Open(ctx, &url.URL{Scheme: "sqlite", Path: ":memory:"})
}

func (blockingEngine) Shell(*url.URL) dialect.Shell { return dialect.Shell{} }

// While one alias connects, the other aliases answer, a caller waiting for
// the same alias gives up with its own context, and Close waits for the
// connection and closes it.
func TestProjectDB_Connecting(t *testing.T) {
	t.Parallel()
	e := blockingEngine{entered: make(chan struct{}), release: make(chan struct{})}
	s := devSettings(t)
	s.Databases["slow"] = database.Config{URL: "postgres://db.example.com/slow"}
	s.Engines = []database.Engine{e}
	p := newProject(t, s)

	type result struct {
		db  *database.DB
		err error
	}
	first := make(chan result, 1)
	go func() {
		db, err := p.DB(context.Background(), "slow")
		first <- result{db, err}
	}()
	<-e.entered // "slow" is connecting

	if _, err := p.DB(t.Context(), "default"); err != nil {
		t.Fatalf("DB(default) while slow connects: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.DB(ctx, "slow"); !errors.Is(err, context.Canceled) {
		t.Errorf("DB(slow) with a cancelled context while slow connects = %v, want context.Canceled", err)
	}

	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	close(e.release)
	r := <-first
	if r.err != nil {
		t.Fatalf("the first DB(slow): %v", r.err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := r.db.Ping(t.Context()); !errors.Is(err, database.ErrClosed) {
		t.Errorf("Ping on the database opened while Close ran = %v, want ErrClosed", err)
	}
	for _, alias := range []string{"default", "slow"} {
		if _, err := p.DB(t.Context(), alias); !errors.Is(err, database.ErrClosed) {
			t.Errorf("DB(%s) after Close = %v, want ErrClosed", alias, err)
		}
	}
}

// Once open, DB returns the same database without a lock: many goroutines
// may ask at once (run with -race).
func TestProjectDB_Concurrent(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t))
	want, err := p.DB(t.Context(), "default")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			db, err := p.DB(t.Context(), "default")
			if err == nil && db != want {
				err = errors.New("DB returned another database")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkProjectDB(b *testing.B) {
	s := DefaultSettings()
	s.Debug, s.SecretKey = true, InsecureKeyPrefix+"bench"
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	p, err := New(b.Context(), s)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.DB(b.Context(), "default"); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.DB(context.Background(), "default"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
