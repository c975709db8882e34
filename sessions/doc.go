// Package sessions keeps per-visitor data between requests, as Django's
// sessions do: a middleware gives each request a Session, loaded from its
// store on first use and saved only when modified, with its key in a
// cookie.
//
// Stores: DBStore (the django_session table, created by the sessions
// app's migration), CacheStore (any cache.Cache, Redis for several
// servers) and CookieStore (the whole session, signed, in the cookie).
// Data is a JSON object, so values are what encoding/json reads and
// writes; the formats are Django's, so a session table or cookie shared
// with a Django site reads the same.
//
// A cookie that is tampered with, unknown, or expired gives a new empty
// session, never an error. Login rotates the key (CycleKey) against
// session fixation; logout flushes the session (Flush).
package sessions
