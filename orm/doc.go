// Package orm maps Go structs to tables and queries them with Django's
// lookups, on every engine of package database.
//
//	type Question struct {
//		orm.Model                       // BigAutoField primary key "id"
//		Text    string    `orm:"max_length=200"`
//		PubDate time.Time `orm:"verbose_name=date published"`
//	}
//
//	latest, err := orm.Query[Question](db).OrderBy("-pub_date").Limit(5).All(ctx)
//	n, err := orm.Query[Question](db).Filter("text__icontains", "what").Count(ctx)
//
// # Safety
//
// Every identifier that reaches SQL (tables, columns, lookups, ordering)
// comes from the model's metadata: a name that is not a field of the model
// is an error listing the valid ones, never text spliced into a query.
// Every value is a bound parameter.
//
// # Status
//
// This first layer has model metadata for scalar fields (text, integers,
// floats, booleans, datetimes, bytes, UUIDs, JSON of any Go type, nullable
// pointers and sql.Null[T]), Query[T] with filters, Q trees, F expressions,
// ordering, limits, counts, row locks, updates and deletes, and instance
// Insert/Save/Delete. Relations, decimals, durations, aggregation and
// prefetching come next (issue 3).
package orm
