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
// This first layer has model metadata for text (with email, URL, slug and
// IP formats), integers, floats, booleans, datetimes, durations, bytes,
// UUIDs, JSON of any Go type, nullable pointers and sql.Null[T], and
// ForeignKey/OneToOne relations; Query[T] with filters, Q trees, F
// expressions, joins, ordering, slicing, aggregates, Values/Annotate,
// SelectRelated/PrefetchRelated, row locks, updates and deletes; instance
// Insert/Save/Delete, bulk operations and FullClean. Reverse and
// many-to-many relations, exact decimals, hooks and the rest of Django's
// QuerySet API come next; docs/orm.md keeps the list.
package orm
