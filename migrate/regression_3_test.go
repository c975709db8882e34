package migrate_test

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Dept struct {
	orm.Model
	Head *orm.ForeignKey[Emp] `orm:"on_delete=set_null,null,related_name=heads"`
}
type Emp struct {
	orm.Model
	Dept orm.ForeignKey[Dept] `orm:"on_delete=cascade"`
}

func TestRegression_MutualFK(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		apps := []migrate.AppModels{{App: "hr", Models: []*orm.Meta{metaOf[Dept](t), metaOf[Emp](t)}}}
		to, _, err := migrate.StateOf(apps)
		if err != nil {
			t.Fatal(err)
		}
		ops, _ := migrate.Changes(migrate.NewState(), to, nil)
		for _, op := range ops["hr"] {
			t.Log(op.Describe())
		}
		x := executor(t, db, []*migrate.Migration{{App: "hr", Name: "0001_initial", Operations: ops["hr"]}}, new(strings.Builder))
		steps, _ := x.Plan(t.Context(), "", "")
		if err := x.Migrate(t.Context(), steps, migrate.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

type Node struct {
	orm.Model
	Parent *orm.ForeignKey[Node] `orm:"on_delete=do_nothing,null,related_name=children"`
}

func TestRegression_FlushSelfFK(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		apps := []migrate.AppModels{{App: "tree", Models: []*orm.Meta{metaOf[Node](t)}}}
		to, _, err := migrate.StateOf(apps)
		if err != nil {
			t.Fatal(err)
		}
		ops, _ := migrate.Changes(migrate.NewState(), to, nil)
		migrateTo(t, executor(t, db, []*migrate.Migration{{App: "tree", Name: "0001_initial", Operations: ops["tree"]}}, new(strings.Builder)), "", "")
		exec(t, db, "INSERT INTO "+metaOf[Node](t).Table+" (id, parent_id) VALUES (1, NULL)")
		exec(t, db, "INSERT INTO "+metaOf[Node](t).Table+" (id, parent_id) VALUES (2, 1)")
		if err := migrate.Flush(t.Context(), db, apps); err != nil {
			t.Errorf("flush: %v", err)
		}
	})
}
