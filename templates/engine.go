package templates

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"
	"time"
)

// Data is what a view hands a template, merged with what the processors add.
type Data map[string]any

// Processor adds values to the data of every Render that has a request,
// like Django's context processors: package auth supplies one setting "user",
// package messages one setting "messages". The view's Data wins over a
// processor's on the same key, and a later processor over an earlier one.
type Processor func(r *http.Request) Data

// Options configures an Engine. The zero value is an engine with no
// directories, on which every Render fails with "no template".
type Options struct {
	// Dirs are searched in order for every file name, the first holding it
	// wins: the project's directories first, then each installed app's, so
	// a project overrides any app template by writing a file of the same
	// name.
	Dirs []fs.FS

	// Debug re-reads and re-parses a page's files on every Render (and a
	// text's on every RenderText), so an edit shows on the next reload, and
	// sets "debug" to true in the data. Without Debug each page and text is
	// parsed once and kept.
	Debug bool

	// Funcs adds functions to the library, or replaces those of the same
	// name: the project's url, static and csrf_field hooks (see the package
	// doc for their signatures) and any function of its own. New panics on a
	// value html/template's Funcs would refuse.
	Funcs template.FuncMap

	// Processors run, in order, on every Render that has a request.
	Processors []Processor

	// Now is the clock of timesince and timeuntil; nil means time.Now.
	Now func() time.Time
}

// Engine finds, parses, caches and renders templates. It is safe for
// concurrent use.
type Engine struct {
	dirs   []fs.FS
	labels []string // one description per dir, for messages
	debug  bool
	funcs  template.FuncMap
	procs  []Processor
	pages  sync.Map // file name -> *cached, unused with Debug
	texts  sync.Map // file name -> *cachedText, RenderText's, unused with Debug
}

// cached is one page parsed at most once; an error is not kept, so a later
// Render tries again.
type cached struct {
	once sync.Once
	page *page
	err  error
}

// cachedText is one RenderText file parsed at most once, as cached.
type cachedText struct {
	once sync.Once
	t    *texttemplate.Template
	dir  int // the dir it came from, for messages
	err  error
}

// page is the parsed set of one page file: the file, its extends chain and
// the files it includes, each page with its own set so that blocks of
// different pages never clash.
type page struct {
	name   string
	set    *template.Template
	root   *template.Template // the top of the extends chain, what Render runs
	files  map[string]int     // file name -> index of the dir it came from
	supers int                // parents' blocks kept for {{template "super"}}
}

// New returns an Engine for opts.
func New(opts Options) *Engine {
	e := &Engine{
		dirs:  slices.Clone(opts.Dirs),
		debug: opts.Debug,
		funcs: library(opts.Now),
		procs: slices.Clone(opts.Processors),
	}
	for i, d := range e.dirs {
		e.labels = append(e.labels, dirLabel(i, d))
	}
	for name, f := range opts.Funcs {
		e.funcs[name] = f
	}
	template.New("").Funcs(e.funcs) // panics now, not at the first Render
	return e
}

// dirLabel describes dir i for messages: "Dirs[1]", with the directory when
// the FS tells it (os.DirFS is a string; a Stringer says what it is).
func dirLabel(i int, d fs.FS) string {
	label := "Dirs[" + strconv.Itoa(i) + "]"
	if s, ok := d.(fmt.Stringer); ok {
		return label + " (" + s.String() + ")"
	}
	if v := reflect.ValueOf(d); v.Kind() == reflect.String {
		return label + " (" + v.String() + ")"
	}
	return label
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render executes the page name with data and the processors' values, and
// writes the result to w. name is a file path in Dirs ("polls/index.html"),
// or a file path and a partial, "polls/index.html#row", to render only the
// {{define "row"}} or {{block "row"}} of that page, as Django 6.0's
// partials do for htmx.
//
// The page is rendered into a buffer first, so a template error sends
// nothing; when w is an http.ResponseWriter without a Content-Type yet,
// Render sets "text/html; charset=utf-8". r may be nil (an e-mail, say):
// then no processor runs and "request" is not set. Errors are *Error and
// name the file, its directory and the line.
func (e *Engine) Render(w io.Writer, r *http.Request, name string, data Data) error {
	file, partial := name, ""
	if i := strings.LastIndexByte(name, '#'); i >= 0 {
		file, partial = name[:i], name[i+1:]
	}
	p, err := e.page(file)
	if err != nil {
		return err
	}
	t := p.root
	if partial != "" {
		if t = p.set.Lookup(partial); t == nil || t.Tree == nil {
			return &Error{Name: name, Err: fmt.Errorf("%s has no {{define}} or {{block}} %q; it has %s", file, partial, p.defined())}
		}
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 { // keep the pool from holding huge pages
			bufs.Put(buf)
		}
	}()
	if err := t.Execute(buf, e.data(r, data)); err != nil {
		return p.execError(e, name, err)
	}
	if r != nil {
		if rec := recorder(r.Context()); rec != nil {
			rec.note(name, p)
		}
	}
	if rw, ok := w.(http.ResponseWriter); ok {
		if h := rw.Header(); h.Get("Content-Type") == "" {
			h.Set("Content-Type", "text/html; charset=utf-8")
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// RenderText executes the plain-text template name with data and writes
// the result to w, without HTML escaping: for e-mail subjects and bodies
// and other text that is not a page ("registration/password_reset_email.txt").
// The file is found in Dirs as Render finds pages, so a project overrides
// an app's; it is one file (no extends or includes) run by text/template
// with the same functions, parsed once and kept unless Debug, as pages
// are. Never send its output as HTML.
func (e *Engine) RenderText(w io.Writer, name string, data Data) error {
	t, dir, err := e.text(name)
	if err != nil {
		return err
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufs.Put(buf)
		}
	}()
	if err := t.Execute(buf, e.data(nil, data)); err != nil {
		return &Error{Name: name, File: name, Dir: e.labels[dir], Err: err}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// text returns the parsed text template name and the dir it came from:
// parsed once and kept as pages are, re-read at every call with Debug.
func (e *Engine) text(name string) (*texttemplate.Template, int, error) {
	if e.debug {
		return e.parseText(name)
	}
	v, ok := e.texts.Load(name)
	if !ok {
		v, _ = e.texts.LoadOrStore(name, new(cachedText))
	}
	c := v.(*cachedText)
	c.once.Do(func() { c.t, c.dir, c.err = e.parseText(name) })
	if c.err != nil {
		e.texts.CompareAndDelete(name, c) // a later call tries again
	}
	return c.t, c.dir, c.err
}

func (e *Engine) parseText(name string) (*texttemplate.Template, int, error) {
	src, err := e.read(name)
	if err != nil {
		return nil, 0, err
	}
	t, err := texttemplate.New(name).Funcs(texttemplate.FuncMap(e.funcs)).Parse(src.text)
	if err != nil {
		return nil, 0, &Error{Name: name, File: name, Dir: e.labels[src.dir], Err: err}
	}
	return t, src.dir, nil
}

// data merges the built-in values, the processors' and the view's, in that
// order of precedence from lowest to highest.
func (e *Engine) data(r *http.Request, view Data) Data {
	if r == nil && !e.debug {
		return view
	}
	d := make(Data, len(view)+2)
	if e.debug {
		d["debug"] = true
	}
	if r != nil {
		d["request"] = r
		for _, p := range e.procs {
			for k, v := range p(r) {
				d[k] = v
			}
		}
	}
	for k, v := range view {
		d[k] = v
	}
	return d
}

// page returns the parsed set of file, from the cache unless Debug.
func (e *Engine) page(file string) (*page, error) {
	if e.debug {
		return e.parse(file)
	}
	v, ok := e.pages.Load(file)
	if !ok {
		v, _ = e.pages.LoadOrStore(file, new(cached))
	}
	c := v.(*cached)
	c.once.Do(func() { c.page, c.err = e.parse(file) })
	if c.err != nil {
		e.pages.CompareAndDelete(file, c)
	}
	return c.page, c.err
}

// source is one template file as read from the first dir holding it.
type source struct {
	name string
	dir  int
	text string
}

// read returns the file name from the first dir that holds it.
func (e *Engine) read(name string) (source, error) { return e.readFrom(name, 0) }

// readFrom returns the file name from the first dir, from index first on,
// that holds it.
func (e *Engine) readFrom(name string, first int) (source, error) {
	if !fs.ValidPath(name) || name == "." {
		return source{}, &Error{Name: name, Err: fmt.Errorf("%q is not a template file name (a slash-separated path inside Dirs, without . or .. elements)", name)}
	}
	for i := first; i < len(e.dirs); i++ {
		d := e.dirs[i]
		b, err := fs.ReadFile(d, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return source{}, &Error{Name: name, File: name, Dir: e.labels[i], Err: err}
		}
		return source{name: name, dir: i, text: string(b)}, nil
	}
	return source{}, &Error{Name: name, Err: e.notFound(name)}
}

// notFound is the error of a file no dir holds; it matches fs.ErrNotExist.
func (e *Engine) notFound(name string) error {
	searched := "no directories (Options.Dirs is empty)"
	if len(e.labels) > 0 {
		searched = strings.Join(e.labels, ", ")
	}
	return fmt.Errorf("no template %q in %s: %w", name, searched, fs.ErrNotExist)
}

// extendsRE matches the extends comment that may open a file:
// {{/* extends "base.html" */}}, with optional trim markers.
var (
	extendsRE    = regexp.MustCompile(`^\s*\{\{(?:- )?/\*\s*extends\s+("(?:[^"\\\n]|\\.)*"|` + "`[^`]*`" + `)\s*\*/(?: -)?\}\}`)
	anyExtendsRE = regexp.MustCompile(`\{\{(?:- )?/\*\s*extends\s+["` + "`]")
)

// extends returns the parent named by src's extends comment, or "". Its
// error comes with the line at fault.
func extends(src source) (parent string, line int, err error) {
	m := extendsRE.FindStringSubmatchIndex(src.text)
	rest := src.text
	if m != nil {
		quoted := src.text[m[2]:m[3]]
		if parent, err = strconv.Unquote(quoted); err != nil {
			return "", 1 + strings.Count(src.text[:m[2]], "\n"), fmt.Errorf("extends %s: %v", quoted, err)
		}
		rest = src.text[m[1]:]
	}
	if loc := anyExtendsRE.FindStringIndex(rest); loc != nil {
		line := 1 + strings.Count(src.text[:len(src.text)-len(rest)+loc[0]], "\n")
		return "", line, errors.New("the extends comment must open the file, before any other text or action")
	}
	return parent, 0, nil
}

// parse reads and parses the page file with its extends chain and includes.
func (e *Engine) parse(file string) (*page, error) {
	p := &page{name: file, files: map[string]int{}}
	var chain []source // the page first, its root last
	for name := file; name != ""; {
		// A file that extends its own name extends the one of a later
		// directory: the project's admin/base.html over the admin app's,
		// as Django's loaders allow.
		first := 0
		if len(chain) > 0 && chain[len(chain)-1].name == name {
			first = chain[len(chain)-1].dir + 1
		}
		src, err := e.readFrom(name, first)
		if err != nil && first > 0 {
			child := chain[len(chain)-1]
			return nil, &Error{Name: file, File: child.name, Dir: e.labels[child.dir], Line: 1,
				Err: fmt.Errorf("extends %q, its own name, which no directory after %s holds (a template extends one of its name from a lower directory only)", name, e.labels[child.dir])}
		}
		if err != nil {
			if len(chain) > 0 {
				child := chain[len(chain)-1]
				return nil, &Error{Name: file, File: child.name, Dir: e.labels[child.dir], Line: 1, Err: fmt.Errorf("extends %q: %w", name, errors.Unwrap(err))}
			}
			return nil, err
		}
		if slices.ContainsFunc(chain, func(s source) bool { return s.name == src.name && s.dir == src.dir }) {
			names := make([]string, 0, len(chain)+1)
			for _, s := range chain {
				names = append(names, s.name)
			}
			return nil, &Error{Name: file, Err: fmt.Errorf("extends cycle: %s → %s", strings.Join(names, " → "), src.name)}
		}
		parent, line, err := extends(src)
		if err != nil {
			return nil, &Error{Name: file, File: src.name, Dir: e.labels[src.dir], Line: line, Err: err}
		}
		chain = append(chain, src)
		name = parent
	}
	root := chain[len(chain)-1]
	p.set = template.New(root.name).Funcs(e.funcs)
	for i := len(chain) - 1; i >= 0; i-- {
		if err := p.add(e, chain[i], true, i == len(chain)-1); err != nil {
			return nil, err
		}
	}
	if err := p.includes(e); err != nil {
		return nil, err
	}
	p.root = p.set.Lookup(root.name)
	return p, nil
}

// add parses src and adds its templates to the set. A file of the extends
// chain overrides the blocks its parents define, even with an empty block,
// which html/template alone would ignore; an included file only adds names
// the set lacks, so it cannot change a page's blocks.
func (p *page) add(e *Engine, src source, override, root bool) error {
	scratch, err := template.New(src.name).Funcs(e.funcs).Parse(src.text)
	if err != nil {
		return p.parseError(e, src, err)
	}
	p.files[src.name] = src.dir
	for _, t := range scratch.Templates() {
		if t.Tree == nil || (override && !root && t.Name() == src.name) {
			continue // a child's text outside its blocks is ignored, as in Django
		}
		old := p.set.Lookup(t.Name()) // the set's own name is there, without a tree, before the root is added
		exists := old != nil && old.Tree != nil
		if exists && !override {
			continue
		}
		tree := t.Tree
		if exists && parse.IsEmptyTree(tree.Root) {
			tree.Root = emptyAction()
		}
		if callsSuper(tree.Root) {
			if !exists || !override {
				return &Error{Name: p.name, File: src.name, Dir: e.labels[src.dir], Line: 1,
					Err: fmt.Errorf(`{{template "super" .}} in %q, which overrides no block of a parent`, t.Name())}
			}
			// Django's {{ block.super }}: the parent's block, kept under a
			// name of its own, which this block's "super" calls.
			p.supers++
			parent := fmt.Sprintf("super %d of %s", p.supers, t.Name())
			if _, err := p.set.AddParseTree(parent, old.Tree); err != nil {
				return p.parseError(e, src, err)
			}
			renameSuper(tree.Root, parent)
		}
		if _, err := p.set.AddParseTree(t.Name(), tree); err != nil {
			return p.parseError(e, src, err)
		}
	}
	return nil
}

// callsSuper reports whether the tree calls {{template "super"}}.
func callsSuper(n parse.Node) bool {
	found := false
	walkTemplates(n, func(t *parse.TemplateNode) {
		found = found || t.Name == "super"
	})
	return found
}

// renameSuper makes the tree's {{template "super"}} calls call name.
func renameSuper(n parse.Node, name string) {
	walkTemplates(n, func(t *parse.TemplateNode) {
		if t.Name == "super" {
			t.Name = name
		}
	})
}

// walkTemplates calls fn for each {{template}} action under n.
func walkTemplates(n parse.Node, fn func(*parse.TemplateNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplates(c, fn)
		}
	case *parse.TemplateNode:
		fn(n)
	case *parse.IfNode:
		walkTemplates(n.List, fn)
		walkTemplates(n.ElseList, fn)
	case *parse.RangeNode:
		walkTemplates(n.List, fn)
		walkTemplates(n.ElseList, fn)
	case *parse.WithNode:
		walkTemplates(n.List, fn)
		walkTemplates(n.ElseList, fn)
	}
}

// emptyAction is a tree root that writes nothing yet does not count as empty
// to text/template, which keeps an existing template when redefined empty.
func emptyAction() *parse.ListNode {
	trees, err := parse.Parse("empty", `{{""}}`, "", "")
	if err != nil {
		panic(err)
	}
	return trees["empty"].Root
}

// includes parses, through the dirs, every file named by a {{template}}
// action that no {{define}} or {{block}} of the set provides, until none is
// left.
func (p *page) includes(e *Engine) error {
	walked := map[*parse.Tree]bool{}
	for {
		type ref struct {
			tree *parse.Tree
			node *parse.TemplateNode
		}
		var missing []ref
		seen := map[string]bool{}
		for _, t := range p.set.Templates() {
			if t.Tree == nil || walked[t.Tree] {
				continue
			}
			walked[t.Tree] = true
			walk(t.Tree.Root, func(n *parse.TemplateNode) {
				if p.set.Lookup(n.Name) == nil && !seen[n.Name] {
					seen[n.Name] = true
					missing = append(missing, ref{t.Tree, n})
				}
			})
		}
		if len(missing) == 0 {
			return nil
		}
		for _, m := range missing {
			if p.set.Lookup(m.node.Name) != nil { // an earlier include defined it
				continue
			}
			src, err := e.read(m.node.Name)
			if err != nil {
				loc, _ := m.tree.ErrorContext(m.node)
				cause := errors.Unwrap(err)
				if errors.Is(err, fs.ErrNotExist) {
					cause = fmt.Errorf("no {{define}} or {{block}} %q in the page's files, and %w", m.node.Name, cause)
				}
				file, line := splitLoc(loc)
				return &Error{Name: p.name, File: file, Dir: p.dirOf(e, file), Line: line, Err: fmt.Errorf("{{template %q}}: %w", m.node.Name, cause)}
			}
			if parent, line, err := extends(src); err != nil || parent != "" {
				if err == nil {
					err = fmt.Errorf("an included file cannot extend another (it extends %q)", parent)
				}
				return &Error{Name: p.name, File: src.name, Dir: e.labels[src.dir], Line: max(line, 1), Err: err}
			}
			if err := p.add(e, src, false, false); err != nil {
				return err
			}
		}
	}
}

// walk calls f for every {{template}} action under n.
func walk(n parse.Node, f func(*parse.TemplateNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walk(c, f)
			}
		}
	case *parse.IfNode:
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.RangeNode:
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.WithNode:
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.TemplateNode:
		f(n)
	}
}

// defined lists the names of the set's templates, for messages.
func (p *page) defined() string {
	var names []string
	for _, t := range p.set.Templates() {
		if t.Tree != nil {
			names = append(names, strconv.Quote(t.Name()))
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func (p *page) dirOf(e *Engine, file string) string {
	if i, ok := p.files[file]; ok {
		return e.labels[i]
	}
	return ""
}

// locRE finds the first "name:line" of a text/template or html/template
// error: "template: page.html:3: ...", "html/template:page.html:3:7: ..."
// or, without a line, "html/template:page.html: ...".
var locRE = regexp.MustCompile(`template: ?([^:\s]+)(?::(\d+))?`)

func (p *page) parseError(e *Engine, src source, err error) error {
	line := 0
	if m := locRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[2])
	}
	return &Error{Name: p.name, File: src.name, Dir: e.labels[src.dir], Line: line, Err: err}
}

// execError wraps an error of Execute with the file, dir and line it names.
// html/template may name a {{define}} rather than a file; the define's tree
// knows the file it was parsed from.
func (p *page) execError(e *Engine, name string, err error) error {
	ee := &Error{Name: name, Err: err}
	m := locRE.FindStringSubmatch(err.Error())
	if m == nil {
		return ee
	}
	file := m[1]
	if _, ok := p.files[file]; !ok {
		if t := p.set.Lookup(file); t != nil && t.Tree != nil {
			file = t.Tree.ParseName
		}
	}
	if i, ok := p.files[file]; ok {
		ee.File, ee.Dir = file, e.labels[i]
		ee.Line, _ = strconv.Atoi(m[2]) // 0 when absent
	}
	return ee
}

// splitLoc splits "file:line:col" as made by parse.Tree.ErrorContext.
func splitLoc(loc string) (string, int) {
	parts := strings.Split(loc, ":")
	if len(parts) < 3 {
		return loc, 0
	}
	line, _ := strconv.Atoi(parts[len(parts)-2])
	return strings.Join(parts[:len(parts)-2], ":"), line
}

// Error is the error of a Render: a missing file, a parse error, a missing
// partial or an error while executing. The message names the file, its
// directory and the line when they are known:
//
//	templates: polls/detail.html:7 in Dirs[0] (mysite/templates): template: polls/detail.html:7: function "nope" not defined
//
// A file that no directory holds matches fs.ErrNotExist with errors.Is.
type Error struct {
	Name string // what was asked for: "page.html" or "page.html#row"
	File string // the file at fault, when known
	Dir  string // the directory File came from, e.g. "Dirs[1] (polls/templates)"
	Line int    // the line in File, 0 when unknown
	Err  error  // what went wrong, often html/template's own error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("templates: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		if e.Dir != "" {
			b.WriteString(" in " + e.Dir)
		}
		b.WriteString(": ")
	}
	if e.Name != "" && e.Name != e.File {
		b.WriteString("rendering " + strconv.Quote(e.Name) + ": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
