package orm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Seat struct {
	orm.Model
	Row    string `orm:"max_length=2"`
	Number int
	Price  int
	Label  string `orm:"max_length=20"`
}

func (Seat) Meta() orm.Options {
	return orm.Options{
		Ordering: []string{"row", "number"},
		Indexes:  []orm.Index{{Fields: []string{"row", "-number"}}},
		Constraints: []orm.Constraint{
			orm.Unique{Name: "seat_row_number_uniq", Fields: []string{"row", "number"}},
			orm.Check{Name: "seat_price_gte_0", Condition: orm.Q{"price__gte": 0}},
			orm.Check{Name: "seat_label_quoted", Condition: orm.Not(orm.Q{"label__in": []string{`it's`, `back\slash`}})},
		},
		Permissions: []orm.Permission{{Codename: "reserve_seat", Name: "Can reserve a seat"}},
	}
}

// Hold needs a partial unique index: one active hold per seat.
type Hold struct {
	orm.Model
	Seat   int64
	Active bool
}

func (Hold) Meta() orm.Options {
	return orm.Options{
		Indexes:     []orm.Index{{Name: "hold_active_seat", Fields: []string{"seat"}, Condition: orm.Q{"active": true}}},
		Constraints: []orm.Constraint{orm.Unique{Name: "hold_one_active", Fields: []string{"seat"}, Condition: orm.Q{"active": true}}},
	}
}

// Stamped is an abstract base: models embed it and inherit its options.
type Stamped struct {
	Created time.Time `orm:"auto_now_add"`
}

func (Stamped) Meta() orm.Options {
	return orm.Options{Abstract: true, Ordering: []string{"-created"}}
}

type Memo struct {
	orm.Model
	Stamped
	Text string
}

func TestMetaOptions_Database(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Seat](t))
		ctx := t.Context()
		if err := orm.Insert(ctx, db, &Seat{Row: "A", Number: 1, Price: 10}); err != nil {
			t.Fatal(err)
		}
		writes := []struct {
			name string
			seat Seat
			want error
		}{
			{"unique_together", Seat{Row: "A", Number: 1}, dialect.ErrUniqueViolation},
			{"check", Seat{Row: "B", Number: 1, Price: -1}, dialect.ErrCheckViolation},
			{"check_quoted_literal", Seat{Row: "B", Number: 2, Label: "it's"}, dialect.ErrCheckViolation},
			{"check_backslash_literal", Seat{Row: "B", Number: 3, Label: `back\slash`}, dialect.ErrCheckViolation},
			{"allowed", Seat{Row: "A", Number: 2, Label: "aisle"}, nil},
		}
		for _, tt := range writes {
			t.Run(tt.name, func(t *testing.T) {
				err := orm.Insert(ctx, db, &tt.seat)
				if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
					t.Errorf("Insert = %v, want %v", err, tt.want)
				}
			})
		}

		dup := Seat{Row: "A", Number: 2, Label: "x"}
		var verr *orm.ValidationError
		if err := orm.FullClean(ctx, db, &dup); !errors.As(err, &verr) || fmt.Sprint(verr.Fields[orm.NonField]) != "[Seat with this Row and Number already exists.]" {
			t.Errorf("FullClean = %v, want Django's unique-together message", err)
		}

		// A conditional unique constraint is a partial index, which
		// MySQL and MariaDB lack: they go without, as in Django.
		m := meta[Hold](t)
		partial := db.Dialect().Features().PartialIndexes
		migrate(t, db, m)
		for i, h := range []Hold{{Seat: 1, Active: true}, {Seat: 1, Active: false}, {Seat: 1, Active: false}, {Seat: 1, Active: true}} {
			err := orm.Insert(ctx, db, &h)
			if wantErr := i == 3 && partial; wantErr != errors.Is(err, dialect.ErrUniqueViolation) || (!wantErr && err != nil) {
				t.Errorf("hold %d: %v", i, err)
			}
		}
	})
}

func TestMetaOptions_Schema(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	schema, err := meta[Seat](t).TableSchema(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ix := range schema.Indexes {
		got = append(got, fmt.Sprintf("index %s %v", ix.Name, ix.Columns))
	}
	for _, c := range schema.Constraints {
		got = append(got, fmt.Sprintf("constraint %s %v %s", c.Name, c.Columns, c.Check))
	}
	want := `[index seat_row_number_idx [row -number] constraint seat_row_number_uniq [row number]  constraint seat_price_gte_0 [] "price" >= 0 constraint seat_label_quoted [] NOT ("label" IN ('it''s', 'back\slash'))]`
	if fmt.Sprint(got) != want {
		t.Errorf("schema:\n got %v\nwant %s", got, want)
	}

	var perms []string
	for _, p := range meta[Seat](t).Permissions() {
		perms = append(perms, p.Codename+"="+p.Name)
	}
	if want := "[add_seat=Can add seat change_seat=Can change seat delete_seat=Can delete seat view_seat=Can view seat reserve_seat=Can reserve a seat]"; fmt.Sprint(perms) != want {
		t.Errorf("permissions = %v", perms)
	}

	memo := meta[Memo](t)
	if memo.Options.Abstract || memo.Table != "memo" || fmt.Sprint(memo.Options.Ordering) != "[-created]" {
		t.Errorf("Memo options = %+v, table %s: want the base's ordering, not abstract", memo.Options, memo.Table)
	}
	if _, err := orm.Query[Stamped](db).All(t.Context()); err == nil || !strings.Contains(err.Error(), "model Stamped is abstract") {
		t.Errorf("querying an abstract base: %v", err)
	}
}

type BadIndex struct {
	orm.Model
	Name string
}

func (BadIndex) Meta() orm.Options {
	return orm.Options{Indexes: []orm.Index{{Fields: []string{"nmae"}}}}
}

type UnnamedCheck struct {
	orm.Model
	N int
}

func (UnnamedCheck) Meta() orm.Options {
	return orm.Options{Constraints: []orm.Constraint{orm.Check{Condition: orm.Q{"n__gt": 0}}}}
}

type TimeCheck struct {
	orm.Model
	At time.Time
}

func (TimeCheck) Meta() orm.Options {
	return orm.Options{Constraints: []orm.Constraint{orm.Check{Name: "at_recent", Condition: orm.Q{"at__gt": time.Now()}}}}
}

func TestMetaOptions_Errors(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	_, timeErr := meta[TimeCheck](t).TableSchema(db.Dialect())
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unknown_index_field", metaErr[BadIndex](), `model BadIndex: an index names "nmae", which is not a field with a column; the fields are pk, id, name`},
		{"unnamed_constraint", metaErr[UnnamedCheck](), "model UnnamedCheck: every constraint needs a Name"},
		{"time_literal", timeErr, "a time.Time cannot be written in a constraint or index condition"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, tt.err, tt.want)
		}
	}
}

// Ticket validates itself beyond its fields, as Django's Model.clean.
type Ticket struct {
	orm.Model
	Seats int
	Price int
}

func (Ticket) Meta() orm.Options {
	return orm.Options{Constraints: []orm.Constraint{
		orm.Check{Name: "ticket_price_per_seat", Condition: orm.Q{"price__gte": orm.F("seats").Mul(5)}},
		orm.Check{Name: "ticket_seats_positive", Condition: orm.Q{"seats__gt": 0}},
	}}
}

func (t *Ticket) Clean(context.Context) error {
	if t.Seats > 10 {
		return &orm.ValidationError{Model: "Ticket", Fields: map[string][]string{"seats": {"Ten seats at most."}}}
	}
	return nil
}

func TestFullClean_ChecksAndClean(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Ticket](t))
		tests := []struct {
			ticket Ticket
			want   string
		}{
			{Ticket{Seats: 2, Price: 10}, ""},
			{Ticket{Seats: 2, Price: 9}, "map[__all__:[Constraint “ticket_price_per_seat” is violated.]]"},
			{Ticket{Seats: 0, Price: 0}, "map[__all__:[Constraint “ticket_seats_positive” is violated.]]"},
			{Ticket{Seats: 11, Price: 100}, "map[seats:[Ten seats at most.]]"},
		}
		for _, tt := range tests {
			err := orm.FullClean(t.Context(), db, &tt.ticket)
			var verr *orm.ValidationError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%+v: FullClean = %v, want nil", tt.ticket, err)
			case tt.want != "" && (!errors.As(err, &verr) || fmt.Sprint(verr.Fields) != tt.want):
				t.Errorf("%+v: FullClean = %v, want %s", tt.ticket, err, tt.want)
			}
			// What FullClean accepts, the table accepts, and the reverse.
			if tt.want == "" || strings.Contains(tt.want, "Constraint") {
				ins := tt.ticket
				if err := orm.Insert(t.Context(), db, &ins); (err == nil) != (tt.want == "") {
					t.Errorf("%+v: Insert = %v, but FullClean said %q", tt.ticket, err, tt.want)
				}
			}
		}
	})
}
