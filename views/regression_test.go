package views_test

import (
	"io/fs"
	"net/http"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/views"
	"github.com/nuages-go/nuages/web"
)

// Regression tests of the bugs a review of the web core found (each
// comment says what was wrong and what is right).

// Product has a text primary key, such as product codes "5", "12", "A7".
type Product struct {
	Code  string `orm:"primary_key,max_length=10"`
	Title string `orm:"max_length=50"`
}

// DetailView with the route "products/<int:pk>/" over a model whose
// primary key is text hands the converter's int straight to
// Filter("pk", 5) (views.go object: web.Param[any]); the ORM binds it as
// it is (orm/compile.go fieldOperand falls back to c.operand for a value
// not of the field's Go type), and PostgreSQL's driver refuses an int for
// a text column: a 500 ("unable to encode 5 into text format"), while
// SQLite and MySQL find the row. Django prepares every lookup value with
// the field (CharField.get_prep_value → "5"), on every database. The
// value should be converted to the field's type (in fieldOperand, for
// every lookup, or at least in DetailView for the pk).
func TestReviewDetailViewIntRouteTextPrimaryKey(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, Product{})
		if err := orm.Insert(t.Context(), db, &Product{Code: "5", Title: "Five"}); err != nil {
			t.Fatal(err)
		}
		engine := templates.New(templates.Options{Dirs: []fs.FS{pages}})
		rt, err := web.NewRouter(web.Options{Errors: &web.Errors{Logger: quiet}},
			web.Path("products/<int:pk>/", views.DetailView[Product]{Renderer: engine, Template: "detail.html",
				Query: func(*http.Request) orm.QuerySet[Product] { return orm.Query[Product](db) }}, "product"))
		if err != nil {
			t.Fatal(err)
		}
		nuagestest.NewClient(t, rt).Get("/products/5/").AssertContains("<h1>Five</h1>")
	})
}
