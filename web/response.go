package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Redirect answers with a 302 to to, as Django's redirect(): a route name
// ("polls:results", reversed with args) when it has neither "/" nor ".",
// otherwise a URL. A URL to another host is refused (an error, so a
// handler cannot be turned into an open redirect by a crafted "next"
// value): use RedirectExternal for those.
//
//	return web.Redirect(w, r, "polls:results", q.ID)
func Redirect(w http.ResponseWriter, r *http.Request, to string, args ...any) error {
	return redirect(w, r, http.StatusFound, to, args)
}

// RedirectPermanent is Redirect with a 301.
func RedirectPermanent(w http.ResponseWriter, r *http.Request, to string, args ...any) error {
	return redirect(w, r, http.StatusMovedPermanently, to, args)
}

// RedirectExternal answers with a 302 to an absolute URL on any host.
func RedirectExternal(w http.ResponseWriter, r *http.Request, to string) error {
	u, err := url.Parse(to)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("web: RedirectExternal(%q): not an absolute http(s) URL", to)
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
	return nil
}

func redirect(w http.ResponseWriter, r *http.Request, status int, to string, args []any) error {
	if !strings.ContainsAny(to, "/.") {
		path, err := Reverse(r, to, args...)
		if err != nil {
			return err
		}
		http.Redirect(w, r, path, status)
		return nil
	}
	if len(args) > 0 {
		return fmt.Errorf("web: redirect to the URL %q takes no arguments", to)
	}
	if !IsSafeRedirect(to, r.Host) {
		return fmt.Errorf("web: redirect to %q refused: it leaves the site (use RedirectExternal for another host)", to)
	}
	http.Redirect(w, r, to, status)
	return nil
}

// IsSafeRedirect reports whether target stays on one of hosts: a path, or
// an absolute http(s) URL whose host is one of them. It refuses what
// browsers read as another host ("//evil.example", "/\evil.example",
// "https:evil.example") and control characters, as Django's
// url_has_allowed_host_and_scheme: check a "next" parameter with it.
func IsSafeRedirect(target string, hosts ...string) bool {
	target = strings.TrimSpace(target)
	if target == "" || strings.ContainsFunc(target, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	// Browsers take "\" for "/" ("/\evil" is "//evil"), other clients do
	// not: the target must be safe read both ways, as in Django.
	return safeRedirect(target, hosts) && safeRedirect(strings.ReplaceAll(target, `\`, "/"), hosts)
}

func safeRedirect(target string, hosts []string) bool {
	if strings.HasPrefix(target, "///") {
		return false
	}
	u, err := url.Parse(target)
	if err != nil {
		// "/%zz": not a URL Go reads, yet a path of this site when it
		// has neither a scheme nor a host.
		return !strings.HasPrefix(target, "//") && !strings.Contains(strings.SplitN(target, "/", 2)[0], ":")
	}
	if u.Scheme == "" && u.Host == "" {
		return true // a path on this site
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	if u.Host == "" {
		return false // "https:evil.example"
	}
	for _, h := range hosts {
		if strings.EqualFold(u.Host, h) {
			return true
		}
	}
	return false
}

// JSON writes v as a JSON response with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("web: JSON response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// DecodeJSON reads r's body, at most limit bytes, into v. A body that is
// not JSON, too large, of the wrong type for a field, or with a field v
// does not have, is a 400 (413 when too large) whose message names the
// problem and the field, for the client.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.Contains(ct, "+json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Message: fmt.Sprintf("Unsupported media type %q: send application/json.", ct)}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return &Error{Status: http.StatusBadRequest, Message: "The body holds more than one JSON value."}
	}
	return nil
}

// jsonError turns a decoding error into a 400 for the client.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	msg := ""
	switch {
	case errors.As(err, &tooBig):
		return &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("The body is larger than %d bytes.", tooBig.Limit), Err: err}
	case errors.Is(err, io.EOF):
		msg = "The body is empty: send a JSON value."
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "The body ends in the middle of a JSON value."
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		msg = fmt.Sprintf("%s: expected %s, got a JSON %s.", field, typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		msg = "Unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	default:
		msg = "The body could not be read as JSON."
	}
	return &Error{Status: http.StatusBadRequest, Message: msg, Err: err}
}

// ServeFile answers with the file name of fsys, as Django's FileResponse:
// the Content-Type from its extension, Range requests, conditional GET by
// modification time (and by an ETag the handler set), and, with
// attachment, a Content-Disposition that makes browsers save it under its
// base name (non-ASCII names encoded as RFC 6266 says). A missing file or
// a directory is a 404.
func ServeFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, attachment bool) error {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
		return &Error{Status: http.StatusNotFound, Err: err}
	} else if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.IsDir() {
		return &Error{Status: http.StatusNotFound, Err: fmt.Errorf("web: %s is a directory", name)}
	}
	if attachment {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		// No Seek (a file system that streams): read it whole, to serve ranges.
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		content = bytes.NewReader(b)
	}
	http.ServeContent(w, r, path.Base(name), info.ModTime(), content)
	return nil
}

// AddVary adds name to h's Vary header unless it is there already (or
// Vary is "*"): Django's patch_vary_headers, for middleware whose
// response depends on a request header, such as Cookie.
func AddVary(h http.Header, name string) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, name) {
				return
			}
		}
	}
	h.Add("Vary", name)
}
