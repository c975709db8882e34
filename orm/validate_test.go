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
	t.Parallel()
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

type Contact struct {
	orm.Model
	Email   string  `orm:"email"`
	Website string  `orm:"url,blank"`
	Handle  string  `orm:"slug,unique"`
	LastIP  *string `orm:"ip"`
}

func TestFormats(t *testing.T) {
	t.Parallel()
	m := meta[Contact](t)
	for name, want := range map[string]int{"email": 254, "website": 200, "handle": 50} {
		if f, _ := m.Field(name); f.MaxLength != want {
			t.Errorf("%s max length = %d, want Django's %d", name, f.MaxLength, want)
		}
	}
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, m)
		ctx := t.Context()
		ip := "2001:db8::1"
		good := Contact{Email: "ada@example.com", Website: "https://example.com/a?b=c", Handle: "ada_lovelace-1", LastIP: &ip}
		if err := orm.FullClean(ctx, db, &good); err != nil {
			t.Fatalf("valid contact: %v", err)
		}
		if err := orm.Insert(ctx, db, &good); err != nil {
			t.Fatal(err)
		}
		got, err := orm.Query[Contact](db).Filter("last_ip", ip).Get(ctx)
		if err != nil || got.LastIP == nil || *got.LastIP != ip {
			t.Errorf("ip round trip: %+v, %v", got, err)
		}
		badIP := "300.1.1.1"
		bad := Contact{Email: "Ada <ada@example.com>", Website: "javascript:alert(1)", Handle: "not a slug", LastIP: &badIP}
		err = orm.FullClean(ctx, db, &bad)
		var verr *orm.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("FullClean = %v", err)
		}
		want := map[string]string{
			"email":   "Enter a valid email address.",
			"website": "Enter a valid URL.",
			"handle":  "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
			"last_ip": "Enter a valid IPv4 or IPv6 address.",
		}
		for field, msg := range want {
			if got := verr.Fields[field]; len(got) != 1 || got[0] != msg {
				t.Errorf("%s: %q, want [%q]", field, got, msg)
			}
		}
	})
}

type formatOnInt struct {
	orm.Model
	N int `orm:"email"`
}

func TestFormats_Errors(t *testing.T) {
	if _, err := orm.MetaOf[formatOnInt](); err == nil || err.Error() != "orm: model formatOnInt, field N: the email option needs a string field, not int" {
		t.Errorf("error = %v", err)
	}
}
