package polls_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/examples/polls/polls"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// The migrations create the tables the models read and write, on every
// engine: the hand-written history and the structs agree.
func TestMigrationsMatchModels(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		g, err := migrate.NewGraph(polls.App{}.Migrations())
		if err != nil {
			t.Fatal(err)
		}
		x := migrate.NewExecutor(db, g, new(strings.Builder))
		steps, err := x.Plan(ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Migrate(ctx, steps, migrate.Options{}); err != nil {
			t.Fatal(err)
		}
		q := polls.Question{Text: "What's new?", PubDate: time.Now()}
		if err := orm.Insert(ctx, db, &q); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"Not much", "The sky"} {
			if err := orm.Insert(ctx, db, &polls.Choice{Question: orm.ForeignKey[polls.Question]{ID: q.ID}, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := orm.Query[polls.Question](db).PrefetchRelated("choices").Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		choices, _ := got.Choices.Loaded()
		var texts []string
		for _, c := range choices {
			texts = append(texts, fmt.Sprintf("%s:%d", c.Text, c.Votes))
		}
		slices.Sort(texts)
		if fmt.Sprint(texts) != "[Not much:0 The sky:0]" {
			t.Errorf("choices = %v", texts)
		}
	})
}

// The committed migrations are what makemigrations writes for the models:
// none is missing, and the source is the writer's, byte for byte.
func TestMigrationsUpToDate(t *testing.T) {
	t.Parallel()
	g, err := migrate.NewGraph(polls.App{}.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	all := map[migrate.Node]bool{}
	for _, n := range g.Order() {
		all[n] = true
	}
	from, err := g.State(all)
	if err != nil {
		t.Fatal(err)
	}
	var metas []*orm.Meta
	for _, v := range (polls.App{}).Models() {
		m, err := orm.MetaOfType(reflect.TypeOf(v))
		if err != nil {
			t.Fatal(err)
		}
		metas = append(metas, m)
	}
	to, _, err := migrate.StateOf([]migrate.AppModels{{App: "polls", Models: metas}})
	if err != nil {
		t.Fatal(err)
	}
	if ops, _ := migrate.Changes(from, to, nil); len(ops["polls"]) > 0 {
		t.Errorf("the models changed without a migration: run makemigrations (%d operations pending)", len(ops["polls"]))
	}
	for _, n := range g.Order() {
		m, _ := g.Migration(n)
		want, err := migrate.Source("migrations", m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("migrations", n.Name+".go"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("migrations/%s.go is not what makemigrations writes:\n%s", n.Name, want)
		}
	}
}
