// Package testenv tells tests which real services they may use. A service is
// named by an environment variable (NUAGES_TEST_POSTGRES, NUAGES_TEST_MYSQL,
// NUAGES_TEST_REDIS, NUAGES_TEST_BROWSER). When it is unset the test is
// skipped with a one-line reason, except under CI=true, where a missing
// service fails the test: CI must never pass by skipping.
package testenv

import "os"

// The variables naming the services tests use.
const (
	Postgres = "NUAGES_TEST_POSTGRES"
	MySQL    = "NUAGES_TEST_MYSQL"
	Redis    = "NUAGES_TEST_REDIS"
	Browser  = "NUAGES_TEST_BROWSER"
)

// TB is the part of testing.TB this package needs; taking it instead of
// testing.TB keeps the testing package out of non-test builds.
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// CI reports whether the tests run in CI, where nothing may skip.
func CI() bool { return os.Getenv("CI") == "true" }

// Lookup returns the value of the variable name, skipping the test when it
// is unset (failing it under CI=true).
func Lookup(t TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if CI() {
		t.Fatalf("%s is not set and CI=true: CI must run this test against a real service", name)
	}
	t.Skipf("%s not set; set it to run this test against a real service", name)
	return ""
}

// Unreachable reports that the service named by the variable name did not
// answer: under CI=true the test fails, otherwise it is skipped.
func Unreachable(t TB, name string, err error) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is set but the service does not answer: %v", name, err)
	}
	t.Skipf("%s is set but the service does not answer (%v); skipping", name, err)
}
