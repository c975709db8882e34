package messages

import (
	"net/http"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/templates"
)

// App is the messages app: its middleware (with FallbackStorage on the
// project's keys, after the sessions) and the "messages" of templates.
type App struct {
	// Level is the lowest level kept (Django's MESSAGE_LEVEL): Info
	// when zero.
	Level Level
	// Storage replaces FallbackStorage.
	Storage Storage
}

// Name is the app's label.
func (App) Name() string { return "messages" }

// Middleware is the messages middleware, for DefaultMiddleware.
func (a App) Middleware(p *nuages.Project) []func(http.Handler) http.Handler {
	storage := a.Storage
	if storage == nil {
		st := p.Settings()
		storage = FallbackStorage(st.SecretKey, st.SecretKeyFallbacks, st.Sessions.CookieInsecure)
	}
	return []func(http.Handler) http.Handler{Middleware(Config{Storage: storage, Level: a.Level})}
}

// ContextProcessors sets "messages" in every template's data: the pending
// messages, shown (and so gone) when the template ranges over them.
func (App) ContextProcessors() []templates.Processor {
	return []templates.Processor{func(r *http.Request) templates.Data {
		return templates.Data{"messages": All(r)}
	}}
}
