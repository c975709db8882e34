package nuagestest_test

import (
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Tag struct {
	orm.Model
	Name string `orm:"max_length=20"`
}

type Post struct {
	orm.Model
	Title string `orm:"max_length=50"`
	Tags  orm.ManyToMany[Tag]
}

// The tables, many-to-many included, take rows on every engine.
func TestCreateTables(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, Post{}, Tag{})
		tag, post := Tag{Name: "go"}, Post{Title: "Hello"}
		if err := orm.Insert(t.Context(), db, &tag); err != nil {
			t.Fatal(err)
		}
		if err := orm.Insert(t.Context(), db, &post); err != nil {
			t.Fatal(err)
		}
		links := orm.Links(db, &post, &post.Tags)
		if err := links.Add(t.Context(), tag); err != nil {
			t.Fatal(err)
		}
		if n, err := links.Query().Count(t.Context()); err != nil || n != 1 {
			t.Errorf("tags of the post: %d, %v", n, err)
		}
	})
}
