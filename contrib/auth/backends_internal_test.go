package auth

import (
	"context"
	"strings"
	"testing"
)

// plain is a backend type without a Name: named by its Go type.
type plain struct{}

func (plain) Authenticate(context.Context, string, string) (AnyUser, error) {
	return nil, ErrInvalidCredentials
}

// wrapper decorates a backend and says so with Unwrap.
type wrapper struct{ Backend }

func (w wrapper) Unwrap() Backend { return w.Backend }

// The name a session keeps for each kind of backend: its own, Named's,
// the wrapped backend's through Unwrap, or its Go type; none for a bare
// function.
func TestBackendName(t *testing.T) {
	a := &App{}
	fn := BackendFunc(func(context.Context, string, string) (AnyUser, error) { return nil, ErrInvalidCredentials })
	cases := []struct {
		name string
		b    Backend
		want string
	}{
		{"model", a.ModelBackend(), ModelBackendName},
		{"email", a.EmailBackend(), "nuages.contrib.auth.EmailBackend"},
		{"wrapped_model", wrapper{a.ModelBackend()}, ModelBackendName},
		{"named_func", Named("example.TokenBackend", fn), "example.TokenBackend"},
		{"renamed_model", Named("example.Legacy", a.ModelBackend()), "example.Legacy"},
		{"type", plain{}, "github.com/nuages-go/nuages/contrib/auth.plain"},
		{"pointer_type", &plain{}, "github.com/nuages-go/nuages/contrib/auth.plain"},
		{"wrapped_type", wrapper{plain{}}, "github.com/nuages-go/nuages/contrib/auth.plain"},
		{"func", fn, ""},
		{"wrapped_func", wrapper{fn}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := backendName(c.b); got != c.want {
				t.Errorf("backendName(%T) = %q, want %q", c.b, got, c.want)
			}
		})
	}
}

// Abilities are found on the backend or through its wrappers, and the
// wrapped model backend still has its permissions read once a request.
func TestBackendAbilities(t *testing.T) {
	a := &App{}
	cases := []struct {
		name        string
		b           Backend
		perms       bool
		modelTables bool
	}{
		{"model", a.ModelBackend(), true, true},
		{"wrapped_model", wrapper{a.ModelBackend()}, true, true},
		{"named_model", Named("x", a.ModelBackend()), true, true},
		{"plain", plain{}, false, false},
		{"wrapped_plain", wrapper{plain{}}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, got := ability[PermBackend](c.b); got != c.perms {
				t.Errorf("a PermBackend: %v, want %v", got, c.perms)
			}
			if got := isModelBackend(c.b); got != c.modelTables {
				t.Errorf("isModelBackend = %v, want %v", got, c.modelTables)
			}
		})
	}
}

func TestCheckBackends(t *testing.T) {
	a := &App{}
	fn := BackendFunc(func(context.Context, string, string) (AnyUser, error) { return nil, ErrInvalidCredentials })
	cases := []struct {
		name     string
		backends []Backend
		want     string // in the error; "" for none
	}{
		{"model_and_named_func", []Backend{a.ModelBackend(), Named("example.Token", fn)}, ""},
		{"unnamed_func", []Backend{a.ModelBackend(), fn}, `App.Backends[1] (auth.BackendFunc) has no name to keep in sessions: wrap it with auth.Named("yourapp.YourBackend", b)`},
		{"same_name", []Backend{a.ModelBackend(), wrapper{a.ModelBackend()}}, `App.Backends[0] and [1] are both named "django.contrib.auth.backends.ModelBackend"`},
		{"nil", []Backend{nil}, "App.Backends[0] is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkBackends(c.backends)
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("checkBackends = %v, want %q", err, c.want)
			}
		})
	}
}
