package nuages

import (
	"errors"
	"fmt"

	"github.com/nuages-go/nuages/orm"
)

// buildRegistry is the project's registry of models and hooks: the models
// of every Modeler app, then the hooks of every HookProvider, in app order.
// Through it, deletes follow every installed model's on_delete rules and
// writes run the hooks, on whichever database the project opens.
func buildRegistry(apps []App) (*orm.Registry, error) {
	r := orm.NewRegistry()
	var errs []error
	for _, app := range apps {
		if m, ok := app.(Modeler); ok {
			if err := r.Add(m.Models()...); err != nil {
				errs = append(errs, fmt.Errorf("nuages: app %q: %w", app.Name(), err))
			}
		}
	}
	for _, app := range apps {
		if h, ok := app.(HookProvider); ok {
			if err := h.Hooks(r); err != nil {
				errs = append(errs, fmt.Errorf("nuages: app %q: hooks: %w", app.Name(), err))
			}
		}
	}
	return r, errors.Join(errs...)
}
