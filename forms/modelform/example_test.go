package modelform_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/forms/modelform"
	"github.com/nuages-go/nuages/orm"
)

type Question struct {
	orm.Model
	Text string `orm:"max_length=200,unique,verbose_name=question text"`
}

func ExampleNew() {
	ctx := context.Background()
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	createTable[Question](ctx, db)

	for _, text := range []string{"What's up?", "What's up?"} {
		f, err := modelform.New[Question](ctx, db, nil, modelform.Options{})
		if err != nil {
			panic(err)
		}
		f.BindValues(url.Values{"text": {text}}, nil)
		ok, err := f.IsValid(ctx)
		if err != nil {
			panic(err)
		}
		if !ok {
			fmt.Println(f.Errors())
			continue
		}
		q, err := f.Save(ctx)
		fmt.Println(q.ID, q.Text, err)
	}
	// Output:
	// 1 What's up? <nil>
	// text: Question with this Question text already exists.
}

// createTable stands for the migrations a project runs.
func createTable[T any](ctx context.Context, db *database.DB) {
	m, err := orm.MetaOf[T]()
	if err != nil {
		panic(err)
	}
	schema, err := m.TableSchema(db.Dialect())
	if err != nil {
		panic(err)
	}
	stmts, err := db.Dialect().CreateTable(schema)
	if err != nil {
		panic(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s); err != nil {
			panic(err)
		}
	}
}
