package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/nuages-go/nuages/cache"
)

// Throttle bounds failed logins, which Django leaves to add-ons: after
// PerAccount failures for one username, or PerAddress from one client
// address, within Window, the login view refuses to check passwords
// (429) until the window ends. The counts live in the project's cache
// (Cache, "default" when empty), so that every server of a site shares
// them when the cache is Redis.
type Throttle struct {
	Off        bool
	PerAccount int           // 5 when zero
	PerAddress int           // 20 when zero
	Window     time.Duration // 15 minutes when zero
	Cache      string
	// ClientAddress is the address a request comes from: the host of
	// r.RemoteAddr when nil. Behind a proxy, return the address the
	// proxy reports (and trust only your own proxy's header).
	ClientAddress func(r *http.Request) string
}

func (t Throttle) window() time.Duration {
	if t.Window <= 0 {
		return 15 * time.Minute
	}
	return t.Window
}

func (t Throttle) address(r *http.Request) string {
	if t.ClientAddress != nil {
		return t.ClientAddress(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttleKeys are the cache keys of r's address and username: hashed,
// so that any username makes a valid, short key, and without case, so
// that ADA@example.com and ada@example.com (one account for EmailBackend)
// share one count.
func (a *App) throttleKeys(r *http.Request, username string) (account, address string) {
	h := func(kind, v string) string {
		sum := sha256.Sum256([]byte(v))
		return "auth.throttle." + kind + "." + hex.EncodeToString(sum[:16])
	}
	return h("account", strings.ToLower(username)), h("address", a.Throttle.address(r))
}

func (a *App) throttleCache() (cache.Cache, error) {
	name := a.Throttle.Cache
	if name == "" {
		name = "default"
	}
	return a.project.Cache(name)
}

// admit counts a login attempt for username from r before its password is
// checked, and reports whether it may be checked: counted first, parallel
// attempts cannot all slip under the limit while the hashes run. A cache
// that fails lets the login through, with the error logged: an outage of
// the cache must not lock everyone out. loginSucceeded takes a right
// password's attempt back.
func (a *App) admit(r *http.Request, username string) bool {
	if a.Throttle.Off {
		return true
	}
	c, err := a.throttleCache()
	if err != nil {
		a.logThrottle(r.Context(), err)
		return true
	}
	account, address := a.throttleKeys(r, username)
	perAccount, perAddress := a.Throttle.PerAccount, a.Throttle.PerAddress
	if perAccount <= 0 {
		perAccount = 5
	}
	if perAddress <= 0 {
		perAddress = 20
	}
	admitted := true
	for _, k := range []struct {
		key   string
		limit int
	}{{account, perAccount}, {address, perAddress}} {
		n, err := a.countAttempt(r.Context(), c, k.key)
		if err != nil {
			a.logThrottle(r.Context(), err)
			continue
		}
		if n > int64(k.limit) {
			admitted = false
		}
	}
	return admitted
}

// countAttempt adds one to the count at key and returns it. The window
// starts at the first attempt: Add creates the count with its expiry,
// Incr keeps it.
func (a *App) countAttempt(ctx context.Context, c cache.Cache, key string) (int64, error) {
	for range 2 { // a count that expires between Add and Incr starts again
		added, err := c.Add(ctx, key, []byte("1"), a.Throttle.window())
		if err != nil || added {
			return 1, err
		}
		n, err := c.Incr(ctx, key, 1)
		if !errors.Is(err, cache.ErrCacheMiss) {
			return n, err
		}
	}
	return 1, nil
}

// loginSucceeded clears the account's count, and takes the attempt back
// from the address's (the address keeps its failures: one right password
// must not unlock guessing at other accounts).
func (a *App) loginSucceeded(r *http.Request, username string) {
	if a.Throttle.Off {
		return
	}
	if c, err := a.throttleCache(); err == nil {
		account, address := a.throttleKeys(r, username)
		c.Delete(r.Context(), account)
		c.Decr(r.Context(), address, 1)
	}
}

func (a *App) logThrottle(ctx context.Context, err error) {
	a.project.Logger().WarnContext(ctx, "auth: login throttling is off for this request: the cache failed", "err", fmt.Sprint(err))
}
