package web

import (
	"fmt"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/nuages-go/nuages/internal/unwrap"
)

// Pattern is one entry of a URL configuration, made by Path or Include:
// Django's path() and include().
type Pattern struct {
	route     string
	handler   http.Handler
	name      string
	namespace string
	include   bool
	children  []Pattern
}

// Path routes the URLs that match route to h, as Django's path():
//
//	web.Path("articles/<int:year>/<slug:slug>/", web.HandlerFunc(article), "article")
//
// route has no leading slash; "<int:year>" captures a part with the int
// converter (also str, the default, slug, uuid and path, and those of
// Options.Converters), given to the handler by Param and r.PathValue. A
// route may start with a method and a space ("POST vote/"), as in
// http.ServeMux: other methods then get a 405 (GET also serves HEAD). name,
// if not "", is what Reverse and the url template function use.
func Path(route string, h http.Handler, name string) Pattern {
	return Pattern{route: route, handler: h, name: name}
}

// Include mounts patterns under prefix, as Django's include(): their
// routes start with prefix, and with a namespace their names are
// reversed as "namespace:name".
//
//	web.Include("polls/", "polls", polls.URLs()...)
func Include(prefix, namespace string, patterns ...Pattern) Pattern {
	return Pattern{route: prefix, namespace: namespace, include: true, children: patterns}
}

// param is a captured part of a route.
type param struct {
	name     string
	conv     Converter
	convName string // its name in the router, which tells converters apart
}

// piece is a run of a route's text: literal text, or a parameter.
type piece struct {
	text  string
	param *param
}

// segment is one "/"-separated part of a route that has parameters.
type segment struct {
	text   string         // as written, e.g. "<int:id>" or "page-<int:n>.html"
	params []*param       // in order
	fast   matcher        // a built-in converter's, when the segment is one parameter alone
	whole  *regexp.Regexp // anchored: when the segment is one parameter alone
	re     *regexp.Regexp // anchored, a group per parameter: otherwise
}

// match reports whether part matches s, appending the captured texts.
func (s *segment) match(part string, vals []string) ([]string, bool) {
	if s.fast != nil {
		if part == "" || !s.fast.matches(part) {
			return vals, false
		}
		return append(vals, part), true
	}
	if s.whole != nil {
		if part == "" || !s.whole.MatchString(part) {
			return vals, false
		}
		return append(vals, part), true
	}
	m := s.re.FindStringSubmatch(part)
	if m == nil {
		return vals, false
	}
	return append(vals, m[1:]...), true
}

// tail is the rest of a route from the first segment whose converter may
// match "/" ("<path:p>"): it is matched against the rest of the URL whole.
type tail struct {
	text   string
	params []*param
	re     *regexp.Regexp
}

// parsedRoute is a route split for the tree and for Reverse.
type parsedRoute struct {
	method   string
	text     string   // without the method
	segments []string // literal segments, or "" where segs has one
	segs     []*segment
	tail     *tail
	params   []*param
	pieces   []piece
}

var paramRE = regexp.MustCompile(`<(?:([^>:]+):)?([^>]+)>`)

// parseRoute reads a route (its method, if any, already split off).
func parseRoute(route string, convs map[string]Converter) (*parsedRoute, error) {
	p := &parsedRoute{text: route}
	if strings.HasPrefix(route, "/") {
		return nil, fmt.Errorf("route %q starts with a slash: write it without, as Django's path()", route)
	}
	// The pieces, for Reverse, and the parameters.
	last := 0
	for _, loc := range paramRE.FindAllStringSubmatchIndex(route, -1) {
		p.pieces = appendLiteral(p.pieces, route[last:loc[0]])
		convName, name := "str", route[loc[4]:loc[5]]
		if loc[2] >= 0 {
			convName = route[loc[2]:loc[3]]
		}
		if !isIdentifier(name) {
			return nil, fmt.Errorf("route %q: the parameter name %q is not an identifier", route, name)
		}
		conv, ok := convs[convName]
		if !ok {
			return nil, fmt.Errorf("route %q uses the unknown converter %q (add it to Options.Converters)", route, convName)
		}
		for _, q := range p.params {
			if q.name == name {
				return nil, fmt.Errorf("route %q names the parameter %q twice", route, name)
			}
		}
		prm := &param{name: name, conv: conv, convName: convName}
		p.params = append(p.params, prm)
		p.pieces = append(p.pieces, piece{param: prm})
		last = loc[1]
	}
	p.pieces = appendLiteral(p.pieces, route[last:])
	for _, pc := range p.pieces {
		if pc.param == nil && strings.ContainsAny(pc.text, "<>") {
			return nil, fmt.Errorf("route %q has a stray %q: parameters are written <converter:name>", route, "<>")
		}
	}
	// The segments, for the tree.
	parts := strings.Split(route, "/")
	for i, part := range parts {
		locs := paramRE.FindAllStringSubmatchIndex(part, -1)
		if len(locs) == 0 {
			p.segments = append(p.segments, part)
			p.segs = append(p.segs, nil)
			continue
		}
		var params []*param
		spans := false
		for range locs {
			prm := p.params[countParams(p.segs)+len(params)]
			params = append(params, prm)
			spans = spans || matchesSlash(prm.conv.Regexp())
		}
		if spans {
			rest := strings.Join(parts[i:], "/")
			params := p.params[countParams(p.segs):]
			re, err := routeRegexp(rest, params)
			if err != nil {
				return nil, fmt.Errorf("route %q: %w", route, err)
			}
			p.tail = &tail{text: rest, params: params, re: re}
			break
		}
		seg := &segment{text: part, params: params}
		re, err := routeRegexp(part, params)
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", route, err)
		}
		if len(params) == 1 && locs[0][0] == 0 && locs[0][1] == len(part) {
			seg.whole = re
			seg.fast = fastMatcher(params[0].conv)
		} else {
			seg.re = re
		}
		p.segments = append(p.segments, "")
		p.segs = append(p.segs, seg)
	}
	return p, nil
}

func appendLiteral(pieces []piece, s string) []piece {
	if s == "" {
		return pieces
	}
	return append(pieces, piece{text: s})
}

// countParams counts the parameters of the segments so far.
func countParams(segs []*segment) int {
	n := 0
	for _, s := range segs {
		if s != nil {
			n += len(s.params)
		}
	}
	return n
}

// routeRegexp compiles text (a segment, or the tail of a route) into an
// anchored regexp: literal text quoted, each parameter its converter's
// expression in a group (or alone, for a whole segment).
func routeRegexp(text string, params []*param) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	last, i := 0, 0
	locs := paramRE.FindAllStringIndex(text, -1)
	whole := len(locs) == 1 && locs[0][0] == 0 && locs[0][1] == len(text) && !matchesSlash(params[0].conv.Regexp())
	for _, loc := range locs {
		b.WriteString(regexp.QuoteMeta(text[last:loc[0]]))
		if whole {
			b.WriteString("(?:" + params[i].conv.Regexp() + ")")
		} else {
			b.WriteString("(" + params[i].conv.Regexp() + ")")
		}
		last, i = loc[1], i+1
	}
	b.WriteString(regexp.QuoteMeta(text[last:]) + "$")
	// The converters' expressions were checked by NewRouter: this compiles.
	return regexp.Compile(b.String())
}

// matchesSlash reports whether the expression can match a "/", so that a
// parameter may span segments.
func matchesSlash(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return false // routeRegexp reports it
	}
	var walk func(*syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return true
		case syntax.OpLiteral:
			return strings.ContainsRune(string(re.Rune), '/')
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if re.Rune[i] <= '/' && '/' <= re.Rune[i+1] {
					return true
				}
			}
			return false
		}
		for _, sub := range re.Sub {
			if walk(sub) {
				return true
			}
		}
		return false
	}
	return walk(re)
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// splitMethod splits "POST vote/" into its method and route.
func splitMethod(route string) (method, rest string) {
	if m, r, ok := strings.Cut(route, " "); ok && m != "" && strings.ToUpper(m) == m && isIdentifier(m) {
		return m, strings.TrimLeft(r, " ")
	}
	return "", route
}

// Marked reports whether h is a marker of type M (a handler type that
// flags a view, as csrf.Exempt and auth.LoginNotRequired do), or wraps
// one through handlers with an Unwrap() http.Handler method: so markers
// keep each other's marks in any order, as Django's decorators do.
func Marked[M http.Handler](h http.Handler) bool {
	_, ok := unwrap.As[M](h)
	return ok
}
