package orm_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// OrderLine has a composite primary key (order, line), as Django's
// CompositePrimaryKey("order", "line").
type OrderLine struct {
	Order   int64
	Line    int
	Product string `orm:"max_length=20"`
	Qty     int
}

func (OrderLine) Meta() orm.Options { return orm.Options{PrimaryKey: []string{"order", "line"}} }

type LineNote struct {
	orm.Model
	Line orm.ForeignKey[OrderLine] `orm:"on_delete=cascade"`
}

type TwoKeys struct {
	orm.Model
	A int
}

func (TwoKeys) Meta() orm.Options { return orm.Options{PrimaryKey: []string{"a", "id"}} }

func TestCompositePrimaryKey(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[OrderLine](t))
		ctx := t.Context()
		lines := orm.Query[OrderLine](db)
		for _, l := range []OrderLine{{1, 1, "tea", 2}, {1, 2, "cake", 1}, {2, 1, "tea", 5}} {
			if err := orm.Insert(ctx, db, &l); err != nil {
				t.Fatal(err)
			}
		}
		if err := orm.Insert(ctx, db, &OrderLine{Order: 1, Line: 2, Product: "dup"}); !errors.Is(err, dialect.ErrUniqueViolation) {
			t.Errorf("a second (1, 2): %v, want a unique violation", err)
		}
		got, err := lines.Filter("pk", []any{1, 2}).Get(ctx)
		if err != nil || got.Product != "cake" {
			t.Fatalf("Get (1, 2) = %+v, %v", got, err)
		}
		got.Qty = 3
		if err := orm.Save(ctx, db, &got); err != nil {
			t.Fatal(err)
		}
		n, err := lines.Filter("pk__in", [][]any{{1, 2}, {2, 1}}).Filter("qty__gte", 3).Count(ctx)
		if err != nil || n != 2 {
			t.Errorf("pk__in count = %d, %v; want 2 after Save", n, err)
		}
		last, _, err := lines.Last(ctx)
		if err != nil || last.Order != 2 || last.Line != 1 {
			t.Errorf("Last by key = %+v, %v", last, err)
		}
		fresh := OrderLine{Order: 2, Line: 1}
		if err := orm.Refresh(ctx, db, &fresh); err != nil || fresh.Qty != 5 {
			t.Errorf("Refresh = %+v, %v", fresh, err)
		}
		if err := orm.Delete(ctx, db, &fresh); err != nil {
			t.Fatal(err)
		}
		if err := orm.Delete(ctx, db, &fresh); !errors.Is(err, orm.ErrDoesNotExist) || !strings.Contains(err.Error(), "(2, 1)") {
			t.Errorf("deleting it again: %v", err)
		}
		if n, _ := lines.Count(ctx); n != 2 {
			t.Errorf("%d lines left, want 2", n)
		}
		if _, err := lines.Filter("pk", 1).All(ctx); err == nil || !strings.Contains(err.Error(), "give the values of order, line") {
			t.Errorf("a pk that is not a pair: %v", err)
		}
	})
}

func TestCompositePrimaryKey_Refused(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	migrate(t, db, meta[OrderLine](t))
	_, schemaErr := meta[OrderLine](t).TableSchema(db.Dialect())
	schema, _ := meta[OrderLine](t).TableSchema(db.Dialect())
	_, err := orm.Query[LineNote](db).Filter("line__product", "tea").All(t.Context())
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"schema", schemaErr, ""},
		{"relation_to_it", err, "whose primary key is composite: no relation can point to it"},
		{"with_orm_model", metaErr[TwoKeys](), "declares Options.PrimaryKey and the primary key field ID"},
	}
	for _, tt := range tests {
		if (tt.want == "") != (tt.err == nil) || (tt.err != nil && !strings.Contains(tt.err.Error(), tt.want)) {
			t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
		}
	}
	if fmt.Sprint(schema.PrimaryKey) != "[order line]" {
		t.Errorf("table primary key = %v", schema.PrimaryKey)
	}
}
