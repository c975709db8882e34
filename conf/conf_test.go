package conf_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/conf"
)

func TestEnv(t *testing.T) {
	type values struct {
		s     string
		b     bool
		n     int
		d     time.Duration
		list  []string
		unset string
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    values
		wantErr []string
	}{
		{"unset_keeps_defaults", map[string]string{}, values{s: "def", b: true, n: 7, d: time.Second, list: []string{"x"}, unset: "keep"}, nil},
		{"set", map[string]string{"S": "v", "B": "off", "N": " 42 ", "D": "1m30s", "L": " a, b,,c "}, values{s: "v", b: false, n: 42, d: 90 * time.Second, list: []string{"a", "b", "c"}, unset: "keep"}, nil},
		{"bool_forms", map[string]string{"B": "YES"}, values{s: "def", b: true, n: 7, d: time.Second, list: []string{"x"}, unset: "keep"}, nil},
		{"empty_string_and_list", map[string]string{"S": "", "L": ""}, values{s: "", b: true, n: 7, d: time.Second, unset: "keep"}, nil},
		{"every_error_at_once", map[string]string{"B": "maybe", "N": "many", "D": "soon"}, values{s: "def", b: true, n: 7, d: time.Second, list: []string{"x"}, unset: "keep"}, []string{
			`conf: B="maybe" is not a boolean: use true or false`,
			`conf: N="many" is not an integer`,
			`conf: D="soon" is not a duration such as "30s" or "1h30m"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := values{s: "def", b: true, n: 7, d: time.Second, list: []string{"x"}, unset: "keep"}
			env := conf.NewEnv(conf.MapLookup(tt.env))
			env.String("S", &got.s)
			env.Bool("B", &got.b)
			env.Int("N", &got.n)
			env.Duration("D", &got.d)
			env.List("L", &got.list)
			env.String("UNSET", &got.unset)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			err := env.Err()
			if len(tt.wantErr) == 0 && err != nil {
				t.Fatalf("Err() = %v", err)
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Err() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}
