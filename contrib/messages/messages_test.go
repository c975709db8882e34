package messages_test

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/contrib/messages"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
)

const secret = "a-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

// site adds messages on /add?text=...&level=..., shows them on /show,
// and shows nothing on /quiet.
func site(storage messages.Storage) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/add", func(w http.ResponseWriter, r *http.Request) {
		level := messages.Success
		fmt.Sscan(r.URL.Query().Get("level"), &level)
		for _, text := range r.URL.Query()["text"] {
			if err := messages.Add(r, level, text); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		http.Redirect(w, r, "/show", http.StatusFound)
	})
	mux.HandleFunc("/show", func(w http.ResponseWriter, r *http.Request) {
		for m := range messages.All(r) {
			fmt.Fprintf(w, "[%s] %s\n", m.Tags(), m.Text)
		}
	})
	mux.HandleFunc("/quiet", func(w http.ResponseWriter, r *http.Request) {})
	h := messages.Middleware(messages.Config{Storage: storage})(mux)
	return sessions.Middleware(sessions.Config{Store: sessions.CookieStore{Key: secret}})(h)
}

func storages() map[string]messages.Storage {
	return map[string]messages.Storage{
		"cookie":   messages.CookieStorage{Key: secret},
		"session":  messages.SessionStorage{},
		"fallback": messages.FallbackStorage(secret, nil, false),
	}
}

func TestShownOnce(t *testing.T) {
	t.Parallel()
	for name, storage := range storages() {
		t.Run(name, func(t *testing.T) {
			c := nuagestest.NewClient(t, site(storage))
			c.GetFollow("/add?text=Saved.").AssertContains("[success] Saved.\n")
			if body := c.Get("/show").AssertStatus(200).Body; body != "" {
				t.Errorf("shown twice: %q", body)
			}
			// A page that does not show them keeps them, in order.
			c.Get("/add?text=one")
			c.Get("/quiet")
			c.Get("/add?text=two&level=40")
			c.Get("/add?text=hidden&level=10") // below Info: dropped
			if body := c.Get("/show").Body; body != "[success] one\n[error] two\n" {
				t.Errorf("kept messages: %q", body)
			}
		})
	}
}

// Too much for the 2,048-byte cookie: FallbackStorage keeps the rest in
// the session; CookieStorage alone refuses rather than drop silently.
func TestOverflow(t *testing.T) {
	t.Parallel()
	var texts []string
	for i := range 12 {
		// Random text: zlib would shrink a repeated letter to nothing.
		texts = append(texts, fmt.Sprintf("text=%d-%s", i, randomText(300)))
	}
	add := "/add?" + strings.Join(texts, "&")
	c := nuagestest.NewClient(t, site(messages.FallbackStorage(secret, nil, false)))
	c.Get(add).AssertStatus(http.StatusFound)
	body := c.Get("/show").Body
	for i := range 12 {
		if !strings.Contains(body, fmt.Sprintf("] %d-", i)) || i > 0 && strings.Index(body, fmt.Sprintf("] %d-", i-1)) > strings.Index(body, fmt.Sprintf("] %d-", i)) {
			t.Fatalf("message %d missing or out of order:\n%.200s", i, body)
		}
	}
	c = nuagestest.NewClient(t, site(messages.CookieStorage{Key: secret}))
	c.Get(add).AssertStatus(http.StatusInternalServerError)
}

// randomText is n characters or more that zlib cannot shrink much.
func randomText(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()
}

// A messages cookie written by Django (this secret, its cookie signer,
// compressed) is read; a tampered one gives no messages and no error.
func TestDjangoCookie(t *testing.T) {
	t.Parallel()
	const django = ".eJyLjlaKj88qzs-Lz00tLk5MT1XSMdAxMtVRCk4sS03RU9JRUorVwabGxEBHyTkxLabUwCDVUsEmOSe_ODXFDqi-tCg9Na9EKTYWACpoHJM:1vNYyu:k7AONhsvhZ_qptB5dpxU8TOQ3msm9bRGDZ5C1QtLwAg"
	h := site(messages.CookieStorage{Key: secret})
	for _, c := range []struct{ cookie, want string }{
		{django, "[success] Saved.\n[urgent error] Café <closed>\n"},
		{strings.Replace(django, "k7AO", "k7AP", 1), ""},
		{"garbage", ""},
	} {
		r := httptest.NewRequest("GET", "/show", nil)
		r.AddCookie(&http.Cookie{Name: "messages", Value: c.cookie})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 || rec.Body.String() != c.want {
			t.Errorf("cookie %.20q: %d %q, want %q", c.cookie, rec.Code, rec.Body, c.want)
		}
	}
}

func TestNotInstalled(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	if err := messages.AddInfo(r, "x"); !errors.Is(err, messages.ErrNotInstalled) {
		t.Errorf("Add without the middleware: %v", err)
	}
	if _, err := messages.Get(r); !errors.Is(err, messages.ErrNotInstalled) {
		t.Errorf("Get without the middleware: %v", err)
	}
	for range messages.All(r) {
		t.Error("All without the middleware yielded")
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		m    messages.Message
		want string
	}{
		{messages.Message{Level: messages.Info}, "info"},
		{messages.Message{Level: messages.Warning, ExtraTags: "sticky"}, "sticky warning"},
		{messages.Message{Level: 35, ExtraTags: "custom"}, "custom"},
		{messages.Message{Level: 35}, ""},
	}
	for _, c := range cases {
		if got := c.m.Tags(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
}

// A page that shows messages is marked Vary: Cookie before it is written,
// so a page cache around the view never shows them to someone else.
func TestShownMessagesVaryOnCookie(t *testing.T) {
	t.Parallel()
	h := site(messages.CookieStorage{Key: secret})
	c := nuagestest.NewClient(t, h)
	c.Get("/add?text=Saved.")
	if res := c.Get("/show"); !strings.Contains(res.Header.Get("Vary"), "Cookie") {
		t.Errorf("Vary %q on a page showing messages", res.Header.Get("Vary"))
	}
}

// Django's FallbackStorage marks a cookie whose older messages went to the
// session with "__messagesnotfinished__": such a cookie is read, the
// session read only then, and our overflowing cookies carry the marker.
func TestNotFinishedMarker(t *testing.T) {
	t.Parallel()
	s := signing.CookieSigner(secret, nil, "django.contrib.messages")
	s.Compress = true
	django, err := s.SignObject(json.RawMessage(`[["__json_message",0,25,"saved"],"__messagesnotfinished__"]`))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: "messages", Value: django})
	if msgs, err := (messages.CookieStorage{Key: secret}).Load(r); err != nil || len(msgs) != 1 || msgs[0].Text != "saved" {
		t.Errorf("a Django cookie with the marker: %v, %v", msgs, err)
	}

	var texts []string
	for i := range 12 {
		texts = append(texts, fmt.Sprintf("text=%d-%s", i, randomText(300)))
	}
	rec := httptest.NewRecorder()
	site(messages.FallbackStorage(secret, nil, false)).ServeHTTP(rec, httptest.NewRequest("GET", "/add?"+strings.Join(texts, "&"), nil))
	var value string
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "messages" {
			value = ck.Value
		}
	}
	var raw json.RawMessage
	if err := s.UnsignObject(value, &raw, 0); err != nil || !strings.HasSuffix(string(raw), `"__messagesnotfinished__"]`) {
		t.Errorf("an overflowing cookie: %.80s…, %v", raw, err)
	}
}

// A second Get in the same request returns the messages again (Django's
// storage iterated twice); empty text is dropped, as Django's add.
func TestGetTwiceAndEmptyText(t *testing.T) {
	t.Parallel()
	var first, second []messages.Message
	h := messages.Middleware(messages.Config{Storage: messages.CookieStorage{Key: secret}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		messages.AddInfo(r, "")
		messages.AddInfo(r, "hi")
		first, _ = messages.Get(r)
		messages.AddInfo(r, "later")
		second, _ = messages.Get(r)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if len(first) != 1 || first[0].Text != "hi" || len(second) != 2 || second[1].Text != "later" {
		t.Errorf("first %v, second %v", first, second)
	}
}

// A middleware without storage is a mistake in the program, said at once.
func TestMiddlewareNeedsStorage(t *testing.T) {
	t.Parallel()
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "needs a Config.Storage") {
			t.Errorf("panic = %v", p)
		}
	}()
	messages.Middleware(messages.Config{})
}
