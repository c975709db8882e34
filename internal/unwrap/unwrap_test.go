package unwrap

import "testing"

type thing interface{ Do() }

type base struct{}

func (base) Do()          {}
func (base) Name() string { return "base" }

type wrapper struct{ next thing }

func (w wrapper) Do()           {}
func (w wrapper) Unwrap() thing { return w.next }

type plain struct{}

func (plain) Do() {}

type namer interface{ Name() string }

func TestAs(t *testing.T) {
	tests := []struct {
		name string
		v    thing
		want bool
	}{
		{"the value itself", base{}, true},
		{"through one wrapper", wrapper{base{}}, true},
		{"through two", wrapper{wrapper{base{}}}, true},
		{"none in the chain", wrapper{plain{}}, false},
		{"a wrapper of nil", wrapper{nil}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		n, ok := As[namer](tt.v)
		if ok != tt.want || ok && n.Name() != "base" {
			t.Errorf("%s: As = %v, %v; want found=%v", tt.name, n, ok, tt.want)
		}
	}
}
