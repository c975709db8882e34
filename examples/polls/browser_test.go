package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nuages-go/nuages/internal/testenv"
	"github.com/nuages-go/nuages/nuagestest"
)

// A real browser votes over plain HTTP on 127.0.0.1: it must accept the
// Secure CSRF cookie there and send the form's token back, or the vote is
// a 403. NUAGES_TEST_BROWSER names the Chromium binary.
func TestBrowserVotes(t *testing.T) {
	chromium := testenv.Lookup(t, "NUAGES_TEST_BROWSER")
	p, _, q := project(t, nuagestest.SQLite)
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
		{"choose", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`input[type=radio][id^=choice]`, chromedp.NodeVisible))
			return err
		}},
		{"vote", func() error {
			_, err := chromedp.Run(ctx, chromedp.Click(`input[type=submit]`, chromedp.NodeVisible))
			return err
		}},
		{"see the results", func() error {
			_, err := chromedp.Run(ctx, chromedp.WaitVisible(`a[href$="/"]`))
			return err
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
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
