package migrate

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
)

// TestOperations_Lookup checks that every operation that names something
// the state lacks says which model it looked in and what is there.
func TestOperations_Lookup(t *testing.T) {
	s := NewState()
	create := CreateModel{
		App: "polls", Name: "Question", Table: "polls_question",
		Fields:      []Field{{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}, {Name: "text", Column: "text", Kind: dialect.KindText}},
		Indexes:     []dialect.Index{{Name: "q_idx", Columns: []string{"text"}}},
		Constraints: []dialect.Constraint{{Name: "q_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"text"}}},
		Checks:      []Check{{Name: "q_chk"}},
	}
	if err := create.State(s); err != nil {
		t.Fatal(err)
	}
	if err := (CreateModel{App: "polls", Name: "Choice", Fields: []Field{{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}}).State(s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   Operation
		want string
	}{
		{"no_model", AddField{App: "polls", Model: "Nope", Field: Field{Name: "x"}}, `migrate: no model "polls.nope" at this point of the migrations; the models are polls.choice, polls.question`},
		{"no_model_delete", DeleteModel{App: "blog", Name: "Question"}, `no model "blog.question"`},
		{"no_model_rename", RenameModel{App: "polls", Old: "Nope", New: "Other"}, `no model "polls.nope"`},
		{"no_field_remove", RemoveField{App: "polls", Model: "Question", Name: "nope"}, `migrate: model polls.Question has no field "nope"; the fields are id, text`},
		{"no_field_alter", AlterField{App: "polls", Model: "Question", Field: Field{Name: "nope"}}, `model polls.Question has no field "nope"`},
		{"no_field_rename", RenameField{App: "polls", Model: "Question", Old: "nope", New: "x"}, `model polls.Question has no field "nope"`},
		{"no_index", RemoveIndex{App: "polls", Model: "Question", Name: "nope"}, `migrate: model polls.Question has no index "nope"; it has q_idx`},
		{"no_index_none", RemoveIndex{App: "polls", Model: "Choice", Name: "nope"}, `migrate: model polls.Choice has no index "nope"; it has none`},
		{"no_index_rename", RenameIndex{App: "polls", Model: "Question", Old: "nope", New: "x"}, `model polls.Question has no index "nope"; it has q_idx`},
		{"no_constraint", RemoveConstraint{App: "polls", Model: "Question", Name: "nope"}, `migrate: model polls.Question has no constraint "nope"; it has q_uniq`},
		{"no_check", RemoveCheck{App: "polls", Model: "Question", Name: "nope"}, `migrate: model polls.Question has no check constraint "nope"; it has q_chk`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op.State(s.Clone())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: got %v, want an error with %q", tt.op.Describe(), err, tt.want)
			}
		})
	}
}
