// Package auth is Django's django.contrib.auth: users, groups and
// permissions, password checking and login sessions.
//
// Install the app (nuages.Main(settings(), &auth.App{}, ...)): its
// migration creates Django's auth_user, auth_group and auth_permission
// tables (so a user table from a Django site logs in unchanged: the
// password hashes are Django's); after every migrate it creates the
// add/change/delete/view permissions of every model; its middleware makes
// the logged-in user available to handlers (UserOf) and templates
// ({{.user}}, {{.perms}}).
//
//	app := auth.AppOf(p) // the project's *auth.App
//	user, err := app.Authenticate(r.Context(), "alice", password)
//	if err == nil {
//		err = auth.Login(r, user) // a new session key, against fixation
//	}
//	...
//	err = auth.Logout(r) // the session is flushed
//
// LoginRequired, PermissionRequired and UserPassesTest wrap handlers.
// Example_customUserModel installs the app with a user model of the
// project's own, migrates, creates a user and authenticates it.
package auth
