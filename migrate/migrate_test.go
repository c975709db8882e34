package migrate_test

import (
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

func id() migrate.Field {
	return migrate.Field{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}
}

// polls is a history like Django's tutorial's: two models, a field added
// and filled by a data migration, a rename, a type change; library, another
// app, depends on it.
func polls() []*migrate.Migration {
	p1 := &migrate.Migration{App: "polls", Name: "0001_initial", Operations: []migrate.Operation{
		migrate.CreateModel{App: "polls", Name: "Question", Fields: []migrate.Field{
			id(),
			{Name: "text", Column: "text", Kind: dialect.KindChar, MaxLength: 200},
		}},
		migrate.CreateModel{App: "polls", Name: "Choice", Fields: []migrate.Field{
			id(),
			{Name: "question", Column: "question_id", Kind: dialect.KindBigInt, Index: true, To: "polls.question", OnDelete: dialect.Cascade},
			{Name: "votes", Column: "votes", Kind: dialect.KindInt},
		}},
	}}
	p2 := &migrate.Migration{App: "polls", Name: "0002_question_slug", Dependencies: []migrate.Node{{"polls", "0001_initial"}}, Operations: []migrate.Operation{
		migrate.AddField{App: "polls", Model: "Question", Field: migrate.Field{Name: "slug", Column: "slug", Kind: dialect.KindChar, MaxLength: 50, Default: "''"}},
		migrate.RunGo{
			Name: "slugs from the text",
			Code: func(e *migrate.Editor, s *migrate.State) error {
				// The historical Question: its field is still "text" here.
				q, err := e.Model(s, "polls.question")
				if err != nil {
					return err
				}
				rows, err := q.Values("id", "text").All(e.Context())
				if err != nil {
					return err
				}
				for _, r := range rows {
					if _, err := q.Filter("pk", r["id"]).Update(e.Context(), orm.Set{"slug": strings.ToLower(r["text"].(string))}); err != nil {
						return err
					}
				}
				if _, err := q.All(e.Context()); err == nil || !strings.Contains(err.Error(), "read its rows with Values") {
					return fmt.Errorf("All on a historical model: %v", err)
				}
				return nil
			},
			Reverse: func(*migrate.Editor, *migrate.State) error { return nil }, // the column goes anyway
		},
	}}
	p3 := &migrate.Migration{App: "polls", Name: "0003_rename_text_title", Dependencies: []migrate.Node{{"polls", "0002_question_slug"}}, Operations: []migrate.Operation{
		migrate.RenameField{App: "polls", Model: "Question", Old: "text", New: "title"},
		migrate.AlterField{App: "polls", Model: "Choice", Field: migrate.Field{Name: "votes", Column: "votes", Kind: dialect.KindChar, MaxLength: 10}},
	}}
	l1 := &migrate.Migration{App: "library", Name: "0001_initial", Dependencies: []migrate.Node{{"polls", "0001_initial"}}, Operations: []migrate.Operation{
		migrate.CreateModel{App: "library", Name: "Shelf", Fields: []migrate.Field{
			id(),
			{Name: "favourite", Column: "favourite_id", Kind: dialect.KindBigInt, Null: true, Index: true, To: "polls.question", OnDelete: dialect.SetNull},
		}},
	}}
	return []*migrate.Migration{p3, l1, p2, p1} // any order: the graph sorts them
}

func executor(t *testing.T, db *database.DB, ms []*migrate.Migration, out *strings.Builder) *migrate.Executor {
	t.Helper()
	g, err := migrate.NewGraph(ms)
	if err != nil {
		t.Fatal(err)
	}
	return migrate.NewExecutor(db, g, out)
}

func migrateTo(t *testing.T, x *migrate.Executor, app, target string) {
	t.Helper()
	steps, err := x.Plan(t.Context(), app, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Migrate(t.Context(), steps, migrate.Options{}); err != nil {
		t.Fatal(err)
	}
}

func queryString(t *testing.T, db *database.DB, query string) string {
	t.Helper()
	var s string
	if err := db.QueryRow(t.Context(), query).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

func TestMigrateForwardAndBack(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		var out strings.Builder
		x := executor(t, db, polls(), &out)
		migrateTo(t, x, "polls", "0001")
		if _, err := db.Exec(ctx, "INSERT INTO question (text) VALUES ('What Is New?')"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO choice (question_id, votes) VALUES (1, 5)"); err != nil {
			t.Fatal(err)
		}
		migrateTo(t, x, "", "")
		if got := queryString(t, db, "SELECT title FROM question"); got != "What Is New?" {
			t.Errorf("after the rename, title = %q: the data was not kept", got)
		}
		if got := queryString(t, db, "SELECT slug FROM question"); got != "what is new?" {
			t.Errorf("slug = %q: the data migration did not run", got)
		}
		if got := queryString(t, db, "SELECT votes FROM choice"); got != "5" {
			t.Errorf("votes = %q after the type change", got)
		}
		for _, want := range []string{"Applying polls.0001_initial... OK", "Applying polls.0003_rename_text_title... OK", "Applying library.0001_initial... OK"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("progress lacks %q:\n%s", want, out.String())
			}
		}
		applied, err := x.Applied(ctx)
		if err != nil || len(applied) != 4 {
			t.Fatalf("applied = %v, %v", applied, err)
		}
		if steps, _ := x.Plan(ctx, "", ""); len(steps) != 0 {
			t.Errorf("nothing left to apply, but the plan is %v", steps)
		}

		// Back to 0001: the slug goes, the title is text again, the votes
		// numbers; the row stays.
		migrateTo(t, x, "polls", "0001")
		if got := queryString(t, db, "SELECT text FROM question"); got != "What Is New?" {
			t.Errorf("back at 0001, text = %q", got)
		}
		if _, err := db.Exec(ctx, "SELECT slug FROM question"); err == nil {
			t.Error("back at 0001, the slug column is still there")
		}
		if got := queryString(t, db, "SELECT votes + 1 FROM choice"); got != "6" {
			t.Errorf("back at 0001, votes + 1 = %q", got)
		}

		// zero takes library along: it depends on polls.
		migrateTo(t, x, "polls", "zero")
		for _, table := range []string{"question", "choice", "shelf"} {
			if _, err := db.Exec(ctx, "SELECT 1 FROM "+table); err == nil {
				t.Errorf("after zero, table %s is still there", table)
			}
		}
		if applied, _ := x.Applied(ctx); len(applied) != 0 {
			t.Errorf("after zero, applied = %v", applied)
		}
	})
}

func TestMigrate_SQLitePreservesKeysOnRebuild(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	ctx := t.Context()
	x := executor(t, db, polls(), new(strings.Builder))
	migrateTo(t, x, "", "")
	// The choice table was rebuilt (votes changed type): its key to
	// question must still cascade, and the question table's rebuild must
	// not have deleted the choices pointing at it.
	for _, s := range []string{"INSERT INTO question (title, slug) VALUES ('q', 'q')", "INSERT INTO choice (question_id, votes) VALUES (1, '3')"} {
		if _, err := db.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, "INSERT INTO choice (question_id, votes) VALUES (99, '1')"); !errors.Is(err, dialect.ErrForeignKeyViolation) {
		t.Errorf("a choice of no question: %v, want a foreign key violation", err)
	}
	migrateTo(t, x, "polls", "0002") // rebuilds question (rename back) and choice
	if got := queryString(t, db, "SELECT COUNT(*) FROM choice"); got != "1" {
		t.Errorf("%s choices after rebuilding question, want 1", got)
	}
	if _, err := db.Exec(ctx, "DELETE FROM question"); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, db, "SELECT COUNT(*) FROM choice"); got != "0" {
		t.Errorf("deleting the question left %s choices: the rebuilt key does not cascade", got)
	}
}

func TestMigrate_Irreversible(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	ms := append(polls(), &migrate.Migration{App: "polls", Name: "0004_raw", Dependencies: []migrate.Node{{"polls", "0003_rename_text_title"}}, Operations: []migrate.Operation{
		migrate.RunSQL{SQL: []string{"UPDATE question SET slug = 'raw'"}},
	}})
	x := executor(t, db, ms, new(strings.Builder))
	migrateTo(t, x, "", "")
	steps, err := x.Plan(t.Context(), "polls", "0001")
	if err != nil {
		t.Fatal(err)
	}
	err = x.Migrate(t.Context(), steps, migrate.Options{})
	if err == nil || !strings.Contains(err.Error(), "polls.0004_raw cannot be unapplied") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v", err)
	}
	if applied, _ := x.Applied(t.Context()); len(applied) != 5 {
		t.Errorf("a refused backward run changed the applied set: %v", applied)
	}
}

func TestMigrate_FailureMidway(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ms := append(polls(), &migrate.Migration{App: "polls", Name: "0004_broken", Dependencies: []migrate.Node{{"polls", "0003_rename_text_title"}}, Operations: []migrate.Operation{
			migrate.AddField{App: "polls", Model: "Question", Field: migrate.Field{Name: "extra", Column: "extra", Kind: dialect.KindInt, Null: true}},
			migrate.RunSQL{SQL: []string{"UPDATE no_such_table SET x = 1"}, Reverse: []string{}},
		}})
		x := executor(t, db, ms, new(strings.Builder))
		steps, err := x.Plan(t.Context(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		err = x.Migrate(t.Context(), steps, migrate.Options{})
		if err == nil || !strings.Contains(err.Error(), "polls.0004_broken") {
			t.Fatalf("err = %v", err)
		}
		applied, _ := x.Applied(t.Context())
		if applied[migrate.Node{App: "polls", Name: "0004_broken"}] || len(applied) != 4 {
			t.Errorf("applied = %v: the failed migration was recorded, or others lost", applied)
		}
		_, extraErr := db.Exec(t.Context(), "SELECT extra FROM question")
		if db.Dialect().Features().TransactionalDDL {
			if extraErr == nil {
				t.Error("the failed migration's first operation stayed applied")
			}
		} else if !strings.Contains(err.Error(), "failed after 1 of its 2 operations, which stay applied") {
			t.Errorf("on %s the error must say what stayed: %v", db.Dialect().Name(), err)
		}
	})
}

func TestMigrate_ConcurrentRunsApplyOnce(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		cfg := nuagestest.Config(t, engine)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		outs := make([]strings.Builder, 3)
		for i := range errs {
			db, err := database.Open(t.Context(), "default", cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			x := executor(t, db, polls(), &outs[i])
			wg.Go(func() {
				steps, err := x.Plan(t.Context(), "", "")
				if err == nil {
					err = x.Migrate(t.Context(), steps, migrate.Options{})
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("run %d: %v\n%s", i, err, outs[i].String())
			}
		}
		db, err := database.Open(t.Context(), "check", cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := queryString(t, db, "SELECT COUNT(*) FROM "+migrate.RecordTable); got != "4" {
			t.Errorf("%s migrations recorded, want each of the 4 once", got)
		}
	})
}

func TestSQLForMigration(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	x := executor(t, db, polls(), new(strings.Builder))
	sql, err := x.SQL(t.Context(), migrate.Node{App: "polls", Name: "0001_initial"}, false)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(sql, "\n")
	for _, want := range []string{"-- Create model Question", `CREATE TABLE "question"`, `CREATE TABLE "choice"`, `REFERENCES "question"`} {
		if !strings.Contains(text, want) {
			t.Errorf("sqlmigrate lacks %q:\n%s", want, text)
		}
	}
	if _, err := db.Exec(t.Context(), "SELECT 1 FROM question"); err == nil {
		t.Error("SQL ran the statements")
	}
}

func TestGraphErrors(t *testing.T) {
	two := func(name string, deps ...migrate.Node) *migrate.Migration {
		return &migrate.Migration{App: "a", Name: name, Dependencies: deps}
	}
	tests := []struct {
		name string
		ms   []*migrate.Migration
		want string
	}{
		{"missing_dependency", []*migrate.Migration{two("0001", migrate.Node{App: "b", Name: "0001"})}, "a.0001 depends on b.0001, which does not exist"},
		{"two_leaves", []*migrate.Migration{two("0001"), two("0002a", migrate.Node{App: "a", Name: "0001"}), two("0002b", migrate.Node{App: "a", Name: "0001"})}, `app "a" has 2 latest migrations, a.0002a and a.0002b: merge them (makemigrations -merge)`},
		{"cycle", []*migrate.Migration{two("0001", migrate.Node{App: "a", Name: "0002"}), two("0002", migrate.Node{App: "a", Name: "0001"})}, "depend on each other in a circle"},
		{"duplicate", []*migrate.Migration{two("0001"), two("0001")}, "two migrations are named a.0001"},
	}
	for _, tt := range tests {
		_, err := migrate.NewGraph(tt.ms)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	g, err := migrate.NewGraph(polls())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Find("polls", "000"); err == nil || !strings.Contains(err.Error(), "names several migrations") {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if n, err := g.Find("polls", "0002"); err != nil || n.Name != "0002_question_slug" {
		t.Errorf("prefix 0002: %v, %v", n, err)
	}
}

func TestMoreOperations(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ms := append(polls(),
			&migrate.Migration{App: "polls", Name: "0004_index", Dependencies: []migrate.Node{{App: "polls", Name: "0003_rename_text_title"}}, Operations: []migrate.Operation{
				migrate.AddIndex{App: "polls", Model: "Question", Index: dialect.Index{Name: "question_slug_ix", Columns: []string{"slug"}}},
			}},
			&migrate.Migration{App: "polls", Name: "0005_rename_index", Dependencies: []migrate.Node{{App: "polls", Name: "0004_index"}}, Operations: []migrate.Operation{
				migrate.RenameIndex{App: "polls", Model: "Question", Old: "question_slug_ix", New: "question_slug_idx2"},
				migrate.SeparateDatabaseAndState{
					DatabaseOperations: []migrate.Operation{migrate.RunSQL{SQL: []string{"CREATE TABLE legacy (id integer PRIMARY KEY)"}, Reverse: []string{"DROP TABLE legacy"}}},
					StateOperations:    []migrate.Operation{migrate.CreateModel{App: "polls", Name: "Legacy", Fields: []migrate.Field{{Name: "id", Column: "id", Kind: dialect.KindInt, PrimaryKey: true}}}},
				},
			}},
		)
		x := executor(t, db, ms, new(strings.Builder))
		migrateTo(t, x, "", "")
		if _, err := db.Exec(t.Context(), "SELECT id FROM legacy"); err != nil {
			t.Errorf("the database operation did not run: %v", err)
		}
		g, _ := migrate.NewGraph(ms)
		all := map[migrate.Node]bool{}
		for _, n := range g.Order() {
			all[n] = true
		}
		s, err := g.State(all)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Model("polls.legacy"); err != nil {
			t.Errorf("the state operation did not apply: %v", err)
		}
		q, _ := s.Model("polls.question")
		if len(q.Indexes) != 1 || q.Indexes[0].Name != "question_slug_idx2" {
			t.Errorf("indexes = %v", q.Indexes)
		}
		migrateTo(t, x, "polls", "0003")
		if _, err := db.Exec(t.Context(), "SELECT id FROM legacy"); err == nil {
			t.Error("going back did not reverse the database operation")
		}
	})
}

// TestMigrateChildProcess is the body of the processes
// TestMigrate_ConcurrentProcesses starts; on its own it does nothing.
func TestMigrateChildProcess(t *testing.T) {
	t.Parallel()
	url := os.Getenv("NUAGES_MIGRATE_CHILD_URL")
	if url == "" {
		return
	}
	engine, err := database.EngineFor(url, nuagestest.AllEngines())
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(t.Context(), "default", database.Config{URL: url, Engine: engine})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	migrateTo(t, executor(t, db, polls(), new(strings.Builder)), "", "")
}

// Separate processes migrating one database at once apply each migration
// once, as two instances deploying together would.
func TestMigrate_ConcurrentProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv("NUAGES_MIGRATE_CHILD_URL") != "" {
		return
	}
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		cfg := nuagestest.Config(t, engine)
		var cmds []*osexec.Cmd
		outs := make([]*strings.Builder, 3)
		for i := range outs {
			cmd := osexec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestMigrateChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "NUAGES_MIGRATE_CHILD_URL="+cfg.URL)
			outs[i] = new(strings.Builder)
			cmd.Stdout, cmd.Stderr = outs[i], outs[i]
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, outs[i])
			}
		}
		db, err := database.Open(t.Context(), "check", cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := queryString(t, db, "SELECT COUNT(*) FROM "+migrate.RecordTable); got != "4" {
			t.Errorf("%s migrations recorded by three processes, want each of the 4 once", got)
		}
	})
}
