package testenv

import (
	"fmt"
	"testing"
)

// fakeTB records what Lookup asks of a test. Like testing.T, Skipf and
// Fatalf end the call: they panic with stop, which run recovers.
type fakeTB struct{ skipped, failed string }

type stop struct{}

func (*fakeTB) Helper() {}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	panic(stop{})
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(stop{})
}

// run calls fn, stopping where a real test would.
func run(fn func()) {
	defer func() {
		if r := recover(); r != nil && r != (stop{}) {
			panic(r)
		}
	}()
	fn()
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, value, ci           string
		want, wantSkip, wantFatal string
	}{
		{"set", "postgres://x/y", "", "postgres://x/y", "", ""},
		{"unset_skips", "", "", "", "NUAGES_TEST_POSTGRES not set; set it to run this test against a real service", ""},
		{"unset_in_ci_fails", "", "true", "", "", "NUAGES_TEST_POSTGRES is not set and CI=true: CI must run this test against a real service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(Postgres, tt.value)
			t.Setenv("CI", tt.ci)
			var f fakeTB
			var got string
			run(func() { got = Lookup(&f, Postgres) })
			if got != tt.want || f.skipped != tt.wantSkip || f.failed != tt.wantFatal {
				t.Errorf("Lookup = %q, skipped %q, failed %q; want %q, %q, %q", got, f.skipped, f.failed, tt.want, tt.wantSkip, tt.wantFatal)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		var f fakeTB
		run(func() { Unreachable(&f, MySQL, fmt.Errorf("connection refused")) })
		if (ci == "true") != (f.failed != "") || (ci == "") != (f.skipped != "") {
			t.Errorf("CI=%q: skipped %q, failed %q", ci, f.skipped, f.failed)
		}
	}
}
