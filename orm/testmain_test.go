package orm_test

import (
	"os"
	"testing"

	"github.com/nuages-go/nuages/internal/testenv"
)

// TestMain runs 8 tests at once by default: most of them wait on the
// database servers.
func TestMain(m *testing.M) {
	testenv.DefaultParallel(8)
	os.Exit(m.Run())
}
