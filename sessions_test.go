package nuages

import (
	"strings"
	"testing"
	"time"
)

func TestSessionSettings(t *testing.T) {
	s := DefaultSettings()
	err := s.LoadEnv([]string{"SESSION_ENGINE=cookies", "SESSION_COOKIE_AGE=3600", "SESSION_COOKIE_SECURE=false", "SESSION_COOKIE_DOMAIN=.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if s.SessionEngine != "cookies" || s.Sessions.CookieAge != time.Hour || !s.Sessions.CookieInsecure || s.Sessions.CookieDomain != ".example.com" {
		t.Errorf("settings from the environment: %q %+v", s.SessionEngine, s.Sessions)
	}
	if err := s.LoadEnv([]string{"SESSION_COOKIE_AGE=two weeks"}); err == nil || !strings.Contains(err.Error(), "SESSION_COOKIE_AGE") {
		t.Errorf("a malformed SESSION_COOKIE_AGE: %v", err)
	}
	s = devSettings(t)
	s.SessionEngine = "redis"
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `SESSION_ENGINE "redis" is not a session engine`) {
		t.Errorf("an unknown engine: %v", err)
	}
	if _, err := New(t.Context(), devSettings(t), namedApp("sessions")); err == nil || !strings.Contains(err.Error(), "built-in app of the database session engine") {
		t.Errorf("an app named sessions: %v", err)
	}
}

type namedApp string

func (a namedApp) Name() string { return string(a) }

func TestSessionCookieAgeKeptWithoutVariable(t *testing.T) {
	s := DefaultSettings()
	s.Sessions.CookieAge = 1500 * time.Millisecond
	if err := s.LoadEnv(nil); err != nil || s.Sessions.CookieAge != 1500*time.Millisecond {
		t.Errorf("CookieAge %v, %v", s.Sessions.CookieAge, err)
	}
}
