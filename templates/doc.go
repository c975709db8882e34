// Package templates renders html/template pages found in layered fs.FS
// directories, with Django's template inheritance, partials rendered alone
// for htmx, context processors and a library of Django's filters.
//
//	e := templates.New(templates.Options{
//		Dirs:  []fs.FS{os.DirFS("templates"), pollsApp.Templates()}, // the project's, then the apps'
//		Debug: debug,
//	})
//	err := e.Render(w, r, "polls/index.html", templates.Data{"latest": latest})
//
// A project builds its engine this way from its settings and apps, and
// renders with Project.Render; ExampleOptions wires one by hand.
//
// # Directories
//
// Options.Dirs are searched in order for every file, and the first that
// holds it wins: the project's directories first, then each app's, so a
// project overrides any app template (the admin's included) by writing a
// file of the same name, as Django's loaders allow. Every name, whether
// asked of Render, extended or included, is looked up this way, but for a
// file that extends its own name: that one is looked up in the directories
// after its own, so a project's admin/base.html can extend the admin's. Names are
// slash-separated paths inside the directories, as io/fs wants them.
//
// # Inheritance
//
// A page names its parent with a comment that opens the file:
//
//	{{/* extends "base.html" */}}
//	{{define "title"}}Polls{{end}}
//	{{define "content"}}<ul>{{range .latest}}<li>{{.Text}}</li>{{end}}</ul>{{end}}
//
// The comment is ordinary html/template syntax, so every file still parses
// alone and editors need nothing new, and it must come first (trim markers,
// {{- /* extends "base.html" */ -}}, are allowed); elsewhere it is an error,
// not a silent no-op. The parent declares its overridable parts with
// {{block "name" .}}default{{end}}; the child replaces them with {{define}}
// or {{block}}, and a parent may itself extend another (base, section,
// page: any depth). What a child writes outside its definitions is ignored,
// as Django ignores text outside {% block %}. A child may empty a block with
// {{define "sidebar"}}{{end}}, which html/template alone would not allow.
// Inside such a definition, {{template "super" .}} renders the parent's
// block, as Django's {{ block.super }} (at any depth). A cycle of extends
// is an error naming the chain.
//
// {{template "partials/nav.html" .}} includes a file found through Dirs,
// when no {{define}} or {{block}} of the page has that name. An included
// file adds only names the page lacks, so it cannot replace a page's
// blocks, and it cannot extend. A name found nowhere is an error when the
// page is parsed, not when the branch that uses it first runs.
//
// Every page is parsed into its own template set, its chain and includes
// together, so the blocks of two pages extending one base never clash.
//
// # Partials
//
// Render(w, r, "polls/index.html#row", data) renders only the {{define
// "row"}} or {{block "row"}} of that page's set, as Django 6.0's
// "template#partial" does, for htmx requests that replace one row. The
// partial's dot is the Data given to Render, so a block inside a {{range}}
// that reads .text of each row reads the "text" key of a partial's Data.
//
// # Data and processors
//
// Render merges, from weakest to strongest: the built-in values, those of
// Options.Processors in order, and the view's Data. The view wins on a
// conflict: what a view passes explicitly is what it meant. The built-in
// values are "request", the *http.Request, and "debug", true only when
// Options.Debug is set (absent, hence false in {{if}}, otherwise). Auth and
// messages add "user" and "messages" the same way, as processors of their
// own. Render with a nil request (an e-mail body) runs no processor. Inside
// a {{range}}, reach them through $: {{$.request.URL.Path}}.
//
// # Functions
//
// A Django filter becomes a function whose argument comes first and whose
// value comes last, so that a pipeline reads like the filter:
// {{ title|truncatechars:20 }} is {{.title | truncatechars 20}}. Numbers
// may be any integer or float type or a numeric string, as Django accepts
// them.
//
//	date          {{.pub | date "N j, Y, P"}}; all of Django's format characters:
//	              a A b c d D e E f F g G h H i I j l L m M n N o O P r s S t T u U
//	              w W y Y z Z, backslash escapes, and the named formats
//	              DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT,
//	              SHORT_DATETIME_FORMAT, TIME_FORMAT, YEAR_MONTH_FORMAT,
//	              MONTH_DAY_FORMAT in Django's English defaults. No argument:
//	              DATE_FORMAT. Names and suffixes are English; there is no
//	              localization.
//	timesince     {{.pub | timesince}}, {{.pub | timesince .other}}: "4 days, 6 hours",
//	              with Django's no-break spaces; timeuntil is its mirror
//	truncatechars {{.s | truncatechars 7}}: "Joel i…", the ellipsis within the length
//	truncatewords {{.s | truncatewords 2}}: "Joel is …"
//	pluralize     {{.n | pluralize}}, {{.n | pluralize "es"}}, {{.n | pluralize "y,ies"}}
//	linebreaksbr  {{.s | linebreaksbr}}: escaped, then each line break a <br>
//	default       {{.s | default "none"}} when .s is false, zero, empty or nil
//	yesno         {{.b | yesno}}, {{.b | yesno "on,off,unknown"}}; nil is the third word
//	floatformat   {{.f | floatformat}}, {{.f | floatformat 2}}, -2, "2g": Django's rules,
//	              rounding halves away from zero on the decimal value
//	intcomma      {{.n | intcomma}}: "4,500,000"
//	json_script   {{.v | json_script "data-id"}}: a <script type="application/json">
//	              whose <, > and & are escaped as \u003C, \u003E and \u0026
//	querystring   {{querystring .request "page" 3}}: "?page=3&q=…", the request's
//	              query with keys set (nil removes one); keys come out sorted
//	url           {{url "polls:detail" .ID}}       supplied by the project
//	static        {{static "polls/style.css"}}     supplied by the project
//	csrf_field    {{csrf_field .request}}          supplied by the project
//	csrf_token    {{csrf_token .request}}          supplied by the project
//	csp_nonce     <script nonce="{{csp_nonce .request}}">  supplied by the project
//
// url, static, csrf_field, csrf_token and csp_nonce exist so that templates parse before the
// project wires them; until Options.Funcs replaces them, calling one fails
// with "templates: the url function is not configured". Package web supplies
// url as func(name string, args ...any) (string, error), staticfiles
// supplies static as func(path string) (string, error), and the CSRF
// middleware supplies csrf_field as func(r *http.Request) (template.HTML,
// error) and csrf_token as func(r *http.Request) string, the security
// middleware csp_nonce as func(r *http.Request) string. Options.Funcs may
// also replace any function of the library.
//
// # Caching and Debug
//
// Without Debug a page is read and parsed the first time it is rendered and
// kept for the life of the Engine: an edit to a file shows only after a
// restart. With Debug every Render reads and parses the page's files again.
// That is simpler than watching modification times and always right: a
// changed parent, a new file in a higher directory that now overrides one
// below, a deleted include all show on the next reload. It costs a parse
// per request, which development can afford.
//
// # Errors
//
// Render returns an *Error naming the file, the directory it came from and
// the line, wrapping html/template's own error:
//
//	templates: polls/base.html:12 in Dirs[1] (polls/templates): rendering "polls/index.html": template: polls/base.html:12:9: executing ...
//
// A name no directory holds is an error naming the directories searched,
// and matches fs.ErrNotExist. Render writes into a buffer first, so an
// error sends nothing, not even a header; when it succeeds on an
// http.ResponseWriter that has no Content-Type yet, it sets
// "text/html; charset=utf-8".
//
// # Security
//
// The security model is html/template's: template authors are trusted, the
// data is not. Every value is escaped for the context it lands in: HTML
// text, attribute, URL (where a javascript: URL becomes "#ZgotmplZ"), CSS
// and JavaScript. The functions of the library return plain strings, which
// are escaped like any other value; linebreaksbr and json_script return
// template.HTML, and both escape their input first (json_script as JSON
// whose <, > and & cannot end the script element). A template.HTML given
// to linebreaksbr is trusted as it is, as Django trusts a safe string. Do
// not convert data to template.HTML, template.URL or template.JS yourself
// unless you built it from trusted parts.
//
// # Performance
//
// Rendering a cached page adds, to plain html/template, a map lookup, one
// map of the merged data and one copy of the buffered output.
// BenchmarkRender, a base and a page with a 20-row loop, against
// BenchmarkRenderBaseline, the same markup executed by plain html/template
// into the ResponseWriter, measured 49.2 µs and 571 allocations against
// 47.0 µs and 569: a ratio of 1.05 (medians of 8 runs on a 2-CPU Xeon):
//
//	go test -run '^$' -bench BenchmarkRender -benchtime 2s -count 8 ./templates/
//
// An Engine is safe for concurrent use.
package templates
