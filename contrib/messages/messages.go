package messages

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// Level is a message's importance, with Django's values.
type Level int

// Django's levels.
const (
	Debug   Level = 10
	Info    Level = 20
	Success Level = 25
	Warning Level = 30
	Error   Level = 40
)

// Tag is the level's CSS class: "debug", "info", "success", "warning",
// "error", or "" for a level of the project's own.
func (l Level) Tag() string {
	switch l {
	case Debug:
		return "debug"
	case Info:
		return "info"
	case Success:
		return "success"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return ""
}

// Message is one notice. Text is escaped by templates like any string;
// to show trusted HTML, put it in the template, not the message.
type Message struct {
	Level     Level
	Text      string
	ExtraTags string // more CSS classes, space-separated
}

// Tags is ExtraTags and the level's tag: the class attribute of the
// message, Django's message.tags.
func (m Message) Tags() string {
	return strings.TrimSpace(m.ExtraTags + " " + m.Level.Tag())
}

func (m Message) String() string { return m.Text }

// ErrNotInstalled is Add's error when the request did not go through the
// middleware.
var ErrNotInstalled = errors.New("messages: the request did not go through the messages middleware: install messages.App in the project")

// store is a request's messages: those stored before it, read on first
// use, and those added during it.
type store struct {
	mu      sync.Mutex
	r       *http.Request
	backend Storage
	level   Level
	loaded  []Message
	loadErr error
	read    bool // loaded from the backend
	used    bool // iterated: the loaded ones are shown, not kept
	added   []Message
	header  http.Header // the response's
}

type storeKey struct{}

func from(r *http.Request) (*store, error) {
	s, ok := r.Context().Value(storeKey{}).(*store)
	if !ok {
		return nil, ErrNotInstalled
	}
	return s, nil
}

// Add queues a message for the page the visitor sees next (this one, if
// it shows messages, or the next after a redirect). Messages below the
// configured level are dropped, as Django's MESSAGE_LEVEL.
func Add(r *http.Request, level Level, text string, extraTags ...string) error {
	s, err := from(r)
	if err != nil {
		return err
	}
	if text == "" {
		return nil // nothing to say: dropped, as Django's add
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if level >= s.level {
		s.added = append(s.added, Message{Level: level, Text: text, ExtraTags: strings.Join(extraTags, " ")})
	}
	return nil
}

// AddDebug, AddInfo, AddSuccess, AddWarning and AddError are Add at each
// level, Django's messages.debug/info/success/warning/error.
func AddDebug(r *http.Request, text string) error   { return Add(r, Debug, text) }
func AddInfo(r *http.Request, text string) error    { return Add(r, Info, text) }
func AddSuccess(r *http.Request, text string) error { return Add(r, Success, text) }
func AddWarning(r *http.Request, text string) error { return Add(r, Warning, text) }
func AddError(r *http.Request, text string) error   { return Add(r, Error, text) }

// Get returns the pending messages and marks them shown: they are not
// kept for the next request (those added after the last Get are). A
// second Get in the same request returns them again, with any added
// since, as iterating Django's get_messages twice does.
func Get(r *http.Request) ([]Message, error) {
	s, err := from(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	// The page shows this visitor's messages: a page cache must see it
	// before the view writes.
	web.AddVary(s.header, "Cookie")
	s.used = true
	s.loaded, s.added = append(s.loaded, s.added...), nil
	return slices.Clone(s.loaded), nil
}

// All is the pending messages as a sequence that marks them shown when
// ranged over, so that a page that does not show them keeps them: the
// "messages" of templates, {{range .messages}}.
func All(r *http.Request) iter.Seq[Message] {
	return func(yield func(Message) bool) {
		msgs, err := Get(r)
		if err != nil {
			return // no middleware, or a store that failed: nothing to show
		}
		for _, m := range msgs {
			if !yield(m) {
				return
			}
		}
	}
}

func (s *store) load() error {
	if !s.read {
		s.read = true
		s.loaded, s.loadErr = s.backend.Load(s.r)
	}
	return s.loadErr
}

// Storage keeps messages between requests.
type Storage interface {
	// Load returns the messages kept for r; a store that cannot read
	// what it finds (tampered, another key) returns none, not an error.
	Load(r *http.Request) ([]Message, error)
	// Save keeps msgs for the next request, replacing what was kept; an
	// empty msgs clears. It runs before the response's headers are sent,
	// so it may set cookies on w.
	Save(w http.ResponseWriter, r *http.Request, msgs []Message) error
}

// Config configures the middleware.
type Config struct {
	// Storage is where messages wait (the app sets FallbackStorage with
	// the project's keys); required.
	Storage Storage
	// Level is the lowest level kept, Django's MESSAGE_LEVEL: Info when
	// zero.
	Level Level
}

// Middleware gives each request its messages and keeps, before the
// response's headers go out, those not shown: Django's MessageMiddleware.
// It must run inside the session middleware when the storage uses
// sessions.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	if cfg.Storage == nil {
		panic("messages: Middleware needs a Config.Storage, such as messages.FallbackStorage(settings.SecretKey, settings.SecretKeyFallbacks, false); installing messages.App does it")
	}
	if cfg.Level == 0 {
		cfg.Level = Info
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := &store{backend: cfg.Storage, level: cfg.Level, header: w.Header()}
			r = r.WithContext(context.WithValue(r.Context(), storeKey{}, s))
			s.r = r
			hw, finish := middleware.BeforeHeaders(w, func(int) bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				if !s.used && len(s.added) == 0 {
					return true // nothing shown, nothing added: what is kept stays
				}
				keep := s.added
				if !s.used {
					if err := s.load(); err != nil {
						web.ServeError(w, r, fmt.Errorf("messages: reading the kept messages: %w", err))
						return false
					}
					keep = append(append([]Message(nil), s.loaded...), s.added...)
				}
				// A failure answers with the error page rather than
				// losing the messages silently.
				if err := s.backend.Save(w, r, keep); err != nil {
					web.ServeError(w, r, fmt.Errorf("messages: keeping the messages: %w", err))
					return false
				}
				return true
			})
			next.ServeHTTP(hw, r)
			finish()
		})
	}
}
