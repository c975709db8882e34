// Package names turns Go names into the names Django uses, so that the ORM
// and forms name a field alike.
package names

import (
	"strings"
	"unicode"
)

// Snake turns a Go name into snake_case: PubDate -> pub_date, ID -> id,
// HTTPServer -> http_server.
func Snake(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
