package auth

import (
	"strings"
	"time"

	"github.com/nuages-go/nuages/orm"
)

// BaseUser is what every user model has and the auth app works on:
// Django's AbstractBaseUser and PermissionsMixin, with is_staff and
// is_active. User embeds it; so does a custom user model (CustomUser).
type BaseUser struct {
	orm.Model
	Password    string     `orm:"max_length=128"`
	LastLogin   *time.Time `orm:"null,blank,verbose_name=last login"`
	IsSuperuser bool       `orm:"default=false,verbose_name=superuser status,help_text=Designates that this user has all permissions without explicitly assigning them."`
	IsStaff     bool       `orm:"default=false,verbose_name=staff status,help_text=Designates whether the user can log into this admin site."`
	IsActive    bool       `orm:"default=true,verbose_name=active,help_text=Designates whether this user should be treated as active. Unselect this instead of deleting accounts."`

	Groups          orm.ManyToMany[Group]      `orm:"blank"`
	UserPermissions orm.ManyToMany[Permission] `orm:"blank,verbose_name=user permissions"`

	backend string // the Name of the backend that authenticated the user, for Login
}

// AuthUser returns u: embedding BaseUser makes a model an AnyUser.
func (u *BaseUser) AuthUser() *BaseUser { return u }

// IsAuthenticated reports whether u is a user who logged in, not the
// anonymous user of a visitor (ID 0).
func (u *BaseUser) IsAuthenticated() bool { return u != nil && u.ID != 0 }

// IsAnonymous is the opposite of IsAuthenticated.
func (u *BaseUser) IsAnonymous() bool { return !u.IsAuthenticated() }

// User is a person who can log in: Django's auth.User, in its table and
// columns. App.UserModel replaces it with a custom model.
type User struct {
	BaseUser
	Username   string    `orm:"max_length=150,unique"`
	FirstName  string    `orm:"max_length=150,blank,verbose_name=first name"`
	LastName   string    `orm:"max_length=150,blank,verbose_name=last name"`
	Email      string    `orm:"email,blank,verbose_name=email address"`
	DateJoined time.Time `orm:"auto_now_add,verbose_name=date joined"`
}

// Meta names Django's table.
func (User) Meta() orm.Options {
	return orm.Options{Table: "auth_user", VerboseName: "user", VerboseNamePlural: "users"}
}

// FullName is the first and last names, Django's get_full_name.
func (u *User) FullName() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// ShortName is the first name, Django's get_short_name.
func (u *User) ShortName() string { return u.FirstName }

func (u *User) String() string {
	if u.IsAnonymous() {
		return "AnonymousUser"
	}
	return u.Username
}

// Group is a set of users sharing permissions: Django's auth.Group.
type Group struct {
	orm.Model
	Name        string                     `orm:"max_length=150,unique"`
	Permissions orm.ManyToMany[Permission] `orm:"blank,db_table=auth_group_permissions"`
}

// Meta names Django's table.
func (Group) Meta() orm.Options {
	return orm.Options{Table: "auth_group", VerboseName: "group", VerboseNamePlural: "groups"}
}

func (g Group) String() string { return g.Name }

// Permission allows an action on a model ("polls.change_question") or a
// custom one of the model's Meta: Django's auth.Permission, with the
// model named by its app and name instead of a content type.
type Permission struct {
	orm.Model
	Name      string `orm:"max_length=255"`
	App       string `orm:"max_length=100,verbose_name=app label"`
	ModelName string `orm:"max_length=100,db_column=model,verbose_name=model"`
	Codename  string `orm:"max_length=100"`
}

// Meta names the table and keeps one permission per codename and model.
func (Permission) Meta() orm.Options {
	return orm.Options{
		Table: "auth_permission", VerboseName: "permission", VerboseNamePlural: "permissions",
		Ordering:    []string{"app", "model_name", "codename"},
		Constraints: []orm.Constraint{orm.Unique{Name: "auth_permission_app_model_codename_uniq", Fields: []string{"app", "model_name", "codename"}}},
	}
}

// Key is the permission as HasPerm takes it: "polls.change_question".
func (p Permission) Key() string { return p.App + "." + p.Codename }

func (p Permission) String() string { return p.App + " | " + p.ModelName + " | " + p.Name }
