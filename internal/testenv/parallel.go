package testenv

import (
	"flag"
	"strconv"
)

// DefaultParallel makes n the number of parallel tests unless the command
// line gives -test.parallel. Call it from TestMain, before m.Run, in the
// packages whose tests mostly wait on database servers: the default, one
// test per CPU, leaves a 2-core machine idle while the servers answer.
func DefaultParallel(n int) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(n)) // registered by the testing package
	}
}
