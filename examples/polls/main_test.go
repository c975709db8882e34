package main

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/examples/polls/polls"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
)

// project builds the tutorial's project on a fresh database of engine,
// migrated, with a question published yesterday and one for tomorrow.
func project(t *testing.T, engine string) (*nuages.Project, *database.DB, polls.Question) {
	t.Helper()
	s := settings()
	s.Databases = map[string]database.Config{database.DefaultAlias: {URL: nuagestest.URL(t, engine)}}
	s.Engines = nuagestest.AllEngines() // the example itself links SQLite only
	p, err := nuages.New(t.Context(), s, apps()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	var out bytes.Buffer
	if code := p.Run(t.Context(), []string{"polls", "migrate"}, nuages.IO{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
		t.Fatalf("migrate: %d\n%s", code, &out)
	}
	db, err := p.DB(t.Context(), database.DefaultAlias)
	if err != nil {
		t.Fatal(err)
	}
	q := polls.Question{Text: "What's <new>?", PubDate: time.Now().Add(-24 * time.Hour)}
	future := polls.Question{Text: "Future question", PubDate: time.Now().Add(24 * time.Hour)}
	for _, x := range []*polls.Question{&q, &future} {
		if err := orm.Insert(t.Context(), db, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, text := range []string{"Not much", "The sky"} {
		if err := orm.Insert(t.Context(), db, &polls.Choice{Question: orm.ForeignKey[polls.Question]{ID: q.ID}, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	return p, db, q
}

// voter returns a client of h logged in as a new user of p.
func voter(t *testing.T, p *nuages.Project, h http.Handler) *nuagestest.Client {
	t.Helper()
	c := nuagestest.NewClient(t, h)
	u := authtest.CreateUser(t, auth.AppOf(p), "voter"+strconv.Itoa(int(voters.Add(1))), "correct horse")
	authtest.ForceLogin(c, t, u, "/polls/")
	return c
}

var voters atomic.Int64

// The tutorial's pages, through HTTP, on every database.
func TestPolls(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, db, q := project(t, engine)
		h, err := p.Handler()
		if err != nil {
			t.Fatal(err)
		}
		choices, err := orm.Query[polls.Choice](db).OrderBy("id").All(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		id := func(format string) string {
			return strings.NewReplacer("{q}", itoa(q.ID), "{c}", itoa(choices[1].ID)).Replace(format)
		}
		voter(t, p, h).Run(t,
			nuagestest.Scenario{Name: "home", Path: "/", WantRedirect: "/polls/"},
			nuagestest.Scenario{Name: "index", Path: "/polls/", WantTemplate: "polls/base.html", WantContains: []string{id(`<a href="/polls/{q}/">What&#39;s &lt;new&gt;?</a>`), `href="/static/polls/style.css"`}, WantNotContains: []string{"Future question"}},
			nuagestest.Scenario{Name: "detail", Path: id("/polls/{q}/"), WantContains: []string{id(`<form action="/polls/{q}/vote/" method="post">`), id(`value="{c}"`), "The sky"}},
			nuagestest.Scenario{Name: "future detail", Path: "/polls/" + itoa(q.ID+1) + "/", WantStatus: 404},
			nuagestest.Scenario{Name: "vote", Path: id("/polls/{q}/vote/"), Form: url.Values{"choice": {itoa(choices[1].ID)}}, WantRedirect: id("/polls/{q}/results/")},
			nuagestest.Scenario{Name: "results", Path: id("/polls/{q}/results/"), WantTemplate: "polls/results.html", WantContains: []string{"Not much -- 0 votes", "The sky -- 1 vote<"}},
			nuagestest.Scenario{Name: "no choice", Path: id("/polls/{q}/vote/"), Form: url.Values{}, WantTemplate: "polls/detail.html", WantContains: []string{"You didn&#39;t select a choice."}},
			nuagestest.Scenario{Name: "another question's choice", Path: id("/polls/{q}/vote/"), Form: url.Values{"choice": {"999999"}}, WantContains: []string{"You didn&#39;t select a choice."}},
			nuagestest.Scenario{Name: "vote by GET", Path: id("/polls/{q}/vote/"), WantStatus: http.StatusMethodNotAllowed},
			nuagestest.Scenario{Name: "no such question", Path: "/polls/999999/vote/", Form: url.Values{"choice": {"1"}}, WantStatus: 404},
			nuagestest.Scenario{Name: "style sheet", Path: "/static/polls/style.css", WantContains: []string{"font-family"}},
		)
	})
}

// Votes at the same moment all count: the F update adds in the database.
func TestConcurrentVotes(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, db, q := project(t, engine)
		h, err := p.Handler()
		if err != nil {
			t.Fatal(err)
		}
		choice, ok, err := orm.Query[polls.Choice](db).Filter("question", q.ID).OrderBy("id").First(t.Context())
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		const voters = 20
		var wg sync.WaitGroup
		for range voters {
			wg.Go(func() {
				c := voter(t, p, h)
				c.Post("/polls/"+itoa(q.ID)+"/vote/", url.Values{"choice": {itoa(choice.ID)}}).AssertStatus(http.StatusFound)
			})
		}
		wg.Wait()
		got, err := orm.Query[polls.Choice](db).Filter("pk", choice.ID).Get(t.Context())
		if err != nil || got.Votes != voters {
			t.Errorf("votes = %d, %v; want %d", got.Votes, err, voters)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The demo fixture of the README loads, and its questions show.
func TestDemoFixture(t *testing.T) {
	p, _, _ := project(t, nuagestest.SQLite)
	var out bytes.Buffer
	if code := p.Run(t.Context(), []string{"polls", "loaddata", "fixtures/demo.json"}, nuages.IO{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
		t.Fatalf("loaddata: %d\n%s", code, &out)
	}
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	nuagestest.NewClient(t, h).Get("/polls/").AssertContains("Which battery first?", "What&#39;s up?")
}

// A browser votes with the page's CSRF token; a forged form from another
// site, without it, is refused and counts nothing.
func TestVoteNeedsCSRFToken(t *testing.T) {
	p, db, q := project(t, nuagestest.SQLite)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	choice, _, err := orm.Query[polls.Choice](db).Filter("question", q.ID).OrderBy("id").First(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	vote := "/polls/" + itoa(q.ID) + "/vote/"
	forger := nuagestest.NewClient(t, h)
	forger.EnforceCSRF = true
	refused := func(r *nuagestest.Response, reason string) {
		t.Helper()
		if r.AssertStatus(http.StatusForbidden); !strings.Contains(r.Body, reason) {
			t.Errorf("the 403 does not say %q", reason)
		}
	}
	refused(forger.Post(vote, url.Values{"choice": {itoa(choice.ID)}}), "CSRF cookie not set.")

	browser := voter(t, p, h)
	browser.EnforceCSRF = true
	page := browser.Get("/polls/" + itoa(q.ID) + "/").AssertStatus(200)
	m := regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no token in the form:\n%s", page.Body)
	}
	refused(browser.Post(vote, url.Values{"choice": {itoa(choice.ID)}}), "CSRF token missing.")
	browser.Post(vote, url.Values{"choice": {itoa(choice.ID)}, "csrfmiddlewaretoken": {m[1]}}).AssertRedirects("/polls/" + itoa(q.ID) + "/results/")
	if got, err := orm.Query[polls.Choice](db).Filter("pk", choice.ID).Get(t.Context()); err != nil || got.Votes != 1 {
		t.Errorf("votes = %d, %v; want 1", got.Votes, err)
	}
}

// A question asked through the model form: an invalid one comes back
// with the errors, a valid one is saved and shown.
func TestAskQuestion(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, db, _ := project(t, engine)
		h, err := p.Handler()
		if err != nil {
			t.Fatal(err)
		}
		c := nuagestest.NewClient(t, h)
		c.Get("/polls/").AssertContains(`<a href="/polls/new/">Ask a question</a>`)
		c.Get("/polls/new/").AssertContains(`name="text"`, `name="pub_date"`, `name="csrfmiddlewaretoken"`)
		c.Post("/polls/new/", url.Values{"text": {""}, "pub_date": {"yesterday"}}).AssertContains("This field is required.", "Enter a valid date/time.")
		res := c.Post("/polls/new/", url.Values{"text": {"Tea or coffee?"}, "pub_date": {"2026-01-02 03:04:05"}})
		q, err := orm.Query[polls.Question](db).Filter("text", "Tea or coffee?").Get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		res.AssertRedirects("/polls/" + itoa(q.ID) + "/")
		c.Get("/polls/" + itoa(q.ID) + "/").AssertContains("Tea or coffee?")
	})
}

// The flow on every database: a visitor cannot vote, logs in
// through the login page, votes, logs out, and cannot vote again.
func TestLoginVoteLogout(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, db, q := project(t, engine)
		h, err := p.Handler()
		if err != nil {
			t.Fatal(err)
		}
		authtest.CreateUser(t, auth.AppOf(p), "ada", "correct horse")
		choice, _, err := orm.Query[polls.Choice](db).Filter("question", q.ID).OrderBy("id").First(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		detail, vote := "/polls/"+itoa(q.ID)+"/", "/polls/"+itoa(q.ID)+"/vote/"
		c := nuagestest.NewClient(t, h)
		c.Get(detail).AssertContains("Log in to vote", `href="/accounts/login/?next=%2fpolls%2f`+itoa(q.ID)+`%2f"`).AssertNotContains(`value="Vote"`)
		c.Post(vote, url.Values{"choice": {itoa(choice.ID)}}).AssertRedirects("/accounts/login/?next=" + url.QueryEscape(vote))
		c.Post("/accounts/login/", url.Values{"username": {"ada"}, "password": {"correct horse"}, "next": {detail}}).AssertRedirects(detail)
		c.Get(detail).AssertContains(`value="Vote"`, "ada", "Log out")
		c.Post(vote, url.Values{"choice": {itoa(choice.ID)}}).AssertRedirects("/polls/" + itoa(q.ID) + "/results/")
		c.Get("/polls/" + itoa(q.ID) + "/results/").AssertContains(`<p class="success">Your vote was counted.</p>`)
		c.Get("/polls/" + itoa(q.ID) + "/results/").AssertNotContains("Your vote was counted.") // shown once
		c.Post("/accounts/logout/", nil).AssertContains("Logged out")
		c.Post(vote, url.Values{"choice": {itoa(choice.ID)}}).AssertStatus(http.StatusFound).AssertRedirects("/accounts/login/?next=" + url.QueryEscape(vote))
		if got, err := orm.Query[polls.Choice](db).Filter("pk", choice.ID).Get(t.Context()); err != nil || got.Votes != 1 {
			t.Errorf("votes = %d, %v; want 1", got.Votes, err)
		}
	})
}
