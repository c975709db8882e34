// Package csrf protects against cross-site request forgery as Django's
// CsrfViewMiddleware does, in Django's format: a secret in a cookie
// ("csrftoken"), a token masked anew for every form that renders it
// ({{csrf_field .request}}), and a check of every unsafe request (POST,
// PUT, PATCH, DELETE) against that secret, with the token from the form
// field "csrfmiddlewaretoken" or the "X-CSRFToken" header for JavaScript.
//
// Before the token, the request's origin is checked: the Origin header
// must be the site itself or a trusted origin; over HTTPS without Origin,
// the Referer must be; Sec-Fetch-Site, which browsers send and pages
// cannot forge, must not say another site sent the request. Safe methods
// (GET, HEAD, OPTIONS, TRACE) are never checked: they must not change
// state.
//
// A refused request is a 403 whose reason is on the Debug page and in the
// log, never on the production page.
package csrf
