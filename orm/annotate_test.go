package orm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Shelf struct {
	orm.Model
	Name        string `orm:"max_length=20"`
	Items       orm.Related[Item]
	NumItems    int64    `orm:"annotation"`
	TotalWeight *float64 `orm:"annotation"`
	Heaviest    int      `orm:"annotation"`
}

type Item struct {
	orm.Model
	Shelf  orm.ForeignKey[Shelf] `orm:"on_delete=cascade"`
	Weight int
}

func TestAnnotateModels(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Shelf](t), meta[Item](t))
		ctx := t.Context()
		for name, weights := range map[string][]int{"top": {1, 2, 3}, "middle": {10}, "bottom": nil} {
			s := Shelf{Name: name}
			if err := orm.Insert(ctx, db, &s); err != nil {
				t.Fatal(err)
			}
			for _, w := range weights {
				if err := orm.Insert(ctx, db, &Item{Shelf: orm.ForeignKey[Shelf]{ID: s.ID}, Weight: w}); err != nil {
					t.Fatal(err)
				}
			}
		}
		annotated := orm.Query[Shelf](db).Annotate(orm.Aggregates{
			"num_items": orm.Count("items"), "total_weight": orm.Sum("items__weight"), "heaviest": orm.Max("items__weight"),
		})
		show := func(shelves []Shelf, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range shelves {
				total := "nil"
				if s.TotalWeight != nil {
					total = fmt.Sprint(*s.TotalWeight)
				}
				out = append(out, fmt.Sprintf("%s:%d/%s/%d", s.Name, s.NumItems, total, s.Heaviest))
			}
			return strings.Join(out, " ")
		}
		cases := []struct {
			name string
			q    orm.QuerySet[Shelf]
			want string
		}{
			{"by_name", annotated.OrderBy("name"), "bottom:0/nil/0 middle:1/10/10 top:3/6/3"},
			{"by_annotation", annotated.OrderBy("-num_items"), "top:3/6/3 middle:1/10/10 bottom:0/nil/0"},
			{"filtered", annotated.Filter("name__in", []string{"top", "bottom"}).OrderBy("name"), "bottom:0/nil/0 top:3/6/3"},
			{"having", annotated.Filter("num_items__gt", 0).OrderBy("name"), "middle:1/10/10 top:3/6/3"},
			{"having_and_where", annotated.Where(orm.Q{"heaviest__lt": 5, "name__startswith": "t"}), "top:3/6/3"},
			{"exclude_having", annotated.Exclude("num_items", 1).OrderBy("name"), "bottom:0/nil/0 top:3/6/3"},
			{"filtered_aggregate", orm.Query[Shelf](db).Annotate(orm.Aggregates{"num_items": orm.Count("items").Filter(orm.Q{"items__weight__gt": 1})}).OrderBy("name"), "bottom:0/nil/0 middle:1/nil/0 top:2/nil/0"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				if got := show(tt.q.All(ctx)); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			})
		}
		if n, err := annotated.Count(ctx); err != nil || n != 3 {
			t.Errorf("Count of an annotated query = %d, %v", n, err)
		}
		if n, err := annotated.Filter("num_items__gte", 1).Count(ctx); err != nil || n != 2 {
			t.Errorf("Count with a filter on an annotation = %d, %v", n, err)
		}
		for _, bad := range []struct {
			q    orm.QuerySet[Shelf]
			want string
		}{
			{orm.Query[Shelf](db).Annotate(orm.Aggregates{"nope": orm.Count("items")}), `Shelf has no field "nope" tagged`},
			{orm.Query[Shelf](db).Filter("num_items__gt", 1), "Shelf.num_items is an annotation: Annotate it first"},
		} {
			if _, err := bad.q.All(ctx); err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("err = %v, want %q", err, bad.want)
			}
		}
	})
}
