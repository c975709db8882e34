package database_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
)

func TestClose_WaitsForInFlightWork(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		db, err := database.Open(t.Context(), "default", database.Config{URL: nuagestest.URL(t, engine)})
		if err != nil {
			t.Fatal(err)
		}
		newItems(t, db)
		ctx := t.Context()

		inside, release := make(chan struct{}), make(chan struct{})
		atomicErr := make(chan error, 1)
		go func() {
			atomicErr <- db.Atomic(ctx, func(ctx context.Context) error {
				close(inside)
				<-release
				// Close has started, yet the transaction still works.
				return insertItem(ctx, db, "late")
			})
		}()
		<-inside
		closed := make(chan error, 1)
		go func() { closed <- db.Close() }()

		// New work is refused once Close started...
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := db.Exec(ctx, "SELECT 1")
			if errors.Is(err, database.ErrClosed) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Exec during Close: error = %v, want ErrClosed", err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// ...but Close waits for the transaction.
		select {
		case err := <-closed:
			t.Fatalf("Close returned (%v) while a transaction was running", err)
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		if err := <-atomicErr; err != nil {
			t.Errorf("Atomic during Close: %v", err)
		}
		if err := <-closed; err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func TestShutdown_GivesUpWithContext(t *testing.T) {
	db, err := database.Open(t.Context(), "default", database.Config{URL: nuagestest.URL(t, nuagestest.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	newItems(t, db)
	rows, err := db.Query(t.Context(), "SELECT name FROM item") // never closed
	if err != nil {
		t.Fatal(err)
	}
	_ = rows
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := db.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with open rows = %v, want DeadlineExceeded", err)
	}
}
