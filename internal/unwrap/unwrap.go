// Package unwrap finds an ability in a chain of wrappers: the extension
// points (checks, auth backends, ORM hooks, route markers) let a wrapper
// expose what it wraps with an Unwrap method, as errors do, so that an
// ability the wrapper lacks is looked up in the wrapped value.
package unwrap

// As returns the first value of the chain v, v.Unwrap(), v.Unwrap().Unwrap()...
// that is a T, following values with an Unwrap() V method; false when none
// is (a nil v included).
func As[T, V any](v V) (T, bool) {
	for {
		if t, ok := any(v).(T); ok {
			return t, true
		}
		w, ok := any(v).(interface{ Unwrap() V })
		if !ok {
			var zero T
			return zero, false
		}
		v = w.Unwrap()
	}
}
