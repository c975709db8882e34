package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/internal/testenv"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
)

// A real browser logs in and votes over plain HTTP on 127.0.0.1: it must
// accept the Secure session and CSRF cookies there and send the forms'
// tokens back, or the login or the vote is a 403. NUAGES_TEST_BROWSER
// names the Chromium binary.
func TestBrowserVotes(t *testing.T) {
	chromium := testenv.Lookup(t, "NUAGES_TEST_BROWSER")
	p, _, q := project(t, nuagestest.SQLite)
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
}
