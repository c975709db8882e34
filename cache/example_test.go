package cache_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/cachetest"
)

func Example() {
	ctx := context.Background()
	c := cache.NewMemory(cache.MemoryOptions{MaxEntries: 1000})
	defer c.Close()

	if err := c.Set(ctx, "greeting", []byte("bonjour"), 5*time.Minute); err != nil {
		panic(err)
	}
	v, err := c.Get(ctx, "greeting")
	fmt.Printf("%s %v\n", v, err)

	_, err = c.Get(ctx, "missing")
	fmt.Println(errors.Is(err, cache.ErrCacheMiss))
	// Output:
	// bonjour <nil>
	// true
}

func ExampleGetOrSetValue() {
	ctx := context.Background()
	c := cache.NewMemory(cache.MemoryOptions{})
	type stats struct{ Polls, Votes int }
	count := func(ctx context.Context) (stats, error) {
		fmt.Println("counting...") // the expensive part: runs once
		return stats{Polls: 3, Votes: 42}, nil
	}
	for range 2 {
		s, err := cache.GetOrSetValue(ctx, c, "polls:stats", time.Minute, count)
		fmt.Println(s, err)
	}
	// Output:
	// counting...
	// {3 42} <nil>
	// {3 42} <nil>
}

func ExampleMemory_Incr() {
	ctx := context.Background()
	c := cache.NewMemory(cache.MemoryOptions{})
	// Add creates the counter only if it is not there yet.
	c.Add(ctx, "hits", []byte("0"), time.Hour)
	c.Incr(ctx, "hits", 1)
	n, _ := c.Incr(ctx, "hits", 1)
	fmt.Println(n)
	// Output: 2
}

func ExampleOptions_clock() {
	ctx := context.Background()
	clock := cachetest.NewClock() // a fake clock: expiry without sleeping
	c := cache.NewMemory(cache.MemoryOptions{Options: cache.Options{Clock: clock.Now}})
	c.Set(ctx, "k", []byte("v"), time.Minute)
	clock.Advance(2 * time.Minute)
	_, err := c.Get(ctx, "k")
	fmt.Println(err)
	// Output: cache: key not found
}

func ExampleKeys_Validate() {
	keys := cache.NewKeys(cache.Options{KeyPrefix: "mysite"})
	fmt.Println(keys.Validate("user 42"))
	k, _ := keys.Make("user:42")
	fmt.Println(k)
	// Output:
	// cache: invalid key: key "user 42" has a space or control character at byte 4: use only printable characters
	// mysite:1:user:42
}
