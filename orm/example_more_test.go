package orm_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/orm"
)

type Dish struct {
	orm.Model
	Name   string `orm:"max_length=30"`
	Price  string `orm:"max_digits=8,decimal_places=2"` // an exact decimal
	Extras orm.ManyToMany[Extra]
}

type Extra struct {
	orm.Model
	Name   string `orm:"max_length=30"`
	Dishes orm.Related[Dish]
}

type Order struct {
	orm.Model
	Dish orm.ForeignKey[Dish] `orm:"on_delete=protect"`
}

// openKitchen opens an in-memory database with the tables of Dish, Extra,
// Dish's extras and Order.
func openKitchen(ctx context.Context) *database.DB {
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		log.Fatal(err)
	}
	dish, _ := orm.MetaOf[Dish]()
	extras, _ := dish.Field("extras")
	through, err := extras.Through()
	if err != nil {
		log.Fatal(err)
	}
	extra, _ := orm.MetaOf[Extra]()
	order, _ := orm.MetaOf[Order]()
	createTables(ctx, db, dish, extra, through, order)
	return db
}

func ExampleLinks() {
	ctx := context.Background()
	db := openKitchen(ctx)
	defer db.Close()

	pizza := Dish{Name: "pizza", Price: "9.50"}
	cheese, basil := Extra{Name: "cheese"}, Extra{Name: "basil"}
	for _, err := range []error{orm.Insert(ctx, db, &pizza), orm.Insert(ctx, db, &cheese), orm.Insert(ctx, db, &basil)} {
		if err != nil {
			log.Fatal(err)
		}
	}
	// pizza.extras.add(cheese, basil)
	if err := orm.Links(db, &pizza, &pizza.Extras).Add(ctx, cheese, basil); err != nil {
		log.Fatal(err)
	}
	// Dish.objects.filter(extras__name="basil")
	dishes, err := orm.Column[string](ctx, orm.Query[Dish](db).Filter("extras__name", "basil"), "name")
	if err != nil {
		log.Fatal(err)
	}
	onPizza, err := orm.Column[string](ctx, orm.Links(db, &pizza, &pizza.Extras).Query().OrderBy("name"), "name")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dishes, onPizza)
	// Output: [pizza] [basil cheese]
}

func ExampleExists() {
	ctx := context.Background()
	db := openKitchen(ctx)
	defer db.Close()

	for _, d := range []Dish{{Name: "soup", Price: "4"}, {Name: "cake", Price: "3.25"}} {
		if err := orm.Insert(ctx, db, &d); err != nil {
			log.Fatal(err)
		}
		if d.Name == "cake" {
			if err := orm.Insert(ctx, db, &Order{Dish: orm.ForeignKey[Dish]{ID: d.ID}}); err != nil {
				log.Fatal(err)
			}
		}
	}
	// Dish.objects.filter(Exists(Order.objects.filter(dish=OuterRef("pk"))))
	ordered := orm.Exists(orm.Query[Order](db).Filter("dish", orm.OuterRef("pk")))
	names, err := orm.Column[string](ctx, orm.Query[Dish](db).Where(ordered), "name")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
	// Output: [cake]
}

func ExampleQuerySet_Aggregate() {
	ctx := context.Background()
	db := openKitchen(ctx)
	defer db.Close()

	for _, price := range []string{"0.10", "0.20", "9.99"} {
		if err := orm.Insert(ctx, db, &Dish{Name: "x", Price: price}); err != nil {
			log.Fatal(err)
		}
	}
	// Dish.objects.aggregate(total=Sum("price"), n=Count("pk")): exact, no float
	res, err := orm.Query[Dish](db).Aggregate(ctx, orm.Aggregates{"total": orm.Sum("price"), "n": orm.Count("pk")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res["n"], res["total"])
	// Output: 3 10.29
}

func ExampleRegistry() {
	ctx := context.Background()
	db := openKitchen(ctx)
	defer db.Close()

	reg := orm.NewRegistry()
	err := orm.Register(reg, orm.On(orm.AfterSave, func(ctx context.Context, e orm.Event[Dish]) error {
		fmt.Println("saved", e.Obj.Name, "created:", e.Created)
		return nil
	}))
	if err == nil {
		err = orm.Register[Order](reg) // its on_delete=protect now guards dishes
	}
	if err != nil {
		log.Fatal(err)
	}
	reg.Use(db)

	stew := Dish{Name: "stew", Price: "7"}
	if err := orm.Insert(ctx, db, &stew); err != nil {
		log.Fatal(err)
	}
	if err := orm.Insert(ctx, db, &Order{Dish: orm.ForeignKey[Dish]{ID: stew.ID}}); err != nil {
		log.Fatal(err)
	}
	err = orm.Delete(ctx, db, &stew)
	fmt.Println(errors.Is(err, orm.ErrProtected))
	// Output:
	// saved stew created: true
	// true
}
