// Package signing signs values so that they can travel through untrusted
// hands (a cookie, a URL, a hidden field) and come back unchanged, as
// Django's django.core.signing does, in Django's format: a value signed
// by a Django site with the same key and salt verifies here, and the
// other way round.
//
// A signed value is the value, a separator (":"), and an HMAC-SHA256 of
// the value, base64url-encoded without padding. The HMAC key is derived
// from the secret key and a salt, so that a value signed for one purpose
// (a password reset link) is refused for another (a session cookie).
// TimestampSigner adds the signing time, so that Unsign can refuse values
// older than a maximum age. SignObject and UnsignObject sign JSON
// documents, optionally zlib-compressed. Fallback keys keep values signed
// with a previous secret key valid while it is rotated out.
//
// Signing is not encryption: the value is readable by whoever holds it.
// Comparisons of signatures take constant time.
package signing
