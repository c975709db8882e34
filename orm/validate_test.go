package orm_test

import (
	"errors"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Member struct {
	orm.Model
	Email    string  `orm:"max_length=20,unique"`
	Nickname string  `orm:"max_length=10,blank"`
	Level    string  `orm:"max_length=6,choices=bronze|silver|gold"`
	Bio      *string `orm:"blank"`
}

func TestFullClean(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Member](t))
		ctx := t.Context()
		ada := Member{Email: "ada@example.com", Level: "gold"}
		if err := orm.FullClean(ctx, db, &ada); err != nil {
			t.Fatalf("a valid member: %v", err)
		}
		if err := orm.Insert(ctx, db, &ada); err != nil {
			t.Fatal(err)
		}
		if err := orm.FullClean(ctx, db, &ada); err != nil {
			t.Errorf("a saved member is not a duplicate of itself: %v", err)
		}
		tests := []struct {
			name string
			m    Member
			want map[string]string
		}{
			{"blank", Member{Level: "gold"}, map[string]string{"email": "This field cannot be blank."}},
			{"too_long_in_characters", Member{Email: "ééééééééééééééééééééé", Level: "gold"}, map[string]string{"email": "Ensure this value has at most 20 characters (it has 21)."}},
			{"bad_choice", Member{Email: "b@example.com", Level: "tin"}, map[string]string{"level": `Value "tin" is not a valid choice.`}},
			{"duplicate", Member{Email: "ada@example.com", Level: "gold"}, map[string]string{"email": "Member with this Email already exists."}},
			{"several_at_once", Member{Nickname: "much too long", Level: ""}, map[string]string{
				"email": "This field cannot be blank.", "nickname": "Ensure this value has at most 10 characters (it has 13).", "level": "This field cannot be blank.",
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := orm.FullClean(ctx, db, &tt.m)
				var verr *orm.ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("FullClean = %v, want a *ValidationError", err)
				}
				if len(verr.Fields) != len(tt.want) {
					t.Errorf("fields with errors = %v, want %v", verr.Fields, tt.want)
				}
				for field, msg := range tt.want {
					if got := verr.Fields[field]; len(got) != 1 || got[0] != msg {
						t.Errorf("%s: %q, want [%q]", field, got, msg)
					}
				}
			})
		}
	})
}
