// Package messages is Django's messages framework: one-time notices
// ("Your vote was saved.") that a view adds and the next page shows, as
// after a redirect.
//
// Install the app (nuages.Main(settings(), messages.App{}, ...)): it adds
// its middleware after the sessions and a "messages" value to every
// template's data. A view adds a message:
//
//	if err := messages.AddSuccess(r, "Your vote was saved."); err != nil {
//		return err // the app is not installed
//	}
//
// and a template shows the pending ones, which are then gone:
//
//	{{range .messages}}<p class="{{.Tags}}">{{.Text}}</p>{{end}}
//
// The package's Example runs the middleware on its own, across a redirect.
//
// Messages are kept in a signed cookie, and in the session for what does
// not fit (Django's FallbackStorage), in Django's formats.
package messages
