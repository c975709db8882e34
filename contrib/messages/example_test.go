package messages_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/nuages-go/nuages/contrib/messages"
)

func Example() {
	h := messages.Middleware(messages.Config{Storage: messages.CookieStorage{Key: "a-secret-key"}})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				messages.AddSuccess(r, "Your vote was saved.")
				http.Redirect(w, r, "/", http.StatusFound)
				return
			}
			for m := range messages.All(r) {
				fmt.Printf("%s: %s\n", m.Tags(), m.Text)
			}
		}))

	post := httptest.NewRecorder()
	h.ServeHTTP(post, httptest.NewRequest("POST", "/vote/", nil))

	get := httptest.NewRequest("GET", "/", nil)
	for _, c := range post.Result().Cookies() {
		get.AddCookie(c) // what the browser sends back after the redirect
	}
	h.ServeHTTP(httptest.NewRecorder(), get)
	// Output: success: Your vote was saved.
}
