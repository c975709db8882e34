package orm_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Doc struct {
	orm.Model
	Name string
	Data map[string]any
}

func TestJSONKeyLookups(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Doc](t))
		ctx := t.Context()
		for _, d := range []Doc{
			{Name: "bob", Data: map[string]any{"owner": map[string]any{"name": "Bob"}, "n": 2, "tags": []any{"a", "b"}}},
			{Name: "ann", Data: map[string]any{"owner": map[string]any{"name": "Ann"}, "n": "2", "tags": []any{"b"}}},
			{Name: "ten", Data: map[string]any{"n": 10, "flag": true, "o'k": 1, "html": "<b>&"}},
			{Name: "nil", Data: map[string]any{"n": nil}},
		} {
			if err := orm.Insert(ctx, db, &d); err != nil {
				t.Fatal(err)
			}
		}
		docs := orm.Query[Doc](db)
		cases := []struct {
			name   string
			lookup string
			value  any
			want   string
		}{
			{"nested_key", "data__owner__name", "Bob", "[bob]"},
			{"number_is_not_string", "data__n", 2, "[bob]"},
			{"string_is_not_number", "data__n", "2", "[ann]"},
			{"json_null", "data__n", nil, "[nil]"},
			{"bool", "data__flag", true, "[ten]"},
			{"bool_is_not_one", "data__n", true, "[]"},
			{"missing_key", "data__owner__isnull", true, "[nil ten]"},
			{"present_key", "data__owner__isnull", false, "[ann bob]"},
			{"has_key", "data__has_key", "flag", "[ten]"},
			{"nested_has_key", "data__owner__has_key", "name", "[ann bob]"},
			{"array_index", "data__tags__0", "b", "[ann]"},
			{"in_typed", "data__n__in", []any{2, "2"}, "[ann bob]"},
			{"gt_numbers_only", "data__n__gt", 1, "[bob ten]"},
			{"lt_numbers_only", "data__n__lt", 3, "[bob]"},
			{"quoted_key", "data__o'k", 1, "[ten]"},
			{"html_characters", "data__html", "<b>&", "[ten]"},
			{"injection_in_key", `data__n') OR 1=1 --`, 2, "[]"},
			{"injection_in_key_double_quote", `data__n" || true || "`, 2, "[]"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				got, err := orm.Column[string](ctx, docs.Filter(tt.lookup, tt.value), "name")
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if fmt.Sprint(got) != tt.want {
					t.Errorf("Filter(%q, %v) = %v, want %s", tt.lookup, tt.value, got, tt.want)
				}
			})
		}
		if _, err := docs.Filter("data__n__gt", "1").All(ctx); err == nil {
			t.Error("gt with a string on a JSON key did not fail")
		}
	})
}
