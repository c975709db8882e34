package migrate_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type RTag struct {
	orm.Model
	Label string `orm:"max_length=20"`
}

type Post struct {
	orm.Model
	Title   string    `orm:"max_length=20"`
	Updated time.Time `orm:"auto_now"`
	Tags    orm.ManyToMany[RTag]
}

func postApps(t *testing.T) []migrate.AppModels {
	return []migrate.AppModels{{App: "blog", Models: []*orm.Meta{metaOf[RTag](t), metaOf[Post](t)}}}
}

func TestRegression_FixtureM2MAndAutoNow(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		to, _, err := migrate.StateOf(postApps(t))
		if err != nil {
			t.Fatal(err)
		}
		ops, _ := migrate.Changes(migrate.NewState(), to, nil)
		migrateTo(t, executor(t, db, []*migrate.Migration{{App: "blog", Name: "0001_initial", Operations: ops["blog"]}}, new(strings.Builder)), "", "")
		tag := RTag{Label: "go"}
		if err := orm.Insert(ctx, db, &tag); err != nil {
			t.Fatal(err)
		}
		p := Post{Title: "p"}
		if err := orm.Insert(ctx, db, &p); err != nil {
			t.Fatal(err)
		}
		if err := orm.Links(db, &p, &p.Tags).Add(ctx, tag); err != nil {
			t.Fatal(err)
		}
		old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := orm.Query[Post](db).Update(ctx, orm.Set{"updated": old}); err != nil {
			t.Fatal(err)
		}
		var dump bytes.Buffer
		if err := migrate.Dump(ctx, db, postApps(t), &dump, migrate.DumpOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("dump: %s", dump.String())
		if !strings.Contains(dump.String(), `"tags":[1]`) {
			t.Errorf("dump lacks the many-to-many field, Django writes \"tags\": [1]")
		}
		if err := migrate.Flush(ctx, db, postApps(t)); err != nil {
			t.Fatal(err)
		}
		if _, err := migrate.Load(ctx, db, postApps(t), "d.json", bytes.NewReader(dump.Bytes())); err != nil {
			t.Fatal(err)
		}
		got, err := orm.Query[Post](db).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Updated.Equal(old) {
			t.Errorf("updated = %v after loaddata, want the fixture's %v (Django loads raw)", got.Updated, old)
		}
		n, _ := orm.Links(db, &got, &got.Tags).Query().Count(ctx)
		if n != 1 {
			t.Errorf("%d tags after dump/flush/load, want 1", n)
		}
		// Django's own fixture with the m2m list
		if err := migrate.Flush(ctx, db, postApps(t)); err != nil {
			t.Fatal(err)
		}
		dj := `[{"model":"blog.rtag","pk":1,"fields":{"label":"go"}},{"model":"blog.post","pk":1,"fields":{"title":"p","updated":"2020-01-01T00:00:00Z","tags":[1]}}]`
		if _, err := migrate.Load(ctx, db, postApps(t), "dj.json", strings.NewReader(dj)); err != nil {
			t.Errorf("Django fixture with a many-to-many: %v", err)
		}
	})
}

// makemigrations: a field renamed with its column kept by db_column.
type RenA struct {
	orm.Model
	Text string `orm:"max_length=20"`
}
type RenB struct {
	orm.Model
	Title string `orm:"max_length=20,db_column=text"`
}

type ryes struct{}

func (ryes) Renamed(model, old, new string) bool { return true }
func (ryes) RenamedModel(old, new string) bool   { return false }

func TestRegression_AutodetectRenameKeepsColumn(t *testing.T) {
	a := metaOf[RenA](t)
	b := metaOf[RenB](t)
	from, _, _ := migrate.StateOf([]migrate.AppModels{{App: "x", Models: []*orm.Meta{a}}})
	to, _, _ := migrate.StateOf([]migrate.AppModels{{App: "x", Models: []*orm.Meta{b}}})
	// make the model names agree
	fm := from.Models["x.rena"]
	delete(from.Models, "x.rena")
	fm.Name, fm.Table = "RenB", b.Table
	from.Models["x.renb"] = fm
	ops, _ := migrate.Changes(from, to, ryes{})
	t.Logf("ops %#v", ops["x"])
	s := from.Clone()
	for _, op := range ops["x"] {
		if err := op.State(s); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(s.Models["x.renb"].Fields, to.Models["x.renb"].Fields) {
		t.Errorf("replayed %+v\nmodels   %+v", s.Models["x.renb"].Fields, to.Models["x.renb"].Fields)
	}
}
