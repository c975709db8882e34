package nuages

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// Settings.Security reaches the project's stack: HSTS behind a proxy that
// says HTTPS, and a CSP nonce that templates put on their scripts.
func TestProjectSecurityHeaders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := `<script nonce="{{csp_nonce .request}}">go()</script><meta name="csrf" content="{{csrf_token .request}}">`
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := devSettings(t)
	s.TemplateDirs = []string{dir}
	s.Security.HSTSSeconds = 60
	s.Security.ProxySSLHeader = [2]string{"X-Forwarded-Proto", "https"}
	s.Security.CSP = middleware.CSP{"script-src": {middleware.CSPSelf, middleware.CSPNonce}}
	var p *Project
	s.URLs = func(*Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			return p.Render(w, r, "page.html", templates.Data{})
		}), "page")}, nil
	}
	p = newProject(t, s)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "http://localhost/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 200 || rec.Header().Get("Strict-Transport-Security") != "max-age=60" {
		t.Fatalf("%d, HSTS %q: %s", rec.Code, rec.Header().Get("Strict-Transport-Security"), rec.Body)
	}
	m := regexp.MustCompile(`nonce="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil || rec.Header().Get("Content-Security-Policy") != "script-src 'self' 'nonce-"+m[1]+"'" {
		t.Errorf("CSP %q, page %s", rec.Header().Get("Content-Security-Policy"), rec.Body)
	}
	if !strings.Contains(rec.Body.String(), `name="csrf" content="`) || len(rec.Result().Cookies()) == 0 {
		t.Errorf("csrf_token: %s, cookies %v", rec.Body, rec.Result().Cookies())
	}
}
