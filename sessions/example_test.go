package sessions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/web"
)

// cart adds an item to the visitor's cart, kept in the session.
func cart(w http.ResponseWriter, r *http.Request) error {
	s := sessions.From(r)
	var items []int
	if _, err := s.Get("cart", &items); err != nil {
		return err // the store failed, or the value is not a []int
	}
	items = append(items, len(items)+40)
	if err := s.Set("cart", items); err != nil {
		return err
	}
	// A typed read, when a missing or malformed value can be the zero value:
	visits, _ := sessions.Value[int](s, "visits")
	if err := s.Set("visits", visits+1); err != nil {
		return err
	}
	// Change the session before the response starts: it is saved, and
	// its cookie set, when the headers go out.
	_, err := fmt.Fprintln(w, "cart", items, "after", visits, "visits")
	return err
}

// The middleware gives each request its Session and saves it when
// modified; the browser keeps only the key, in the "sessionid" cookie.
func Example() {
	store := sessions.CacheStore{Cache: cache.NewMemory(cache.MemoryOptions{})}
	h := sessions.Middleware(sessions.Config{Store: store})(web.HandlerFunc(cart))

	var cookie *http.Cookie
	for range 3 {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/cart/", nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		h.ServeHTTP(w, r)
		fmt.Print(w.Body.String())
		if cs := w.Result().Cookies(); len(cs) > 0 {
			cookie = cs[0]
		}
	}
	fmt.Println(cookie.Name, cookie.HttpOnly, cookie.Secure, cookie.SameSite == http.SameSiteLaxMode)
	// Output:
	// cart [40] after 0 visits
	// cart [40 41] after 1 visits
	// cart [40 41 42] after 2 visits
	// sessionid true true true
}

// Login rotates the key, so that a key an attacker planted before the
// login is worth nothing after it (session fixation); the data stays.
func ExampleSession_CycleKey() {
	store := sessions.CacheStore{Cache: cache.NewMemory(cache.MemoryOptions{})}
	h := sessions.Middleware(sessions.Config{Store: store})(web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		s := sessions.From(r)
		if r.URL.Path == "/login/" {
			if err := s.CycleKey(); err != nil {
				return err
			}
			return s.Set("user", "ada")
		}
		return s.Set("theme", "dark")
	}))
	serve := func(path string, c *http.Cookie) *http.Cookie {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", path, nil)
		if c != nil {
			r.AddCookie(c)
		}
		h.ServeHTTP(w, r)
		return w.Result().Cookies()[0]
	}
	before := serve("/theme/", nil)
	after := serve("/login/", before)
	fmt.Println("new key:", after.Value != before.Value)

	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(after)
	sessions.Middleware(sessions.Config{Store: store})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		theme, _ := sessions.Value[string](sessions.From(r), "theme")
		user, _ := sessions.Value[string](sessions.From(r), "user")
		fmt.Println(theme, user)
	})).ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// new key: true
	// dark ada
}
