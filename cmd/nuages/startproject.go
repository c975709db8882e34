package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// projectData is what the project templates are executed with.
type projectData struct {
	Name      string
	Key       string // the random part of the development secret key
	GoVersion string
	Checkout  string // the Nuages checkout, or ""
	Version   string // the published Nuages to require, or ""
	Requires  []string
	Replaces  []string
	Database  string // the engine of the default database: sqlite, postgres or mysql
	Redis     bool   // the default cache is on Redis
}

// engines maps the values of startproject's -database flag to engines.
var engines = map[string]string{
	"sqlite": "sqlite", "sqlite3": "sqlite",
	"postgres": "postgres", "postgresql": "postgres",
	"mysql": "mysql", "mariadb": "mysql",
}

// projectFlags parses startproject's arguments: its flags, wherever they
// are, and the name and directory.
func projectFlags(args []string) (data projectData, positional []string, err error) {
	fs := flag.NewFlagSet("startproject", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("database", "sqlite", "")
	cache := fs.String("cache", "memory", "")
	for {
		if err := fs.Parse(args); err != nil {
			return data, nil, usagef("startproject: %v", err)
		}
		if args = fs.Args(); len(args) == 0 {
			break
		}
		positional, args = append(positional, args[0]), args[1:]
	}
	engine, ok := engines[strings.ToLower(*db)]
	if !ok {
		return data, nil, usagef("startproject -database %q: use sqlite, postgres or mysql", *db)
	}
	switch strings.ToLower(*cache) {
	case "memory":
	case "redis":
		data.Redis = true
	default:
		return data, nil, usagef("startproject -cache %q: use memory or redis", *cache)
	}
	data.Database = engine
	return data, positional, nil
}

// startProject writes the project name into dir (default ./name, relative
// to wd).
func (c *cli) startProject(args []string) error {
	data, args, err := projectFlags(args)
	if err != nil {
		return err
	}
	if len(args) < 1 || len(args) > 2 {
		return usagef("startproject takes a name and an optional directory, got %d arguments", len(args))
	}
	name := args[0]
	if err := checkName("project", name); err != nil {
		return usagef("%v", err)
	}
	dir := name
	if len(args) == 2 {
		dir = args[1]
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(c.wd, dir)
	}
	src := c.source()
	data.Name, data.Key, data.GoVersion, data.Version = name, rand.Text(), goVersion, src.version
	files := map[string][]byte{}
	if src.checkout != "" {
		gm, err := parseGoMod(src.goMod)
		if err != nil {
			return fmt.Errorf("reading the go.mod of the Nuages checkout at %s: %w", src.checkout, err)
		}
		data.Checkout = quoteModPath(src.checkout)
		data.Version = ""
		if gm.goLine != "" {
			data.GoVersion = gm.goLine
		}
		data.Requires = slices.Sorted(slices.Values(gm.requires))
		data.Replaces = absReplaces(src.checkout, gm.replaces)
		if len(src.goSum) > 0 {
			files["go.sum"] = src.goSum
		}
	}
	rendered, err := render("project", name, data)
	if err != nil {
		return fmt.Errorf("rendering the project's files: %w", err)
	}
	for p, b := range rendered {
		files[p] = b
	}
	if err := writeTree(dir, files); err != nil {
		return fmt.Errorf("cannot create the project: %w", err)
	}

	rel := dir
	if r, err := filepath.Rel(c.wd, dir); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	fmt.Fprintf(c.out, "Created the project %q in %s.\n", name, dir)
	if src.checkout != "" {
		fmt.Fprintf(c.out, "It builds against the Nuages checkout at %s (a replace directive in go.mod), with no network.\n", src.checkout)
	} else {
		fmt.Fprintf(c.out, "Fetch its dependencies first (this needs the network):\n\n\tcd %s && go mod tidy\n", rel)
	}
	switch data.Database {
	case "postgres":
		fmt.Fprintf(c.out, "\nIts database is PostgreSQL's %[1]s on localhost (settings.go; DATABASE_URL overrides it): create it with createdb %[1]s.\n", name)
	case "mysql":
		fmt.Fprintf(c.out, "\nIts database is MySQL's or MariaDB's %[1]s on localhost (settings.go; DATABASE_URL overrides it): create it with mysql -e 'CREATE DATABASE %[1]s'.\n", name)
	}
	if data.Redis {
		fmt.Fprintln(c.out, "Its cache is Redis on localhost:6379 (settings.go; CACHE_URL overrides it).")
	}
	fmt.Fprintf(c.out, "\nNext:\n\n\tcd %s\n\tgo run . migrate\n\tgo run . runserver\n\nthen open http://127.0.0.1:8000/. Add an app with: nuages startapp polls\n", rel)
	return nil
}
