package migrate_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// A data migration creates rows of the historical models, by the field
// names of its point in history, and reads them back as they were written.
func TestEditorCreate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	// Each engine runs its own migration, whose check collects its own
	// problems.
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		var problems []string
		check := func(what string, got, want any) {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				problems = append(problems, fmt.Sprintf("%s = %v, want %v", what, got, want))
			}
		}
		seed := migrate.RunGo{
			Name: "seed the shop",
			Code: func(e *migrate.Editor, s *migrate.State) error {
				shop, err := e.Create(s, "shop.shop", orm.Set{"name": "corner"})
				if err != nil {
					return err
				}
				item, err := e.Create(s, "shop.item", orm.Set{
					"shop": shop, "label": "tea", "price": "3.50", "stock": int32(12),
					"weight": 2, "data": map[string]any{"tags": []string{"green"}}, "added": at,
				})
				if err != nil {
					return err
				}
				bare, err := e.Create(s, "shop.item", orm.Set{"shop": shop, "label": "bare", "price": "0", "added": at})
				if err != nil {
					return err
				}
				code, err := e.Create(s, "shop.code", orm.Set{"code": "AB", "active": true})
				check("the given key", code, "AB")
				if err != nil {
					return err
				}
				for _, c := range []struct {
					key    string
					values orm.Set
					want   string
				}{
					{"shop.item", orm.Set{"label": "x"}, "Item.price is a decimal without NULL: give it a value"},
					{"shop.item", orm.Set{"nope": 1}, `historical model Item has no field "nope"; the fields are pk, id, shop, label, price, stock, weight, data, added`},
					{"shop.item", orm.Set{"label": 5}, "Item.label: takes a string, not a int"},
					{"shop.item", orm.Set{"price": "1", "stock": 2.5}, "Item.stock: takes a int64, not a float64"},
					{"shop.item", orm.Set{"price": "1", "stock": uint64(1 << 63)}, "overflows a int64"},
					{"shop.nope", orm.Set{}, `no model "shop.nope"`},
				} {
					if _, err := e.Create(s, c.key, c.values); err == nil || !strings.Contains(err.Error(), c.want) {
						problems = append(problems, fmt.Sprintf("Create(%s, %v) = %v, want %q", c.key, c.values, err, c.want))
					}
				}
				q, err := e.Model(s, "shop.item")
				if err != nil {
					return err
				}
				rows, err := q.OrderBy("id").Values("id", "shop", "label", "price", "stock", "weight", "data", "added").All(e.Context())
				if err != nil {
					return err
				}
				if len(rows) != 2 {
					return fmt.Errorf("%d items", len(rows))
				}
				check("first key", rows[0]["id"], item)
				check("second key", rows[1]["id"], bare)
				check("shop", rows[0]["shop"], shop)
				check("price", rows[0]["price"], "3.50")
				if stock, ok := rows[0]["stock"].(*int64); !ok || stock == nil || *stock != 12 {
					problems = append(problems, fmt.Sprintf("stock = %#v, want 12", rows[0]["stock"]))
				}
				check("weight", rows[0]["weight"], 2)
				var data map[string]any
				if err := json.Unmarshal(rows[0]["data"].(json.RawMessage), &data); err != nil {
					return err
				}
				check("data", data["tags"], []any{"green"})
				check("added", rows[0]["added"].(time.Time).UTC(), at)
				check("NULL stock", rows[1]["stock"], (*int64)(nil))
				check("zero price", rows[1]["price"], "0.00")
				return nil
			},
			Reverse: func(*migrate.Editor, *migrate.State) error { return nil },
		}
		m := &migrate.Migration{App: "shop", Name: "0001_initial", Operations: []migrate.Operation{
			migrate.CreateModel{App: "shop", Name: "Shop", Fields: []migrate.Field{id(), {Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 20}}},
			migrate.CreateModel{App: "shop", Name: "Item", Fields: []migrate.Field{
				id(),
				{Name: "shop", Column: "shop_id", Kind: dialect.KindBigInt, Index: true, To: "shop.shop", OnDelete: dialect.Cascade},
				{Name: "label", Column: "label", Kind: dialect.KindChar, MaxLength: 20},
				{Name: "price", Column: "price", Kind: dialect.KindDecimal, Precision: 6, Scale: 2},
				{Name: "stock", Column: "stock", Kind: dialect.KindInt, Null: true},
				{Name: "weight", Column: "weight", Kind: dialect.KindFloat},
				{Name: "data", Column: "data", Kind: dialect.KindJSON, Null: true},
				{Name: "added", Column: "added", Kind: dialect.KindDateTime},
			}},
			migrate.CreateModel{App: "shop", Name: "Code", Fields: []migrate.Field{
				{Name: "code", Column: "code", Kind: dialect.KindChar, MaxLength: 5, PrimaryKey: true},
				{Name: "active", Column: "active", Kind: dialect.KindBool},
			}},
			seed,
		}}
		migrateTo(t, executor(t, db, []*migrate.Migration{m}, new(strings.Builder)), "", "")
		for _, p := range problems {
			t.Error(p)
		}
	})
}
