package orm_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// Amount stands for a decimal library's type (shopspring/decimal.Decimal
// and the like): all the ORM needs is MarshalText and UnmarshalText.
type Amount struct{ text string }

func (a Amount) MarshalText() ([]byte, error) {
	if a.text == "" {
		return []byte("0"), nil
	}
	return []byte(a.text), nil
}

func (a *Amount) UnmarshalText(b []byte) error { a.text = string(b); return nil }

func (a Amount) String() string { return a.text }

type Invoice struct {
	orm.Model
	Label  string  `orm:"max_length=20"`
	Total  Amount  `orm:"max_digits=20,decimal_places=2"`
	Rate   string  `orm:"max_digits=6,decimal_places=4"`
	Refund *Amount `orm:"max_digits=10,decimal_places=2,null"`
	Qty    int
}

func amount(s string) Amount { return Amount{s} }

// invoices inserts rows whose text order differs from their value order,
// one beyond a float64's precision, and one that must be rounded.
func invoices(t *testing.T, db *database.DB) {
	t.Helper()
	migrate(t, db, meta[Invoice](t))
	refund := amount("1.25")
	for _, inv := range []Invoice{
		{Label: "a", Total: amount("0.10"), Rate: "0.0825", Qty: 3},
		{Label: "b", Total: amount("0.20"), Rate: "1", Qty: 1},
		{Label: "c", Total: amount("9.50"), Rate: "0.5", Qty: 2, Refund: &refund},
		{Label: "d", Total: amount("10"), Rate: "0", Qty: 0},
		{Label: "e", Total: amount("123456789012345678.99"), Rate: "0", Qty: 1},
		{Label: "f", Total: amount("-1.005"), Rate: "0", Qty: 1}, // rounds to -1.01
	} {
		if err := orm.Insert(t.Context(), db, &inv); err != nil {
			t.Fatal(err)
		}
	}
}

func labels(t *testing.T, rows []Invoice, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Label
	}
	return strings.Join(out, ",")
}

func TestDecimal_Queries(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		invoices(t, db)
		ctx := t.Context()
		inv := orm.Query[Invoice](db).OrderBy("label")
		t.Run("round_trip", func(t *testing.T) {
			rows, err := inv.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				refund := "nil"
				if r.Refund != nil {
					refund = r.Refund.text
				}
				got = append(got, r.Total.text+"/"+r.Rate+"/"+refund)
			}
			want := "[0.10/0.0825/nil 0.20/1.0000/nil 9.50/0.5000/1.25 10.00/0.0000/nil 123456789012345678.99/0.0000/nil -1.01/0.0000/nil]"
			if fmt.Sprint(got) != want {
				t.Errorf("got  %v\nwant %s", got, want)
			}
		})
		cases := []struct {
			name string
			q    orm.QuerySet[Invoice]
			want string
		}{
			{"gt_by_value_not_text", inv.Filter("total__gt", "9.6"), "d,e"},
			{"exact_other_scale", inv.Filter("total", "10"), "d"},
			{"exact_typed", inv.Filter("total", amount("0.1")), "a"},
			{"integer_operand", inv.Filter("total__gte", 10), "d,e"},
			{"in", inv.Filter("total__in", []string{"0.1", "0.20"}), "a,b"},
			{"range", inv.Filter("total__range", []string{"0.1", "9.5"}), "a,b,c"},
			{"lt_negative", inv.Filter("total__lt", 0), "f"},
			{"beyond_float_precision", inv.Filter("total", "123456789012345678.99"), "e"},
			{"not_the_float_neighbour", inv.Filter("total", "123456789012345679"), ""},
			{"f_arithmetic", inv.Filter("total__gt", orm.F("rate").Mul(10)), "c,d,e"},
			{"f_times_int_field", inv.Filter("total__lt", orm.F("total").Mul(orm.F("qty"))), "a,c"},
			{"order_asc", orm.Query[Invoice](db).OrderBy("total"), "f,a,b,c,d,e"},
			{"order_desc", orm.Query[Invoice](db).OrderBy("-total"), "e,d,c,b,a,f"},
			{"nullable_isnull", inv.Filter("refund__isnull", false), "c"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				rows, err := tt.q.All(ctx)
				if got := labels(t, rows, err); got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	})
}

func TestDecimal_Aggregates(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		invoices(t, db)
		ctx := t.Context()
		inv := orm.Query[Invoice](db)
		cases := []struct {
			name string
			q    orm.QuerySet[Invoice]
			agg  orm.Agg
			want string
		}{
			{"sum_exact", inv.Filter("label__in", []string{"a", "b"}), orm.Sum("total"), "0.30"},
			{"sum_big", inv, orm.Sum("total"), "123456789012345697.78"},
			{"avg_four_more_places", inv.Filter("label__in", []string{"a", "b", "c"}), orm.Avg("total"), "3.266667"},
			{"avg_exact", inv.Filter("label__in", []string{"a", "b", "c", "d"}), orm.Avg("total"), "4.950000"},
			{"max_by_value", inv.Exclude("label", "e"), orm.Max("total"), "10.00"},
			{"min", inv, orm.Min("total"), "-1.01"},
			{"sum_string_field", inv, orm.Sum("rate"), "1.5825"},
			{"sum_filtered", inv, orm.Sum("total").Filter(orm.Q{"qty__gt": 1}), "9.60"},
			{"sum_distinct", inv, orm.Sum("rate").Distinct(), "1.5825"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				res, err := tt.q.Aggregate(ctx, orm.Aggregates{"x": tt.agg})
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(res["x"]); got != tt.want {
					t.Errorf("got %s (%T), want %s", got, res["x"], tt.want)
				}
			})
		}
		res, err := inv.Filter("label", "nobody").Aggregate(ctx, orm.Aggregates{"s": orm.Sum("total")})
		if err != nil || res["s"] != nil {
			t.Errorf("sum over no rows = %v, %v; want nil", res["s"], err)
		}
	})
}

func TestDecimal_Writes(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		invoices(t, db)
		ctx := t.Context()
		inv := orm.Query[Invoice](db)
		updates := []struct {
			label string
			set   orm.Set
			want  string
		}{
			{"a", orm.Set{"total": orm.F("total").Mul(orm.F("qty")).Add("0.05")}, "0.35"},
			{"c", orm.Set{"total": orm.F("total").Div(3)}, "3.17"},
			{"b", orm.Set{"total": orm.F("total").Mul(orm.F("rate")).Sub("0.005")}, "0.20"},
			{"d", orm.Set{"total": "2.675"}, "2.68"},
			{"f", orm.Set{"total": amount("-2.5")}, "-2.50"},
			{"c", orm.Set{"refund": nil}, "3.17"},
		}
		for _, u := range updates {
			if _, err := inv.Filter("label", u.label).Update(ctx, u.set); err != nil {
				t.Fatalf("update %s with %v: %v", u.label, u.set, err)
			}
			got, err := inv.Filter("label", u.label).Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total.text != u.want {
				t.Errorf("%s after %v: total = %s, want %s", u.label, u.set, got.Total, u.want)
			}
		}
		c, _ := inv.Filter("label", "c").Get(ctx)
		if c.Refund != nil {
			t.Errorf("refund = %v after setting it to nil", c.Refund)
		}
		c.Total = amount("7.777")
		if err := orm.Save(ctx, db, &c); err != nil {
			t.Fatal(err)
		}
		if c, _ = inv.Filter("label", "c").Get(ctx); c.Total.text != "7.78" {
			t.Errorf("Save stored %s, want 7.78", c.Total)
		}

		tooBig := []struct {
			name string
			err  func() error
		}{
			{"insert", func() error {
				return orm.Insert(ctx, db, &Invoice{Label: "x", Total: amount("1e30"), Rate: "0"})
			}},
			{"update", func() error {
				_, err := inv.Filter("label", "a").Update(ctx, orm.Set{"rate": "123.4"})
				return err
			}},
		}
		for _, tt := range tooBig {
			err := tt.err()
			if err == nil || !strings.Contains(err.Error(), "digits before the point") {
				t.Errorf("%s: err = %v, want a max_digits error", tt.name, err)
			}
		}
		if n, _ := inv.Count(ctx); n != 6 {
			t.Errorf("%d rows after refused writes, want 6", n)
		}
	})
}

func TestDecimal_FullClean(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	migrate(t, db, meta[Invoice](t))
	tests := []struct {
		name  string
		inv   Invoice
		field string
		want  string
	}{
		{"places", Invoice{Label: "x", Total: amount("1.005"), Rate: "0"}, "total", "Ensure that there are no more than 2 decimal places."},
		{"whole_digits", Invoice{Label: "x", Total: amount("1"), Rate: "123.4"}, "rate", "Ensure that there are no more than 2 digits before the decimal point."},
		{"total_digits", Invoice{Label: "x", Total: amount("1"), Rate: "12.34567"}, "rate", "Ensure that there are no more than 6 digits in total."},
		{"not_a_number", Invoice{Label: "x", Total: amount("1"), Rate: "one"}, "rate", "Enter a number."},
		{"trailing_zeros_fit", Invoice{Label: "x", Total: amount("1.500"), Rate: "0"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := orm.FullClean(t.Context(), db, &tt.inv)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("FullClean = %v, want nil", err)
				}
				return
			}
			var verr *orm.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("FullClean = %v, want a *ValidationError", err)
			}
			if got := fmt.Sprint(verr.Fields[tt.field]); got != "["+tt.want+"]" {
				t.Errorf("%s: %s, want %s", tt.field, got, tt.want)
			}
		})
	}
}

type FloatPrice struct {
	orm.Model
	Price float64 `orm:"max_digits=10,decimal_places=2"`
}

type HalfDecimal struct {
	orm.Model
	Price string `orm:"max_digits=10"`
}

type InvertedDecimal struct {
	orm.Model
	Price string `orm:"max_digits=2,decimal_places=3"`
}

type IntDecimal struct {
	orm.Model
	Price int `orm:"max_digits=5,decimal_places=0"`
}

func TestDecimal_BadFields(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"float", metaErr[FloatPrice](), "model FloatPrice, field Price: a decimal field cannot be a float64, which is not exact"},
		{"half", metaErr[HalfDecimal](), "needs both max_digits and decimal_places"},
		{"inverted", metaErr[InvertedDecimal](), "decimal_places=3 is more than max_digits=2"},
		{"int", metaErr[IntDecimal](), "must be a string or a type with MarshalText and UnmarshalText"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
		}
	}
}

func metaErr[T any]() error {
	_, err := orm.MetaOf[T]()
	return err
}
