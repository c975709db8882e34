package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// appData is what the app templates are executed with.
type appData struct {
	Name   string
	Module string // the project's module path
}

// startApp writes the app name into wd/name, wd being a project's
// directory (where its go.mod is).
func (c *cli) startApp(args []string) error {
	if len(args) != 1 {
		return usagef("startapp takes one name, got %d arguments", len(args))
	}
	name := args[0]
	if err := checkName("app", name); err != nil {
		return usagef("%v", err)
	}
	mod, err := os.ReadFile(filepath.Join(c.wd, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there is no go.mod in %s: run startapp in the project's directory (made by nuages startproject)", c.wd)
	}
	if err != nil {
		return err
	}
	gm, err := parseGoMod(mod)
	if err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(c.wd, "go.mod"), err)
	}
	dir := filepath.Join(c.wd, name)
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("%s already exists: choose another app name, or remove it", dir)
	}
	files, err := render("app", name, appData{Name: name, Module: gm.module})
	if err != nil {
		return fmt.Errorf("rendering the app's files: %w", err)
	}
	if err := writeTree(dir, files); err != nil {
		return fmt.Errorf("cannot create the app: %w", err)
	}
	fmt.Fprintf(c.out, `Created the app %[1]q in %[2]s. To install it:

  1. In main.go, import %[3]q and add %[1]s.App{} to apps().
  2. In urls.go, route its pages under a prefix:

	web.Include("%[1]s/", "%[1]s", %[1]s.URLs(p)...),

Then run the project (go run . runserver) and open http://127.0.0.1:8000/%[1]s/.
Models go in %[1]s/models.go: list them in App.Models, then run
go run . makemigrations and go run . migrate.
`, name, dir, gm.module+"/"+name)
	return nil
}
