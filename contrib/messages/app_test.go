package messages_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/messages"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// Installed in a project, the app's middleware runs in the default stack
// and templates range over .messages, escaped.
func TestApp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := `{{range .messages}}<li class="{{.Tags}}">{{.Text}}</li>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey, s.SessionEngine, s.TemplateDirs = true, secret, nuages.SessionsCookies, []string{dir}
	var p *nuages.Project
	s.URLs = func(*nuages.Project) ([]web.Pattern, error) {
		return []web.Pattern{
			web.Path("POST save/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				if err := messages.AddSuccess(r, "Saved <b>it</b>."); err != nil {
					return err
				}
				return web.Redirect(w, r, "page")
			}), "save"),
			web.Path("", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return p.Render(w, r, "page.html", templates.Data{})
			}), "page"),
		}, nil
	}
	p = nuagestest.New(t, s, messages.App{})
	c := nuagestest.NewSiteClient(t, p)
	c.PostFollow("/save/", nil).AssertContains(`<li class="success">Saved &lt;b&gt;it&lt;/b&gt;.</li>`)
	c.Get("/").AssertStatus(200).AssertNotContains("Saved")
}
