package orm_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Topping struct {
	orm.Model
	Name   string `orm:"max_length=30"`
	Pizzas orm.Related[Pizza]
}

type Pizza struct {
	orm.Model
	Name     string `orm:"max_length=30"`
	Toppings orm.ManyToMany[Topping]
}

type Person struct {
	orm.Model
	Name    string                 `orm:"max_length=30"`
	Friends orm.ManyToMany[Person] // to itself: from_person_id, to_person_id
	Groups  orm.Related[Group]
}

type Group struct {
	orm.Model
	Name    string                                    `orm:"max_length=30"`
	Members orm.ManyToManyThrough[Person, Membership] // Membership holds the pairs
}

type Membership struct {
	orm.Model
	Person orm.ForeignKey[Person] `orm:"on_delete=cascade"`
	Group  orm.ForeignKey[Group]  `orm:"on_delete=cascade"`
	Joined time.Time
}

// through returns the model holding the pairs of m's many-to-many field.
func through(t *testing.T, m *orm.Meta, field string) *orm.Meta {
	t.Helper()
	f, ok := m.Field(field)
	if !ok {
		t.Fatalf("%s has no field %s", m.Name, field)
	}
	tm, err := f.Through()
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func names[T any](t *testing.T, rows []T, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(any(r).(interface{ label() string }).label())
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func (t Topping) label() string { return t.Name }
func (p Pizza) label() string   { return p.Name }
func (p Person) label() string  { return p.Name }
func (g Group) label() string   { return g.Name }

// kitchen makes three toppings and three pizzas: margherita (cheese),
// hawaii (cheese, ham, pineapple) and marinara (none).
func kitchen(t *testing.T, db *database.DB) (tops map[string]Topping, pizzas map[string]Pizza) {
	t.Helper()
	migrate(t, db, meta[Topping](t), meta[Pizza](t), through(t, meta[Pizza](t), "toppings"))
	ctx := t.Context()
	tops, pizzas = map[string]Topping{}, map[string]Pizza{}
	for _, n := range []string{"cheese", "ham", "pineapple"} {
		tp := Topping{Name: n}
		if err := orm.Insert(ctx, db, &tp); err != nil {
			t.Fatal(err)
		}
		tops[n] = tp
	}
	for _, n := range []string{"margherita", "hawaii", "marinara"} {
		p := Pizza{Name: n}
		if err := orm.Insert(ctx, db, &p); err != nil {
			t.Fatal(err)
		}
		pizzas[n] = p
	}
	m, h := pizzas["margherita"], pizzas["hawaii"]
	if err := orm.Links(db, &m, &m.Toppings).Add(ctx, tops["cheese"]); err != nil {
		t.Fatal(err)
	}
	if err := orm.Links(db, &h, &h.Toppings).Add(ctx, tops["cheese"], tops["ham"], tops["pineapple"], tops["ham"]); err != nil {
		t.Fatal(err)
	}
	return tops, pizzas
}

func TestManyToMany_Lookups(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		tops, _ := kitchen(t, db)
		ctx := t.Context()
		pz, tp := orm.Query[Pizza](db), orm.Query[Topping](db)
		pizzaCases := []struct {
			name string
			q    orm.QuerySet[Pizza]
			want string
		}{
			{"span", pz.Filter("toppings__name", "ham"), "hawaii"},
			{"span_lookup_distinct", pz.Filter("toppings__name__in", []string{"cheese", "ham"}).Distinct(), "hawaii,margherita"},
			{"by_key", pz.Filter("toppings", tops["pineapple"].ID), "hawaii"},
			{"by_pk", pz.Filter("toppings__pk", tops["pineapple"].ID), "hawaii"},
			{"none", pz.Filter("toppings__isnull", true), "marinara"},
			{"exclude", pz.Exclude("toppings__name", "ham").Distinct(), "margherita,marinara"},
			{"in_subquery", pz.Filter("toppings__in", tp.Filter("name__startswith", "pine").Values("id")), "hawaii"},
		}
		for _, tt := range pizzaCases {
			t.Run(tt.name, func(t *testing.T) {
				rows, err := tt.q.All(ctx)
				if got := names(t, rows, err); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
			})
		}
		t.Run("reverse", func(t *testing.T) {
			rows, err := tp.Filter("pizzas__name", "margherita").All(ctx)
			if got := names(t, rows, err); got != "cheese" {
				t.Errorf("got %s, want cheese", got)
			}
		})
		t.Run("reverse_exclude", func(t *testing.T) {
			rows, err := tp.Exclude("pizzas__name", "margherita").All(ctx)
			if got := names(t, rows, err); got != "ham,pineapple" {
				t.Errorf("got %s, want ham,pineapple", got)
			}
		})
		t.Run("count_per_pizza", func(t *testing.T) {
			rows, err := pz.OrderBy("name").Values("name").Annotate(orm.Aggregates{"n": orm.Count("toppings")}).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(rows)
			if want := "[map[n:3 name:hawaii] map[n:1 name:margherita] map[n:0 name:marinara]]"; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	})
}

func TestManyToMany_Links(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		tops, pizzas := kitchen(t, db)
		ctx := t.Context()
		h := pizzas["hawaii"]
		links := orm.Links(db, &h, &h.Toppings)
		check := func(want string) {
			t.Helper()
			rows, err := links.Query().All(ctx)
			if got := names(t, rows, err); got != want {
				t.Errorf("toppings = %q, want %q", got, want)
			}
		}
		check("cheese,ham,pineapple")
		if err := links.Remove(ctx, tops["pineapple"]); err != nil {
			t.Fatal(err)
		}
		check("cheese,ham")
		if err := links.Add(ctx, tops["cheese"]); err != nil { // already there
			t.Fatal(err)
		}
		check("cheese,ham")
		if err := links.Set(ctx, []Topping{tops["ham"], tops["pineapple"]}); err != nil {
			t.Fatal(err)
		}
		check("ham,pineapple")
		if err := links.Clear(ctx); err != nil {
			t.Fatal(err)
		}
		check("")
		if err := links.Set(ctx, []Topping{tops["cheese"]}); err != nil {
			t.Fatal(err)
		}
		check("cheese")

		// The other pizzas' pairs were never touched.
		m := pizzas["margherita"]
		rows, err := orm.Links(db, &m, &m.Toppings).Query().All(ctx)
		if got := names(t, rows, err); got != "cheese" {
			t.Errorf("margherita's toppings = %q after changing hawaii's", got)
		}

		// Deleting a pizza deletes its pairs, not the toppings.
		if err := orm.Delete(ctx, db, &m); err != nil {
			t.Fatal(err)
		}
		rows2, err := orm.Query[Topping](db).Filter("pizzas__name", "margherita").All(ctx)
		if got := names(t, rows2, err); got != "" {
			t.Errorf("a deleted pizza still has toppings %q", got)
		}
		if n, err := orm.Query[Topping](db).Count(ctx); err != nil || n != 3 {
			t.Errorf("toppings left = %d, %v; want 3", n, err)
		}
	})
}

func TestManyToMany_Prefetch(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		kitchen(t, db)
		ctx := t.Context()
		pizzas, err := orm.Query[Pizza](db).OrderBy("name").PrefetchRelated("toppings").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pizzas {
			items, ok := p.Toppings.Loaded()
			if !ok {
				t.Fatalf("%s: toppings not loaded", p.Name)
			}
			got = append(got, p.Name+"="+names(t, items, nil))
		}
		if want := "[hawaii=cheese,ham,pineapple margherita=cheese marinara=]"; fmt.Sprint(got) != want {
			t.Errorf("got %v, want %s", got, want)
		}
		tops, err := orm.Query[Topping](db).Filter("name", "cheese").PrefetchRelated("pizzas").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		items, _ := tops[0].Pizzas.Loaded()
		if got := names(t, items, nil); got != "hawaii,margherita" {
			t.Errorf("cheese is on %q", got)
		}
	})
}

func TestManyToMany_ThroughAndSelf(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Person](t), meta[Group](t), meta[Membership](t), through(t, meta[Person](t), "friends"))
		ctx := t.Context()
		people := map[string]*Person{}
		for _, n := range []string{"ann", "bob", "cid"} {
			p := &Person{Name: n}
			if err := orm.Insert(ctx, db, p); err != nil {
				t.Fatal(err)
			}
			people[n] = p
		}
		gophers, rustaceans := Group{Name: "gophers"}, Group{Name: "rustaceans"}
		for _, g := range []*Group{&gophers, &rustaceans} {
			if err := orm.Insert(ctx, db, g); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []Membership{
			{Person: orm.ForeignKey[Person]{ID: people["ann"].ID}, Group: orm.ForeignKey[Group]{ID: gophers.ID}, Joined: day(2020, 1, 1, 0, 0)},
			{Person: orm.ForeignKey[Person]{ID: people["bob"].ID}, Group: orm.ForeignKey[Group]{ID: gophers.ID}, Joined: day(2023, 1, 1, 0, 0)},
			{Person: orm.ForeignKey[Person]{ID: people["bob"].ID}, Group: orm.ForeignKey[Group]{ID: rustaceans.ID}, Joined: day(2024, 1, 1, 0, 0)},
		} {
			if err := orm.Insert(ctx, db, &m); err != nil {
				t.Fatal(err)
			}
		}
		ann := people["ann"]
		if err := orm.Links(db, ann, &ann.Friends).Add(ctx, *people["bob"], *people["cid"]); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name string
			run  func() (string, error)
			want string
		}{
			{"through_span", func() (string, error) {
				rows, err := orm.Query[Group](db).Filter("members__name", "ann").All(ctx)
				return names(t, rows, err), nil
			}, "gophers"},
			{"through_reverse", func() (string, error) {
				rows, err := orm.Query[Person](db).Filter("groups__name", "rustaceans").All(ctx)
				return names(t, rows, err), nil
			}, "bob"},
			{"through_count", func() (string, error) {
				n, err := orm.Query[Person](db).Filter("groups__name", "gophers").Count(ctx)
				return fmt.Sprint(n), err
			}, "2"},
			{"self_forward", func() (string, error) {
				rows, err := orm.Query[Person](db).Filter("friends__name", "cid").All(ctx)
				return names(t, rows, err), nil
			}, "ann"},
			{"self_links", func() (string, error) {
				rows, err := orm.Links(db, ann, &ann.Friends).Query().All(ctx)
				return names(t, rows, err), nil
			}, "bob,cid"},
			{"through_prefetch", func() (string, error) {
				groups, err := orm.Query[Group](db).OrderBy("name").PrefetchRelated("members").All(ctx)
				var out []string
				for _, g := range groups {
					items, _ := g.Members.Loaded()
					out = append(out, g.Name+"="+names(t, items, nil))
				}
				return strings.Join(out, " "), err
			}, "gophers=ann,bob rustaceans=bob"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.run()
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
	})
}

type NoKeyThrough struct {
	orm.Model
	Note string
}

type BadGroup struct {
	orm.Model
	Members orm.ManyToManyThrough[Person, NoKeyThrough]
}

type Couple struct {
	orm.Model
	A orm.ForeignKey[Person] `orm:"on_delete=cascade"`
	B orm.ForeignKey[Person] `orm:"on_delete=cascade"`
}

type Matchmaker struct {
	orm.Model
	Pairs orm.ManyToManyThrough[Person, Couple]
}

type BadTag struct {
	orm.Model
	Toppings orm.ManyToMany[Topping] `orm:"on_delete=cascade"`
}

func TestManyToMany_Errors(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	ctx := t.Context()
	migrate(t, db, meta[Topping](t), meta[Pizza](t), through(t, meta[Pizza](t), "toppings"))

	unsaved := Pizza{Name: "unsaved"}
	saved := Pizza{Name: "saved"}
	if err := orm.Insert(ctx, db, &saved); err != nil {
		t.Fatal(err)
	}
	other := Pizza{}
	linkErrors := []struct {
		name string
		err  error
		want string
	}{
		{"unsaved_owner", orm.Links(db, &unsaved, &unsaved.Toppings).Add(ctx, Topping{}), "the Pizza is not saved"},
		{"field_of_another_object", orm.Links(db, &saved, &other.Toppings).Clear(ctx), "field is not a ManyToMany field of this Pizza"},
		{"unsaved_target", orm.Links(db, &saved, &saved.Toppings).Add(ctx, Topping{Name: "new"}), "Topping number 1 is not saved"},
	}
	for _, tt := range linkErrors {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", tt.err, tt.want)
			}
		})
	}

	metaErrors := []struct {
		name string
		meta func() (*orm.Meta, error)
		want string
	}{
		{"through_without_key", func() (*orm.Meta, error) {
			m, err := orm.MetaOf[BadGroup]()
			if err != nil {
				return nil, err
			}
			f, _ := m.Field("members")
			return f.Through()
		}, "BadGroup.Members: through model NoKeyThrough has no ForeignKey to BadGroup"},
		{"through_ambiguous", func() (*orm.Meta, error) {
			m, err := orm.MetaOf[Matchmaker]()
			if err != nil {
				return nil, err
			}
			f, _ := m.Field("pairs")
			return f.Through()
		}, "has no ForeignKey to Matchmaker"},
		{"bad_option", func() (*orm.Meta, error) { return orm.MetaOf[BadTag]() }, `option "on_delete" does not apply to a many-to-many field`},
	}
	for _, tt := range metaErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.meta()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}

	if _, err := orm.Query[Pizza](db).Filter("toppings__colour", "red").All(ctx); err == nil || !strings.Contains(err.Error(), `Topping has no field "colour"; the fields are pk, id, name, pizzas`) {
		t.Errorf("a lookup on a field the target lacks: err = %v", err)
	}
}
