package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/examples/polls/polls"
	"github.com/nuages-go/nuages/internal/testenv"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
)

// A real browser logs in and votes over plain HTTP on 127.0.0.1: it must
// accept the Secure session and CSRF cookies there and send the forms'
// tokens back, or the login or the vote is a 403. Then another site makes
// the logged-in browser post a vote, which is refused. NUAGES_TEST_BROWSER
// names the Chromium binary.
func TestBrowserVotes(t *testing.T) {
	chromium := testenv.Lookup(t, "NUAGES_TEST_BROWSER")
	p, db, q := project(t, nuagestest.SQLite)
	authtest.CreateUser(t, auth.AppOf(p), "ada", "correct horse")
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()

	detail := srv.URL + "/polls/" + itoa(q.ID) + "/"
	steps := []struct {
		name string
		run  func() error
	}{
		{"open the question", func() error { _, err := chromedp.Run(ctx, chromedp.Navigate(detail)); return err }},
		{"follow the login link", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`a[href*="next="]`, chromedp.NodeVisible))
			return err
		}},
		{"type the username", func() error {
			_, err := chromedp.Run(ctx, chromedp.SendKeys(`#id_username`, "ada", chromedp.NodeVisible))
			return err
		}},
		{"type the password", func() error {
			_, err := chromedp.Run(ctx, chromedp.SendKeys(`#id_password`, "correct horse", chromedp.NodeVisible))
			return err
		}},
		{"log in", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`button[type=submit]`, chromedp.NodeVisible))
			return err
		}},
		{"choose", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`input[type=radio][id^=choice]`, chromedp.NodeVisible))
			return err
		}},
		{"vote", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`input[type=submit][value=Vote]`, chromedp.NodeVisible))
			return err
		}},
		{"see the results", func() error {
			_, err := chromedp.Run(ctx, chromedp.WaitVisible(`a[href$="/"]`))
			return err
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			loc, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Location())
			t.Fatalf("%s: %v (at %s)", s.name, err, loc)
		}
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/polls/"+itoa(q.ID)+"/results/") || !strings.Contains(body, "Not much -- 1 vote") {
		t.Errorf("after voting, at %s:\n%s", loc, body)
	}

	// Another site (localhost is another site than 127.0.0.1) makes the
	// logged-in browser post a vote: the forgery is refused and counts for
	// nothing.
	choice, err := orm.Query[polls.Choice](db).Filter("question", q.ID).Filter("text", "The sky").Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><form id="f" method="post" action="%s/polls/%d/vote/"><input name="choice" value="%d"></form><script>document.getElementById("f").submit()</script>`, srv.URL, q.ID, choice.ID)
	}))
	defer attacker.Close()
	evil := strings.Replace(attacker.URL, "127.0.0.1", "localhost", 1)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(evil)); err != nil {
		t.Fatal(err)
	}
	var landed string
	for range 50 { // the form posts itself after the page loads
		if landed, err = chromedp.Run(ctx, chromedp.Location()); err != nil || strings.HasPrefix(landed, srv.URL) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasSuffix(landed, "/vote/") {
		t.Fatalf("the forged form did not post: at %s", landed)
	}
	forged, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.innerText"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(forged, "403") && !strings.Contains(forged, "Forbidden") {
		t.Errorf("the forged vote was answered:\n%s", forged)
	}
	if after, err := orm.Query[polls.Choice](db).Filter("pk", choice.ID).Get(t.Context()); err != nil || after.Votes != 0 {
		t.Errorf("the forged vote counted: %+v, %v", after, err)
	}
}
