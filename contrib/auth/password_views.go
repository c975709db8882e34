package auth

import (
	"errors"
	"net/http"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// PasswordChangeForm is Django's PasswordChangeForm.
type PasswordChangeForm struct {
	OldPassword  string `form:"widget=password,no_strip" label:"Old password"`
	NewPassword1 string `form:"name=new_password1,widget=password,no_strip" label:"New password"`
	NewPassword2 string `form:"name=new_password2,widget=password,no_strip" label:"New password confirmation"`
}

// passwordChange lets a logged-in user change their password, Django's
// PasswordChangeView: the old one checked, the new one twice and through
// the validators; the session stays logged in, the others are logged out.
func (a *App) passwordChange(w http.ResponseWriter, r *http.Request) error {
	user, err := UserOf(r)
	if err != nil {
		return err
	}
	f := forms.New[PasswordChangeForm]()
	f.Renderer = a.project
	show := func() error {
		return a.project.Render(w, r, "registration/password_change_form.html", templates.Data{"form": f})
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return show()
	case http.MethodPost:
	default:
		return web.MethodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost)
	}
	if err := f.Bind(r); err != nil {
		return err
	}
	ok, err := f.IsValid(r.Context())
	if err != nil {
		return err
	}
	if !ok {
		return show()
	}
	right, err := a.CheckPassword(r.Context(), user, f.Value.OldPassword)
	switch {
	case err != nil:
		return err
	case !right:
		f.AddError("old_password", Invalid("Your old password was entered incorrectly. Please enter it again."))
		return show()
	}
	if !a.setNewPassword(f, user, f.Value.NewPassword1, f.Value.NewPassword2) {
		return show()
	}
	if err := a.SetPassword(r.Context(), user, f.Value.NewPassword1); err != nil {
		return err
	}
	if err := a.save(r.Context(), user, "password"); err != nil {
		return err
	}
	if err := UpdateSessionAuthHash(r, user); err != nil {
		return err
	}
	return web.Redirect(w, r, "password_change_done")
}

// setNewPassword checks a new password typed twice, Django's
// SetPasswordForm.clean_new_password2: the errors go to new_password2.
func (a *App) setNewPassword(f interface{ AddError(string, error) }, u AnyUser, pw1, pw2 string) bool {
	if pw1 != pw2 {
		f.AddError("new_password2", Invalid("The two password fields didn’t match."))
		return false
	}
	var errs passwords.ValidationErrors
	if err := a.ValidatePassword(pw2, u); errors.As(err, &errs) {
		for _, e := range errs {
			f.AddError("new_password2", Invalid(e.Message))
		}
		return false
	} else if err != nil {
		f.AddError("new_password2", Invalid(err.Error()))
		return false
	}
	return true
}
