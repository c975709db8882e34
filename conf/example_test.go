package conf_test

import (
	"fmt"

	"github.com/nuages-go/nuages/conf"
)

func ExampleEnv() {
	lookup := conf.MapLookup(map[string]string{"DEBUG": "on", "ALLOWED_HOSTS": "example.com, www.example.com", "PORT": "eighty"})
	debug, hosts, port := false, []string(nil), 8000

	env := conf.NewEnv(lookup)
	env.Bool("DEBUG", &debug)
	env.List("ALLOWED_HOSTS", &hosts)
	env.Int("PORT", &port)

	fmt.Println(debug, hosts, port)
	fmt.Println(env.Err())
	// Output:
	// true [example.com www.example.com] 8000
	// conf: PORT="eighty" is not an integer
}
