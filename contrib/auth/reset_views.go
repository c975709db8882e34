package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/mail"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

// PasswordResetForm is Django's PasswordResetForm.
type PasswordResetForm struct {
	Email string `form:"type=email,max_length=254" label:"Email"`
}

// SetPasswordForm is Django's SetPasswordForm.
type SetPasswordForm struct {
	NewPassword1 string `form:"name=new_password1,widget=password,no_strip" label:"New password"`
	NewPassword2 string `form:"name=new_password2,widget=password,no_strip" label:"New password confirmation"`
}

// resetSessionKey keeps the token between the link and the form, Django's
// INTERNAL_RESET_SESSION_TOKEN: the link redirects at once to a URL
// without the token, so that the page's links never leak it in a Referer.
const (
	resetSessionKey = "_password_reset_token"
	resetURLToken   = "set-password"
)

// passwordReset sends a reset link to the active users with a usable
// password and that address, and always says it did: Django's
// PasswordResetView, which never tells whether an address has an account.
func (a *App) passwordReset(w http.ResponseWriter, r *http.Request) error {
	f := forms.New[PasswordResetForm]()
	f.Renderer = a.project
	if r.Method == http.MethodPost {
		if err := f.Bind(r); err != nil {
			return err
		}
		ok, err := f.IsValid(r.Context())
		if err != nil {
			return err
		}
		if ok {
			if err := a.sendResetLinks(r, f.Value.Email); err != nil {
				return err
			}
			return web.Redirect(w, r, "password_reset_done")
		}
	} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return web.MethodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost)
	}
	return a.project.Render(w, r, "registration/password_reset_form.html", templates.Data{"form": f})
}

func (a *App) sendResetLinks(r *http.Request, email string) error {
	um := a.UserModel
	if um.email == nil {
		return fmt.Errorf("auth: password reset: the user model %s has no e-mail field (define EmailField() to name it)", um.Meta().Name)
	}
	db, err := a.DB(r.Context())
	if err != nil {
		return err
	}
	users, err := um.table.all(r.Context(), db, orm.Q{um.email.Name + "__iexact": email, "is_active": true})
	if err != nil {
		return err
	}
	protocol := "http"
	if a.project.Settings().Security.Secure(r) {
		protocol = "https"
	}
	tokens := a.ResetTokens()
	for _, u := range users {
		if !passwords.IsUsable(u.AuthUser().Password) {
			continue
		}
		uid, token := EncodeUID(u.AuthUser().ID), tokens.Make(u)
		path, err := web.Reverse(r, "password_reset_confirm", uid, token)
		if err != nil {
			return err
		}
		data := templates.Data{
			"email": um.Email(u), "domain": r.Host, "site_name": r.Host, "protocol": protocol,
			"uid": uid, "token": token, "user": u, "username": um.Username(u),
			"url": protocol + "://" + r.Host + path,
		}
		var subject, body strings.Builder
		if err := a.project.RenderText(&subject, "registration/password_reset_subject.txt", data); err != nil {
			return err
		}
		if err := a.project.RenderText(&body, "registration/password_reset_email.txt", data); err != nil {
			return err
		}
		msg := &mail.Message{
			To: []string{um.Email(u)},
			// A subject is one line, whatever the template's line ends.
			Subject: strings.Join(strings.Fields(subject.String()), " "),
			Body:    body.String(),
		}
		if err := a.project.Mail().Send(r.Context(), msg); err != nil {
			return fmt.Errorf("auth: sending the password reset e-mail: %w", err)
		}
	}
	return nil
}

// passwordResetConfirm checks the link's token, then lets the user set a
// new password: Django's PasswordResetConfirmView.
func (a *App) passwordResetConfirm(w http.ResponseWriter, r *http.Request) error {
	invalid := func() error {
		return a.project.Render(w, r, "registration/password_reset_confirm.html", templates.Data{"validlink": false})
	}
	id, ok := DecodeUID(r.PathValue("uidb64"))
	if !ok {
		return invalid()
	}
	db, err := a.DB(r.Context())
	if err != nil {
		return err
	}
	user, err := a.UserModel.table.get(r.Context(), db, orm.Q{"pk": id})
	if errors.Is(err, orm.ErrDoesNotExist) {
		return invalid()
	}
	if err != nil {
		return err
	}
	s := sessions.From(r)
	tokens := a.ResetTokens()
	if token := r.PathValue("token"); token != resetURLToken {
		if !tokens.Check(user, token) {
			return invalid()
		}
		if err := s.Set(resetSessionKey, token); err != nil {
			return err
		}
		return web.Redirect(w, r, "password_reset_confirm", r.PathValue("uidb64"), resetURLToken)
	}
	var token string
	if found, err := s.Get(resetSessionKey, &token); err != nil || !found || !tokens.Check(user, token) {
		return invalid()
	}
	f := forms.New[SetPasswordForm]()
	f.Renderer = a.project
	if r.Method == http.MethodPost {
		if err := f.Bind(r); err != nil {
			return err
		}
		valid, err := f.IsValid(r.Context())
		if err != nil {
			return err
		}
		if valid && a.setNewPassword(f, user, f.Value.NewPassword1, f.Value.NewPassword2) {
			if err := a.SetPassword(r.Context(), user, f.Value.NewPassword1); err != nil {
				return err
			}
			if err := a.save(r.Context(), user, "password"); err != nil {
				return err
			}
			if err := s.Delete(resetSessionKey); err != nil {
				return err
			}
			return web.Redirect(w, r, "password_reset_complete")
		}
	}
	return a.project.Render(w, r, "registration/password_reset_confirm.html", templates.Data{"validlink": true, "form": f})
}

// page renders a template of the app with no data.
func (a *App) page(name string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return a.project.Render(w, r, name, templates.Data{})
	}
}
