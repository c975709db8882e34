// Package nuagestest is the test kit of Nuages, as Django's test runner
// and test client: a migrated project on a fresh database per test, a
// client that talks to its site without a network, and fresh databases on
// every engine the environment configures.
//
// # Projects
//
// New returns a project of the given settings and apps on a fresh SQLite
// database in memory, migrated, closed when the test ends. It sets what
// tests need, and production code never looks for a test: "testserver"
// (TestHost) among the allowed hosts, mail kept in an outbox (Outbox),
// fast password hashing for the auth app (passwords.ForTests), a secret
// key when there is none. Each call has its own database, so tests that
// build projects run side by side under t.Parallel:
//
//	func TestIndex(t *testing.T) {
//		t.Parallel()
//		p := nuagestest.New(t, settings(), apps()...)
//		c := nuagestest.NewSiteClient(t, p)
//		c.Get("/polls/").AssertStatus(200).AssertTemplateUsed("polls/index.html")
//	}
//
// NewOn does the same on PostgreSQL or MySQL/MariaDB; EachEngine runs a
// test once per engine.
//
// # Clients
//
// A Client sends requests straight to a handler and keeps cookies between
// them. Its unsafe requests skip the CSRF check unless EnforceCSRF is set,
// as Django's test client does. The client of a project's site
// (NewSiteClient) logs in as a user in one call: Login with a password,
// ForceLogin without. Responses carry assertions (AssertStatus,
// AssertContains, AssertRedirects, AssertTemplateUsed, ...), and Scenario
// rows make table-driven tests of a site.
//
// # Databases
//
// SQLite always runs. PostgreSQL and MySQL/MariaDB run when
// NUAGES_TEST_POSTGRES and NUAGES_TEST_MYSQL name a server the test may
// create databases on; otherwise those tests skip with a one-line reason,
// or fail when CI=true. Each test gets uniquely named databases, dropped
// when it ends:
//
//	func TestSomething(t *testing.T) {
//		nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
//			// runs as the subtests sqlite, postgres and mysql
//		})
//	}
//
// Package authtest adds users with permissions for tests of sites that
// install the auth app.
package nuagestest
