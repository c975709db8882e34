package nuages_test

import (
	"context"
	"fmt"
	"reflect"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/orm"
)

// Post is a journal's entry; its comments go with it.
type Post struct {
	orm.Model
	Title string `orm:"max_length=100"`
}

// Comment is a reader's comment on a Post.
type Comment struct {
	orm.Model
	Post orm.ForeignKey[Post] `orm:"on_delete=cascade"`
	Text string               `orm:"max_length=200"`
}

// journal lists its models (a Modeler) and hooks their writes (a
// HookProvider).
type journal struct{}

func (journal) Name() string  { return "journal" }
func (journal) Models() []any { return []any{Post{}, Comment{}} }

func (journal) Hooks(r *orm.Registry) error {
	return orm.Register(r, orm.On(orm.AfterDelete, func(ctx context.Context, e orm.Event[Comment]) error {
		fmt.Println("deleted comment:", e.Obj.Text)
		return nil
	}))
}

// A project's databases follow its apps' models and hooks: deleting a
// post takes its comments along, in Go, running their hooks.
func ExampleHookProvider() {
	ctx := context.Background()
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"example"
	s.SessionEngine = nuages.SessionsNone
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	p, err := nuages.New(ctx, s, journal{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	db, err := p.DB(ctx, "default")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := createTables(ctx, db, Post{}, Comment{}); err != nil { // what migrate does from the app's migrations
		fmt.Println(err)
		return
	}

	post := Post{Title: "Hello"}
	if err := orm.Insert(ctx, db, &post); err != nil {
		fmt.Println(err)
		return
	}
	if err := orm.Insert(ctx, db, &Comment{Post: orm.ForeignKey[Post]{ID: post.ID}, Text: "First!"}); err != nil {
		fmt.Println(err)
		return
	}
	if err := orm.Delete(ctx, db, &post); err != nil {
		fmt.Println(err)
	}
	// Output: deleted comment: First!
}

// createTables creates the tables of models from their metadata.
func createTables(ctx context.Context, db *database.DB, models ...any) error {
	for _, v := range models {
		m, err := orm.MetaOfType(reflect.TypeOf(v))
		if err != nil {
			return err
		}
		schema, err := m.TableSchema(db.Dialect())
		if err != nil {
			return err
		}
		stmts, err := db.Dialect().CreateTable(schema)
		if err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := db.Exec(ctx, s); err != nil {
				return err
			}
		}
	}
	return nil
}
