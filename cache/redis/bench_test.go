package redis_test

import (
	"context"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/internal/testenv"
)

// Run: NUAGES_TEST_REDIS=redis://127.0.0.1:6379/0 go test -run '^$' -bench GetHit -benchmem ./cache/redis/
func BenchmarkGetHit(b *testing.B) {
	u := testenv.Lookup(b, testenv.Redis)
	ctx := context.Background()
	c, err := redis.Open(redis.Options{Options: cache.Options{KeyPrefix: "bench"}, URL: u, Strict: true})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	defer c.Clear(ctx)
	if err := c.Set(ctx, "page", make([]byte, 512), cache.DefaultTTL); err != nil {
		testenv.Unreachable(b, testenv.Redis, err)
	}
	b.Run("baseline", func(b *testing.B) { // go-redis alone, the key made by hand
		opts, _ := goredis.ParseURL(u)
		raw := goredis.NewClient(opts)
		defer raw.Close()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := raw.Get(ctx, "bench:1:page").Bytes(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nuages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Get(ctx, "page"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
