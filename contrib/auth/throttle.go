package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
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
// so that any username makes a valid, short key.
func (a *App) throttleKeys(r *http.Request, username string) (account, address string) {
	h := func(kind, v string) string {
		sum := sha256.Sum256([]byte(v))
		return "auth.throttle." + kind + "." + hex.EncodeToString(sum[:16])
	}
	return h("account", username), h("address", a.Throttle.address(r))
}

func (a *App) throttleCache() (cache.Cache, error) {
	name := a.Throttle.Cache
	if name == "" {
		name = "default"
	}
	return a.project.Cache(name)
}

// throttled reports whether logins for username from r are refused for
// now. A cache that fails lets the login through, with the error logged:
// an outage of the cache must not lock everyone out.
func (a *App) throttled(r *http.Request, username string) bool {
	if a.Throttle.Off {
		return false
	}
	c, err := a.throttleCache()
	if err != nil {
		a.logThrottle(r.Context(), err)
		return false
	}
	account, address := a.throttleKeys(r, username)
	perAccount, perAddress := a.Throttle.PerAccount, a.Throttle.PerAddress
	if perAccount <= 0 {
		perAccount = 5
	}
	if perAddress <= 0 {
		perAddress = 20
	}
	for key, limit := range map[string]int{account: perAccount, address: perAddress} {
		v, err := c.Get(r.Context(), key)
		if errors.Is(err, cache.ErrCacheMiss) {
			continue
		}
		if err != nil {
			a.logThrottle(r.Context(), err)
			return false
		}
		if n, _ := strconv.Atoi(string(v)); n >= limit {
			return true
		}
	}
	return false
}

// loginFailed counts a failure for username and r's address.
func (a *App) loginFailed(r *http.Request, username string) {
	if a.Throttle.Off {
		return
	}
	c, err := a.throttleCache()
	if err != nil {
		a.logThrottle(r.Context(), err)
		return
	}
	account, address := a.throttleKeys(r, username)
	for _, key := range []string{account, address} {
		// The window starts at the first failure: Add creates the count
		// with its expiry, Incr keeps it.
		added, err := c.Add(r.Context(), key, []byte("1"), a.Throttle.window())
		if err == nil && !added {
			_, err = c.Incr(r.Context(), key, 1)
		}
		if err != nil && !errors.Is(err, cache.ErrCacheMiss) {
			a.logThrottle(r.Context(), err)
		}
	}
}

// loginSucceeded clears the account's failures (not the address's: one
// right password must not unlock guessing at other accounts).
func (a *App) loginSucceeded(r *http.Request, username string) {
	if a.Throttle.Off {
		return
	}
	if c, err := a.throttleCache(); err == nil {
		account, _ := a.throttleKeys(r, username)
		c.Delete(r.Context(), account)
	}
}

func (a *App) logThrottle(ctx context.Context, err error) {
	a.project.Logger().WarnContext(ctx, "auth: login throttling is off for this request: the cache failed", "err", fmt.Sprint(err))
}
