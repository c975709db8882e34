package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Options configure a Router.
type Options struct {
	// Debug shows the technical error pages: the patterns tried on a 404,
	// the error chain and stack on a 500. Never in production.
	Debug bool
	// NoAppendSlash turns off Django's APPEND_SLASH: by default a GET or
	// HEAD of "/about" that matches nothing is redirected (301) to
	// "/about/" when that matches.
	NoAppendSlash bool
	// Converters adds path converters by name, as Django's
	// register_converter: "<year:y>" with Converters{"year": yearConverter{}}.
	Converters map[string]Converter
	// Errors turns the errors of handlers into responses; by default an
	// *Errors with Debug.
	Errors ErrorHandler
}

// Router dispatches requests to the handlers of its patterns, in the
// order Django would try them, and reverses names into URLs. It is an
// http.Handler, safe for concurrent use; build it once with NewRouter.
type Router struct {
	root     *node
	routes   []*route
	byName   map[string][]*route
	errors   ErrorHandler
	debug    bool
	noAppend bool
}

// route is one Path of the configuration, with its full route.
type route struct {
	index   int
	method  string
	text    string // the full route, prefixes included, without the method
	name    string // "namespace:name", or ""
	handler http.Handler
	parsed  *parsedRoute
	checks  []*regexp.Regexp // per parameter, anchored: what Reverse must produce
	names   []string         // the parameters' names
}

// node is a node of the routing tree: one level per path segment.
type node struct {
	static  map[string]*node
	dynamic []*edge
	tails   []*route
	routes  []*route // ending here, by index
	min     int      // the smallest route index below: a search prunes on it
}

type edge struct {
	seg   *segment
	child *node
}

// NewRouter builds a router for patterns. A bad route (an unknown
// converter, a leading slash, a malformed parameter) is an error naming it.
func NewRouter(opts Options, patterns ...Pattern) (*Router, error) {
	convs := map[string]Converter{}
	for name, c := range builtinConverters {
		convs[name] = c
	}
	for name, c := range opts.Converters {
		if !isIdentifier(name) || c == nil {
			return nil, fmt.Errorf("web: converter %q: a converter needs an identifier for a name and a value", name)
		}
		re, err := regexp.Compile(c.Regexp())
		if err != nil {
			return nil, fmt.Errorf("web: converter %q: its Regexp does not compile: %w", name, err)
		}
		if re.NumSubexp() > 0 {
			return nil, fmt.Errorf("web: converter %q: its Regexp %q has groups of its own: write (?:...)", name, c.Regexp())
		}
		convs[name] = c
	}
	rt := &Router{root: newNode(), byName: map[string][]*route{}, errors: opts.Errors, debug: opts.Debug, noAppend: opts.NoAppendSlash}
	if rt.errors == nil {
		rt.errors = &Errors{Debug: opts.Debug}
	}
	var errs []error
	var add func(prefix, ns string, ps []Pattern)
	add = func(prefix, ns string, ps []Pattern) {
		for _, p := range ps {
			if p.include {
				if m, _ := splitMethod(p.route); m != "" {
					errs = append(errs, fmt.Errorf("web: Include(%q): a prefix has no method", p.route))
					continue
				}
				child := ns
				if p.namespace != "" {
					child = joinName(ns, p.namespace)
				}
				add(prefix+p.route, child, p.children)
				continue
			}
			if err := rt.addRoute(prefix, ns, p, convs); err != nil {
				errs = append(errs, err)
			}
		}
	}
	add("", "", patterns)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rt, nil
}

func joinName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + ":" + name
}

func newNode() *node { return &node{static: map[string]*node{}, min: int(^uint(0) >> 1)} }

func (rt *Router) addRoute(prefix, ns string, p Pattern, convs map[string]Converter) error {
	method, text := splitMethod(p.route)
	text = prefix + text
	if p.handler == nil {
		return fmt.Errorf("web: route %q has no handler", text)
	}
	if strings.Contains(p.name, ":") {
		return fmt.Errorf("web: route %q: the name %q has a colon, which separates namespaces", text, p.name)
	}
	parsed, err := parseRoute(text, convs)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	parsed.method = method
	r := &route{index: len(rt.routes), method: method, text: text, handler: p.handler, parsed: parsed}
	if p.name != "" {
		r.name = joinName(ns, p.name)
		rt.byName[r.name] = append(rt.byName[r.name], r)
	}
	for _, prm := range parsed.params {
		r.names = append(r.names, prm.name)
		r.checks = append(r.checks, regexp.MustCompile("^(?:"+prm.conv.Regexp()+")$")) // it compiled in parseRoute
	}
	rt.routes = append(rt.routes, r)
	// Walk the tree down the route's segments, creating nodes.
	n := rt.root
	n.min = min(n.min, r.index)
	for i, lit := range parsed.segments {
		if seg := parsed.segs[i]; seg != nil {
			var next *node
			for _, e := range n.dynamic {
				if e.seg.text == seg.text && sameConverters(e.seg, seg) {
					next = e.child
					break
				}
			}
			if next == nil {
				next = newNode()
				n.dynamic = append(n.dynamic, &edge{seg: seg, child: next})
			}
			n = next
		} else {
			next := n.static[lit]
			if next == nil {
				next = newNode()
				n.static[lit] = next
			}
			n = next
		}
		n.min = min(n.min, r.index)
	}
	if parsed.tail != nil {
		n.tails = append(n.tails, r)
	} else {
		n.routes = append(n.routes, r)
	}
	return nil
}

func sameConverters(a, b *segment) bool {
	return slices.EqualFunc(a.params, b.params, func(x, y *param) bool { return x.convName == y.convName })
}

// search is the state of one resolution: the best route so far (the
// first in the configuration's order) and its values. It lives on the
// stack: values are copied into its arrays, never pointed to.
type search struct {
	method string
	best   *route
	n      int         // the best route's parameters
	vals   [8]string   // their texts
	args   [8]any      // and values
	more   *moreValues // beyond 8 parameters
	allow  []string    // methods of the routes that matched but for the method
}

type moreValues struct {
	vals []string
	args []any
}

// values returns the best route's texts and converted values.
func (s *search) values() ([]string, []any) {
	if s.more != nil {
		return s.more.vals, s.more.args
	}
	return s.vals[:s.n], s.args[:s.n]
}

func (n *node) find(rest string, done bool, vals []string, s *search) {
	if s.best != nil && n.min >= s.best.index {
		return // nothing below comes before what was found
	}
	if done {
		for _, r := range n.routes {
			s.consider(r, vals)
		}
		return
	}
	for _, r := range n.tails {
		if s.best != nil && r.index >= s.best.index {
			continue
		}
		if m := r.parsed.tail.re.FindStringSubmatch(rest); m != nil {
			s.consider(r, append(vals, m[1:]...))
		}
	}
	seg, after, more := strings.Cut(rest, "/")
	if child := n.static[seg]; child != nil {
		child.find(after, !more, vals, s)
	}
	for _, e := range n.dynamic {
		if s.best != nil && e.child.min >= s.best.index {
			continue
		}
		if v, ok := e.seg.match(seg, vals); ok {
			e.child.find(after, !more, v, s)
		}
	}
}

// consider takes r if it serves the method and comes first; a route that
// only misses the method adds to the 405's Allow.
func (s *search) consider(r *route, vals []string) {
	if s.best != nil && r.index >= s.best.index {
		return
	}
	if r.method != "" && r.method != s.method && !(r.method == http.MethodGet && s.method == http.MethodHead) {
		s.allow = append(s.allow, r.method)
		return
	}
	if len(vals) > len(s.vals) {
		args := make([]any, len(vals))
		if !convertAll(r, vals, args) {
			return
		}
		s.best, s.more = r, &moreValues{vals: slices.Clone(vals), args: args}
		return
	}
	var args [8]any
	if !convertAll(r, vals, args[:len(vals)]) {
		return // the converter refused the text: the search goes on
	}
	s.best, s.n, s.more = r, len(vals), nil
	copy(s.vals[:], vals)
	s.args = args
}

// resolve finds the route of path (without its leading slash) for
// method, into s.
func (rt *Router) resolve(s *search, method, path string) {
	*s = search{method: method}
	var buf [8]string
	rt.root.find(path, false, buf[:0], s)
}

// Match is what the router found for a request: Django's resolver_match.
type Match struct {
	Route  string   // the route as configured, prefixes included: "polls/<int:id>/"
	Name   string   // the route's name with its namespaces, "polls:detail", or ""
	Params []string // the parameters' names, in order (shared: do not modify)
	Args   []any    // their values, converted
	// Handler is the route's handler, Django's ResolverMatch.func: a
	// middleware before the router can resolve a request and look at it
	// (csrf.IsExempt does).
	Handler http.Handler
	router  *Router
}

// Namespace is the namespace part of the name: "polls" for "polls:detail".
func (m *Match) Namespace() string {
	if i := strings.LastIndexByte(m.Name, ':'); i >= 0 {
		return m.Name[:i]
	}
	return ""
}

type (
	matchKey    struct{} // the *Match, once resolved, when a route took the request
	resolvedKey struct{} // the *matchContext itself
)

// MatchOf returns the route the router chose for r, or nil outside one.
// Below Router.Resolving, middleware gets the route the router will
// choose (resolving it, once, if no one asked before).
func MatchOf(r *http.Request) *Match {
	m, _ := r.Context().Value(matchKey{}).(*Match)
	return m
}

// Param returns the converted value of the route parameter name: an int
// for <int:id>, a string for <slug:s>, a [16]byte for <uuid:u>. It is the
// zero value when the route has no such parameter of type T; r.PathValue
// has the text.
func Param[T any](r *http.Request, name string) T {
	var zero T
	m := MatchOf(r)
	if m == nil {
		return zero
	}
	for i, n := range m.Params {
		if n == name {
			v, _ := m.Args[i].(T)
			return v
		}
	}
	return zero
}

// ServeHTTP routes r: to the first pattern that matches its path and
// method, with the parameters converted; otherwise a redirect to the
// path with a slash appended (APPEND_SLASH), a 405 with Allow, or a 404.
// Below Resolving, it takes the route resolved there.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mc := rt.resolved(r)
	if mc == nil {
		mc = rt.newMatchContext(r)
		r = r.WithContext(mc)
	}
	mc.once.Do(mc.resolve)
	if !mc.found {
		rt.noMatch(w, r, strings.TrimPrefix(r.URL.Path, "/"), mc.allow)
		return
	}
	for i, name := range mc.m.Params {
		r.SetPathValue(name, mc.vals[i])
	}
	defer rt.recoverPanic(w, r)
	mc.m.Handler.ServeHTTP(w, r)
}

// Resolving is middleware that resolves each request's route for the
// middleware after it and for rt, once: the first to ask (MatchOf,
// ResolveRequest, or rt when it serves the request) resolves it, and the
// others read the same Match, where each would resolve the path again.
// Put it early in the chain, before the middleware that must know the
// view (CSRF exemption, login required by default); a request that
// middleware refuses first is never resolved. Below a middleware that
// changes the method or path, each that asks resolves the new one.
func (rt *Router) Resolving(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(rt.newMatchContext(r)))
	})
}

// ResolveRequest returns the Match of r: the one Resolving keeps in r's
// context for rt, when r's method and path are still those it was made
// for, else rt resolves r now. The error is the 404 or 405 (*Error) the
// router would answer; APPEND_SLASH is not applied. The Match is shared:
// do not modify it.
func (rt *Router) ResolveRequest(r *http.Request) (*Match, error) {
	if mc := rt.resolved(r); mc != nil {
		mc.once.Do(mc.resolve)
		if !mc.found {
			return nil, missError(mc.allow)
		}
		return &mc.m, nil
	}
	m, err := rt.Resolve(r.Method, r.URL.Path)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// resolved returns the matchContext of Resolving in r's context, when it
// was made by rt for r's method and path, or nil.
func (rt *Router) resolved(r *http.Request) *matchContext {
	mc, _ := r.Context().Value(resolvedKey{}).(*matchContext)
	if mc == nil || mc.rt != rt || mc.method != r.Method || mc.path != r.URL.Path {
		return nil
	}
	return mc
}

func (rt *Router) newMatchContext(r *http.Request) *matchContext {
	return &matchContext{Context: r.Context(), rt: rt, method: r.Method, path: r.URL.Path}
}

// missError is the 405 for the methods in allow, or a 404 when none.
func missError(allow []string) error {
	if len(allow) > 0 {
		return MethodNotAllowed(allowed(allow)...)
	}
	return NotFound("")
}

// Resolve returns the Match a request for method and path (as in
// r.URL.Path) would get, without serving it: Django's resolve(), for tests
// and for code that needs to know where a URL leads. The error is the 404
// or 405 (*Error) the router would answer; APPEND_SLASH is not applied.
func (rt *Router) Resolve(method, path string) (Match, error) {
	var s search
	rt.resolve(&s, method, strings.TrimPrefix(path, "/"))
	if s.best == nil {
		return Match{}, missError(s.allow)
	}
	_, args := s.values()
	return s.match(rt, slices.Clone(args)), nil
}

// match is the Match of the route found, with args as its values.
func (s *search) match(rt *Router, args []any) Match {
	return Match{Route: s.best.text, Name: s.best.name, Params: s.best.names, Args: args, Handler: s.best.handler, router: rt}
}

// matchContext carries the route of a request in its context, resolved
// at most once, by the first to ask, for the method and path the request
// had when the context was made. One allocation holds the context, the
// match and a few parameters.
type matchContext struct {
	context.Context
	rt           *Router
	method, path string

	once    sync.Once
	found   bool
	m       Match    // when found
	vals    []string // the parameters' texts, when found
	allow   []string // the methods of the routes that missed only by the method
	argsBuf [4]any
	valsBuf [4]string
}

// resolve fills c; call it through c.once.
func (c *matchContext) resolve() {
	var s search
	c.rt.resolve(&s, c.method, strings.TrimPrefix(c.path, "/"))
	if s.best == nil {
		c.allow = s.allow
		return
	}
	vals, args := s.values()
	c.found = true
	c.m = s.match(c.rt, append(c.argsBuf[:0:len(c.argsBuf)], args...))
	c.vals = append(c.valsBuf[:0:len(c.valsBuf)], vals...)
}

func (c *matchContext) Value(key any) any {
	switch key {
	case matchKey{}:
		if c.once.Do(c.resolve); c.found {
			return &c.m
		}
		return nil
	case resolvedKey{}:
		return c
	}
	return c.Context.Value(key)
}

// convertAll parses the captured texts with their converters; a Parse
// error means the route does not match, as a ValueError in Django.
func convertAll(r *route, vals []string, args []any) bool {
	for i, v := range vals {
		a, err := r.parsed.params[i].conv.Parse(v)
		if err != nil {
			return false
		}
		args[i] = a
	}
	return true
}

func (rt *Router) noMatch(w http.ResponseWriter, r *http.Request, path string, allow []string) {
	if len(allow) > 0 {
		rt.errors.ServeError(w, r, MethodNotAllowed(allowed(allow)...))
		return
	}
	if !rt.noAppend && !strings.HasSuffix(path, "/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		var slash search
		if rt.resolve(&slash, r.Method, path+"/"); slash.best != nil {
			u := *r.URL
			u.Path = r.URL.Path + "/"
			u.RawPath = ""
			if r.URL.RawPath != "" {
				u.RawPath = r.URL.RawPath + "/"
			}
			http.Redirect(w, r, escapeLeadingSlashes(u.RequestURI()), http.StatusMovedPermanently)
			return
		}
	}
	err := &Error{Status: http.StatusNotFound}
	if rt.debug {
		for _, route := range rt.routes {
			err.tried = append(err.tried, strings.TrimSpace(route.method+" "+route.text)+nameNote(route.name))
		}
	}
	rt.errors.ServeError(w, r, err)
}

// allowed is the Allow header's list from the methods of the routes that
// matched the path: sorted, once each, HEAD wherever GET is.
func allowed(methods []string) []string {
	methods = slices.Compact(slices.Sorted(slices.Values(methods)))
	if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
		methods = append(methods, http.MethodHead)
		slices.Sort(methods)
	}
	return methods
}

func nameNote(name string) string {
	if name == "" {
		return ""
	}
	return " [name='" + name + "']"
}

// Reverse returns the path of the route named name ("polls:detail") with
// args for its parameters, in order, as Django's reverse(). A url.Values
// among args becomes the query string (Django 5.2's query=). When several
// routes share the name, the first whose parameters accept args wins.
func (rt *Router) Reverse(name string, args ...any) (string, error) {
	var query url.Values
	if i := slices.IndexFunc(args, func(a any) bool { _, ok := a.(url.Values); return ok }); i >= 0 {
		query = args[i].(url.Values)
		args = slices.Delete(slices.Clone(args), i, i+1)
	}
	routes := rt.byName[name]
	if len(routes) == 0 {
		return "", fmt.Errorf("web: reverse for %q: no route has that name%s", name, rt.similarNames(name))
	}
	var tried []string
	for _, r := range routes {
		path, err := r.build(args)
		if err == nil {
			if len(query) > 0 {
				path += "?" + query.Encode()
			}
			return path, nil
		}
		tried = append(tried, fmt.Sprintf("%q (%v)", r.text, err))
	}
	return "", fmt.Errorf("web: reverse for %q with arguments %v not found: %d pattern(s) tried: %s", name, args, len(tried), strings.Join(tried, ", "))
}

// similarNames suggests the names of the same last part.
func (rt *Router) similarNames(name string) string {
	last := name[strings.LastIndexByte(name, ':')+1:]
	var near []string
	for n := range rt.byName {
		if n[strings.LastIndexByte(n, ':')+1:] == last {
			near = append(near, n)
		}
	}
	if len(near) == 0 {
		return ""
	}
	slices.Sort(near)
	return "; did you mean " + strings.Join(near, " or ") + "?"
}

// build writes r's path with args, each checked against its converter.
func (r *route) build(args []any) (string, error) {
	if len(args) != len(r.parsed.params) {
		return "", fmt.Errorf("takes %d argument(s), got %d", len(r.parsed.params), len(args))
	}
	var b strings.Builder
	b.WriteByte('/')
	i := 0
	for _, pc := range r.parsed.pieces {
		if pc.param == nil {
			b.WriteString(pc.text)
			continue
		}
		s, err := pc.param.conv.Format(args[i])
		if err != nil {
			return "", fmt.Errorf("%s: %w", pc.param.name, err)
		}
		if !r.checks[i].MatchString(s) {
			return "", fmt.Errorf("%s: %q does not match %s", pc.param.name, s, pc.param.conv.Regexp())
		}
		b.WriteString(escapePath(s))
		i++
	}
	return escapeLeadingSlashes(b.String()), nil
}

// escapeLeadingSlashes keeps a path that starts with "//" from reading as
// another host ("//evil.example/"), as Django's escape_leading_slashes:
// the second slash is escaped, and the path still routes the same.
func escapeLeadingSlashes(path string) string {
	if strings.HasPrefix(path, "//") {
		return "/%2F" + path[2:]
	}
	return path
}

// escapePath escapes a parameter's text for a path, keeping "/" (which
// only a path converter produces).
func escapePath(s string) string {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// Reverse is Router.Reverse for the router that routed r, for handlers.
func Reverse(r *http.Request, name string, args ...any) (string, error) {
	m := MatchOf(r)
	if m == nil {
		return "", fmt.Errorf("web: reverse for %q: the request did not come through a Router", name)
	}
	return m.router.Reverse(name, args...)
}
