package orm_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Tag struct {
	orm.Model
	Name string `orm:"max_length=30,unique"`
	Uses int
}

func TestBulkCreate(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Tag](t))
		ctx := t.Context()
		tags := make([]Tag, 5000) // more bound values than one statement takes
		for i := range tags {
			tags[i] = Tag{Name: fmt.Sprintf("tag%d", i), Uses: i}
		}
		if err := orm.BulkCreate(ctx, db, tags); err != nil {
			t.Fatal(err)
		}
		if n, err := orm.Query[Tag](db).Count(ctx); err != nil || n != 5000 {
			t.Fatalf("count = %d, %v", n, err)
		}
		if db.Dialect().Features().Returning {
			got, err := orm.Query[Tag](db).Filter("pk", tags[4321].ID).Get(ctx)
			if err != nil || got.Name != "tag4321" {
				t.Errorf("the key written back into tags[4321] finds %+v, %v", got, err)
			}
		}

		dups := []Tag{{Name: "tag1", Uses: -1}, {Name: "fresh", Uses: 7}}
		if err := orm.BulkCreate(ctx, db, dups); !errors.Is(err, database.ErrUniqueViolation) {
			t.Errorf("duplicates without Conflict: %v, want a unique violation", err)
		}
		if ok, _ := orm.Query[Tag](db).Filter("name", "fresh").Exists(ctx); ok {
			t.Error("a failed BulkCreate left rows behind: it must be one transaction")
		}
		if err := orm.BulkCreate(ctx, db, dups, orm.Conflict{Ignore: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := orm.Query[Tag](db).Filter("name", "tag1").Get(ctx); got.Uses != 1 {
			t.Errorf("ignored conflict changed the row: uses = %d", got.Uses)
		}
		upd := []Tag{{Name: "tag2", Uses: 200}, {Name: "fresh2", Uses: 1}}
		if err := orm.BulkCreate(ctx, db, upd, orm.Conflict{Target: []string{"name"}, Update: []string{"uses"}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := orm.Query[Tag](db).Filter("name", "tag2").Get(ctx); got.Uses != 200 {
			t.Errorf("updating conflict: uses = %d, want 200", got.Uses)
		}
		if n, _ := orm.Query[Tag](db).Count(ctx); n != 5002 {
			t.Errorf("count = %d, want 5002", n)
		}
		if err := orm.BulkCreate(ctx, db, upd, orm.Conflict{Target: []string{"nope"}, Update: []string{"uses"}}); err == nil {
			t.Error("a Conflict naming no field was accepted")
		}
	})
}

func TestGetOrCreateAndUpdateOrCreate(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Tag](t))
		ctx := t.Context()
		q := orm.Query[Tag](db).Filter("name", "go")
		got, created, err := q.GetOrCreate(ctx, Tag{Name: "go", Uses: 1})
		if err != nil || !created || got.ID == 0 {
			t.Fatalf("first GetOrCreate = %+v, %v, %v", got, created, err)
		}
		again, created, err := q.GetOrCreate(ctx, Tag{Name: "go", Uses: 99})
		if err != nil || created || again.ID != got.ID || again.Uses != 1 {
			t.Errorf("second GetOrCreate = %+v, %v, %v; want the existing row", again, created, err)
		}
		upd, created, err := q.UpdateOrCreate(ctx, orm.Set{"uses": orm.F("uses").Add(1)}, Tag{Name: "go"})
		if err != nil || created || upd.Uses != 2 {
			t.Errorf("UpdateOrCreate of an existing row = %+v, %v, %v; want uses 2", upd, created, err)
		}
		fresh, created, err := orm.Query[Tag](db).Filter("name", "rust").UpdateOrCreate(ctx, orm.Set{"uses": 5}, Tag{Name: "rust", Uses: 1})
		if err != nil || !created || fresh.Uses != 1 || fresh.ID == 0 {
			t.Errorf("UpdateOrCreate of a new row = %+v, %v, %v", fresh, created, err)
		}
	})
}
