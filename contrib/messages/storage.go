package messages

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
)

// Django's MessageEncoder writes each message as
// ["__json_message", is_safedata, level, message, extra_tags]; its cookie
// storage ends the list with notFinished when older messages went to the
// session for want of room.
const (
	messageKey  = "__json_message"
	notFinished = "__messagesnotfinished__"
)

// encode writes msgs in Django's format, with the notFinished marker when
// unfinished.
func encode(msgs []Message, unfinished bool) ([]byte, error) {
	rows := make([]any, 0, len(msgs)+1)
	for _, m := range msgs {
		rows = append(rows, []any{messageKey, 0, int(m.Level), m.Text, m.ExtraTags})
	}
	if unfinished {
		rows = append(rows, notFinished)
	}
	return json.Marshal(rows)
}

// decode reads Django's format; what is not a message is skipped.
// unfinished reports the notFinished marker.
func decode(data []byte) (msgs []Message, unfinished bool, err error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, false, err
	}
	for _, item := range items {
		var row []json.RawMessage
		if json.Unmarshal(item, &row) != nil {
			var marker string
			unfinished = unfinished || json.Unmarshal(item, &marker) == nil && marker == notFinished
			continue
		}
		var key, text, tags string
		var level int
		if len(row) < 4 || json.Unmarshal(row[0], &key) != nil || key != messageKey ||
			json.Unmarshal(row[2], &level) != nil || json.Unmarshal(row[3], &text) != nil {
			continue
		}
		if len(row) > 4 {
			json.Unmarshal(row[4], &tags) // null stays ""
		}
		msgs = append(msgs, Message{Level: Level(level), Text: text, ExtraTags: tags})
	}
	return msgs, unfinished, nil
}

// SessionStorage keeps messages in the session, under Django's key
// "_messages": it needs the session middleware around the messages one.
type SessionStorage struct{}

const sessionKey = "_messages"

func (SessionStorage) Load(r *http.Request) ([]Message, error) {
	var raw string
	ok, err := sessions.From(r).Get(sessionKey, &raw)
	if err != nil || !ok {
		return nil, err
	}
	msgs, _, _ := decode([]byte(raw)) // unreadable: none
	return msgs, nil
}

func (SessionStorage) Save(_ http.ResponseWriter, r *http.Request, msgs []Message) error {
	s := sessions.From(r)
	if len(msgs) == 0 {
		return s.Delete(sessionKey)
	}
	data, err := encode(msgs, false)
	if err != nil {
		return err
	}
	return s.Set(sessionKey, string(data))
}

// CookieStorage keeps messages in a signed cookie, "messages", as
// Django's CookieStorage: MaxSize bytes at most (2048 when zero); the
// oldest messages that do not fit are dropped, unless Overflow takes
// them.
type CookieStorage struct {
	Key          string
	FallbackKeys []string
	// Insecure lets the cookie travel over plain HTTP (the session
	// cookie's setting, in Django).
	Insecure bool
	MaxSize  int
	// Overflow keeps what does not fit (FallbackStorage sets it).
	Overflow Storage
}

const (
	cookieName = "messages"
	cookieSalt = "django.contrib.messages"
)

func (c CookieStorage) signer() signing.TimestampSigner {
	s := signing.CookieSigner(c.Key, c.FallbackKeys, cookieSalt)
	s.Compress = true
	return s
}

func (c CookieStorage) Load(r *http.Request) ([]Message, error) {
	msgs, _ := c.load(r)
	return msgs, nil
}

// load reads the cookie's messages, and whether it says older ones wait
// in the overflow storage.
func (c CookieStorage) load(r *http.Request) (msgs []Message, unfinished bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil || c.Key == "" {
		return nil, false
	}
	var raw json.RawMessage
	if c.signer().UnsignObject(ck.Value, &raw, 0) != nil {
		return nil, false // tampered, or another key: Django drops them too
	}
	msgs, unfinished, _ = decode(raw)
	return msgs, unfinished
}

// Save writes the newest messages that fit and gives the rest to
// Overflow, marking the cookie unfinished as Django does, so that either
// reads the overflow only when there is one.
func (c CookieStorage) Save(w http.ResponseWriter, r *http.Request, msgs []Message) error {
	if c.Key == "" {
		return errors.New("messages: the CookieStorage's Key is empty; set it to the project's SecretKey")
	}
	max := c.MaxSize
	if max <= 0 {
		max = 2048
	}
	var value string
	kept := msgs
	for {
		data, err := encode(kept, len(kept) < len(msgs))
		if err != nil {
			return err
		}
		if value, err = c.signer().SignObject(json.RawMessage(data)); err != nil {
			return err
		}
		if len(kept) == 0 || len(cookieName)+1+len(value) <= max {
			break
		}
		kept = kept[1:] // Django drops from the front: the oldest
	}
	if dropped := msgs[:len(msgs)-len(kept)]; len(dropped) > 0 {
		if c.Overflow == nil {
			return fmt.Errorf("messages: %d message(s) do not fit in the %d-byte cookie: use FallbackStorage or shorter messages", len(dropped), max)
		}
		if err := c.Overflow.Save(w, r, dropped); err != nil {
			return err
		}
	} else if c.Overflow != nil {
		if err := c.Overflow.Save(w, r, nil); err != nil {
			return err
		}
	}
	ck := &http.Cookie{Name: cookieName, Path: "/", HttpOnly: true, Secure: !c.Insecure, SameSite: http.SameSiteLaxMode}
	if len(msgs) == 0 {
		if _, err := r.Cookie(cookieName); err != nil {
			return nil // nothing to delete
		}
		ck.MaxAge = -1
	} else {
		ck.Value = value
	}
	http.SetCookie(w, ck)
	return nil
}

// FallbackStorage keeps messages in the cookie, and in the session what
// does not fit: Django's default storage.
func FallbackStorage(key string, fallbackKeys []string, insecure bool) Storage {
	return fallback{CookieStorage{Key: key, FallbackKeys: fallbackKeys, Insecure: insecure, Overflow: SessionStorage{}}}
}

type fallback struct{ cookie CookieStorage }

// Load reads the cookie's messages, and the session's (older: they did
// not fit) when the cookie says some wait there, as Django's
// FallbackStorage.
func (f fallback) Load(r *http.Request) ([]Message, error) {
	fromCookie, unfinished := f.cookie.load(r)
	if !unfinished {
		return fromCookie, nil
	}
	fromSession, err := SessionStorage{}.Load(r)
	return append(fromSession, fromCookie...), err
}

func (f fallback) Save(w http.ResponseWriter, r *http.Request, msgs []Message) error {
	return f.cookie.Save(w, r, msgs)
}
