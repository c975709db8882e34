package httpcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/templates"
)

// RenderFunc renders a template, as templates.Engine.Render does.
type RenderFunc func(w io.Writer, r *http.Request, name string, data templates.Data) error

// FragmentFunc returns the "cache" template function, Django's
// {% cache %}: it renders a named block of a template once, keeps the HTML
// in c, and returns it from there until ttl has passed.
//
//	{{define "sidebar"}}...expensive...{{end}}
//	{{cache 300 "polls/index.html#sidebar" . .user.ID}}
//
// The arguments are the time to live (seconds as an integer, or a
// duration string such as "5m"), the block (a template name with
// "#block", rendered as Engine.Render renders a partial), the data to render
// it with (the page's "." usually, whose "request" is passed on), and any
// values the fragment varies on: one cached copy per distinct list, like
// Django's vary_on. Vary on the user for anything personal.
//
// The block is rendered by html/template, so the cached HTML is escaped
// already; use the function where HTML may go (not inside an attribute).
// If the cache fails, the block is rendered afresh. Since the function
// needs the engine it belongs to, give it a render function that calls the
// engine once built:
//
//	var engine *templates.Engine
//	funcs := template.FuncMap{"cache": httpcache.FragmentFunc(c,
//		func(w io.Writer, r *http.Request, name string, d templates.Data) error {
//			return engine.Render(w, r, name, d)
//		})}
//	engine = templates.New(templates.Options{Dirs: dirs, Funcs: funcs})
func FragmentFunc(c cache.Cache, render RenderFunc) func(ttl any, name string, data templates.Data, varyOn ...any) (template.HTML, error) {
	return func(ttl any, name string, data templates.Data, varyOn ...any) (template.HTML, error) {
		d, err := fragmentTTL(ttl)
		if err != nil {
			return "", fmt.Errorf("cache %q: %w", name, err)
		}
		r, _ := data["request"].(*http.Request)
		ctx := context.Background()
		if r != nil {
			ctx = r.Context()
		}
		key := FragmentKey(name, varyOn...)
		if b, err := c.Get(ctx, key); err == nil {
			return template.HTML(b), nil
		}
		var buf bytes.Buffer
		if err := render(&buf, r, name, data); err != nil {
			return "", err
		}
		// A cache that fails costs the fragment its caching, not the page.
		_ = c.Set(ctx, key, buf.Bytes(), d)
		return template.HTML(buf.String()), nil
	}
}

// FragmentKey returns the cache key of a fragment, to delete it when its
// data changes (Django's make_template_fragment_key).
func FragmentKey(name string, varyOn ...any) string {
	h := sha256.New()
	for _, v := range varyOn {
		fmt.Fprintf(h, "%v:", v)
	}
	sum := hex.EncodeToString(h.Sum(nil)[:16])
	if len(name) > 100 || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 127 }) {
		n := sha256.Sum256([]byte(name))
		name = hex.EncodeToString(n[:16])
	}
	return "template.cache." + name + "." + sum
}

func fragmentTTL(v any) (time.Duration, error) {
	var d time.Duration
	switch v := v.(type) {
	case int:
		d = time.Duration(v) * time.Second
	case int64:
		d = time.Duration(v) * time.Second
	case time.Duration:
		d = v
	case string:
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("time to live %q: %w (want seconds or a duration such as \"5m\")", v, err)
		}
	default:
		return 0, fmt.Errorf("time to live %v is a %T: want seconds (an integer) or a duration such as \"5m\"", v, v)
	}
	if d <= 0 {
		return 0, errors.New("the time to live must be positive")
	}
	return d, nil
}
