package migrate_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
)

// shop's history, without data migrations: it squashes to one CreateModel.
func shop() []*migrate.Migration {
	n := func(name string) migrate.Node { return migrate.Node{App: "shop", Name: name} }
	return []*migrate.Migration{
		{App: "shop", Name: "0001_initial", Operations: []migrate.Operation{
			migrate.CreateModel{App: "shop", Name: "Product", Table: "product", Fields: []migrate.Field{id(), {Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 20}}},
			migrate.CreateModel{App: "shop", Name: "Draft", Table: "draft", Fields: []migrate.Field{id()}},
		}},
		{App: "shop", Name: "0002_product_price", Dependencies: []migrate.Node{n("0001_initial")}, Operations: []migrate.Operation{
			migrate.AddField{App: "shop", Model: "Product", Field: migrate.Field{Name: "price", Column: "price", Kind: dialect.KindInt, Default: "0"}},
			migrate.AddField{App: "shop", Model: "Product", Field: migrate.Field{Name: "tmp", Column: "tmp", Kind: dialect.KindInt, Null: true}},
		}},
		{App: "shop", Name: "0003_rename", Dependencies: []migrate.Node{n("0002_product_price")}, Operations: []migrate.Operation{
			migrate.RenameField{App: "shop", Model: "Product", Old: "name", New: "title"},
			migrate.RemoveField{App: "shop", Model: "Product", Name: "tmp"},
			migrate.DeleteModel{App: "shop", Name: "Draft"},
		}},
		{App: "orders", Name: "0001_initial", Dependencies: []migrate.Node{n("0002_product_price")}, Operations: []migrate.Operation{
			migrate.CreateModel{App: "orders", Name: "Line", Table: "line", Fields: []migrate.Field{id(), {Name: "product", Column: "product_id", Kind: dialect.KindBigInt, Index: true, To: "shop.product", OnDelete: dialect.Cascade}}},
		}},
	}
}

func fullState(t *testing.T, ms []*migrate.Migration) *migrate.State {
	t.Helper()
	g, err := migrate.NewGraph(ms)
	if err != nil {
		t.Fatal(err)
	}
	all := map[migrate.Node]bool{}
	for _, n := range g.Order() {
		all[n] = true
	}
	s, err := g.State(all)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSquash(t *testing.T) {
	t.Parallel()
	g, err := migrate.NewGraph(shop())
	if err != nil {
		t.Fatal(err)
	}
	sq, err := migrate.Squash(g, "shop", "0003", "")
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, op := range sq.Operations {
		ops = append(ops, op.Describe())
	}
	if sq.Name != "0001_squashed_0003_rename" || fmt.Sprint(ops) != "[Create model Product]" || len(sq.Replaces) != 3 {
		t.Errorf("squashed %s: %v, replaces %v", sq.Name, ops, sq.Replaces)
	}
	if !reflect.DeepEqual(fullState(t, shop()), fullState(t, append(shop(), sq))) {
		t.Error("the squashed history gives another state")
	}
	if _, err := migrate.Source("migrations", sq); err != nil {
		t.Errorf("the squash cannot be written: %v", err)
	}

	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		// A database that ran the originals has run the squash; a new one
		// runs the squash alone; both end with the same tables.
		old := nuagestest.OpenDB(t, engine)
		migrateTo(t, executor(t, old, shop(), new(strings.Builder)), "", "")
		x := executor(t, old, append(shop(), sq), new(strings.Builder))
		if steps, err := x.Plan(t.Context(), "", ""); err != nil || len(steps) != 0 {
			t.Errorf("after the originals: plan %v, %v; want nothing", steps, err)
		}
		fresh := nuagestest.OpenDB(t, engine)
		var out strings.Builder
		migrateTo(t, executor(t, fresh, append(shop(), sq), &out), "", "")
		if !strings.Contains(out.String(), "Applying shop.0001_squashed_0003_rename... OK") || strings.Contains(out.String(), "shop.0002") {
			t.Errorf("a new database ran:\n%s", out.String())
		}
		for _, db := range []*database.DB{old, fresh} {
			if _, err := db.Exec(t.Context(), "INSERT INTO product (title, price) VALUES ('tea', 3)"); err != nil {
				t.Errorf("product after the squash: %v", err)
			}
		}
		// Half the originals applied: refused, with what to do.
		half := nuagestest.OpenDB(t, engine)
		migrateTo(t, executor(t, half, shop(), new(strings.Builder)), "shop", "0001")
		_, err := executor(t, half, append(shop(), sq), new(strings.Builder)).Plan(t.Context(), "", "")
		if err == nil || !strings.Contains(err.Error(), "applied only some: migrate it with the original migrations first") {
			t.Errorf("half applied: %v", err)
		}
	})
}

// A RunGo is kept, by reference to its migration, and folding stops at it.
func TestSquashKeepsRunGo(t *testing.T) {
	t.Parallel()
	g, err := migrate.NewGraph(polls())
	if err != nil {
		t.Fatal(err)
	}
	sq, err := migrate.Squash(g, "polls", "0003", "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := migrate.Source("migrations", sq)
	if err != nil || !strings.Contains(string(src), "m0002QuestionSlug.Operations[1],") {
		t.Errorf("source: %v\n%s", err, src)
	}
	if refs := migrate.References(sq); len(refs) != 1 || !strings.HasPrefix(refs[0], "0002_question_slug: operation 2, ") {
		t.Errorf("References = %q", refs)
	}
	if !reflect.DeepEqual(fullState(t, polls()), fullState(t, append(polls(), sq))) {
		t.Error("the squashed history gives another state")
	}
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		x := executor(t, db, append(polls(), sq), new(strings.Builder))
		migrateTo(t, x, "", "")
		if _, err := db.Exec(t.Context(), "INSERT INTO question (title, slug) VALUES ('t', 's')"); err != nil {
			t.Errorf("after the squash: %v", err)
		}
	})
}
