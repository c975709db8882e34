package sqlite

import (
	"net/url"
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
)

func TestDecimalFunctions(t *testing.T) {
	t.Parallel()
	db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: memory})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, "CREATE TABLE d (x decimal_text(20, 2))",
		"INSERT INTO d VALUES ('0.10'), ('0.20'), ('10.00'), ('9.50'), ('-1.25'), (NULL)")
	d := &Dialect{}
	x := "x"
	tests := []struct{ query, want string }{
		{"SELECT typeof(x) FROM d WHERE x = '0.10'", "text"},
		{"SELECT " + d.Decimal(dialect.DecimalSum, x) + " FROM d", "18.55"},
		{"SELECT " + d.Decimal(dialect.DecimalRound, d.Decimal(dialect.DecimalAvg, x), "6") + " FROM d", "3.710000"},
		{"SELECT " + d.Decimal(dialect.DecimalAdd, "'0.1'", "'0.2'"), "0.3"},
		{"SELECT " + d.Decimal(dialect.DecimalMul, "'19.99'", "3"), "59.97"},
		{"SELECT " + d.Decimal(dialect.DecimalRound, d.Decimal(dialect.DecimalDiv, "'2'", "'3'"), "2"), "0.67"},
		{"SELECT " + d.Decimal(dialect.DecimalRound, "'-1.005'", "2"), "-1.01"},
		{"SELECT group_concat(x, ' ') FROM (SELECT x FROM d WHERE x IS NOT NULL ORDER BY " + d.Decimal(dialect.DecimalOrder, x) + ")", "-1.25 0.10 0.20 9.50 10.00"},
		{"SELECT MAX(" + d.Decimal(dialect.DecimalOrder, x) + ") FROM d", "10.00"},
		{"SELECT COUNT(*) FROM d WHERE " + d.Decimal(dialect.DecimalOrder, x) + " > '9.6'", "1"},
		{"SELECT " + d.Decimal(dialect.DecimalSum, x) + " IS NULL FROM d WHERE 0", "1"},
	}
	for _, tt := range tests {
		var got string
		if err := db.QueryRow(tt.query).Scan(&got); err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %s, want %s", tt.query, got, tt.want)
		}
	}
	for _, bad := range []string{
		"SELECT " + d.Decimal(dialect.DecimalAdd, "'abc'", "1"),
		"SELECT " + d.Decimal(dialect.DecimalDiv, "1", "'0.00'"),
	} {
		var got any
		if err := db.QueryRow(bad).Scan(&got); err == nil {
			t.Errorf("%s = %v, want an error", bad, got)
		}
	}
}
