package nuages

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// The project's stack checks CSRF, except for the views marked exempt,
// which the router finds.
func TestProjectCSRF(t *testing.T) {
	t.Parallel()
	s := devSettings(t)
	s.SessionEngine = SessionsNone
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("accepted")) })
	s.URLs = func(*Project) ([]web.Pattern, error) {
		return []web.Pattern{
			web.Path("form/", ok, "form"),
			web.Path("hook/<int:id>/", csrf.Exempt(ok), "hook"),
		}, nil
	}
	p := newProject(t, s)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/form/", 200},
		{"POST", "/form/", 403},
		{"POST", "/hook/7/", 200},
		{"POST", "/hook/x/", 403}, // no route: not exempt (and the 404 would come after)
		{"DELETE", "/hook/7/", 200},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(c.method, "http://localhost"+c.path, nil)
		h.ServeHTTP(rec, r)
		if rec.Code != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.status)
		}
	}
}

func TestCSRFSettings(t *testing.T) {
	s := DefaultSettings()
	if err := s.LoadEnv([]string{"CSRF_TRUSTED_ORIGINS=https://a.example,https://*.b.example", "CSRF_COOKIE_SECURE=0"}); err != nil {
		t.Fatal(err)
	}
	if len(s.CSRF.TrustedOrigins) != 2 || !s.CSRF.CookieInsecure {
		t.Errorf("%+v", s.CSRF)
	}
	for _, bad := range []string{"example.com", "https://", "https://example.com/path"} {
		s := devSettings(t)
		s.CSRF.TrustedOrigins = []string{bad}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "CSRF_TRUSTED_ORIGINS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
