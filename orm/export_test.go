package orm

// The helpers below return the SQL of the statements that run without
// exposing it, for the golden SQL tests.

// CountSQL is the statement of q.Count.
func CountSQL[T any](q QuerySet[T]) (string, []any, error) { return q.countSQL() }

// AggregateSQL is the statement of q.Aggregate(ctx, aggs).
func AggregateSQL[T any](q QuerySet[T], aggs Aggregates) (string, []any, error) {
	query, args, _, _, err := q.aggregateSQL(aggs)
	return query, args, err
}

// ValuesSQL is the statement of v.All.
func ValuesSQL[T any](v ValuesQuery[T]) (string, []any, error) {
	query, args, _, _, _, err := v.sql()
	return query, args, err
}

// UpdateSQL is the statement of q.Update(ctx, set).
func UpdateSQL[T any](q QuerySet[T], set Set) (string, []any, error) { return q.updateSQL(set) }

// DeleteSQL is the statement of q.Delete without a registry.
func DeleteSQL[T any](q QuerySet[T]) (string, []any, error) { return q.deleteSQL() }
