package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
)

func TestClose_WaitsForInFlightWork(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		db, err := database.Open(t.Context(), "default", nuagestest.Config(t, engine))
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
	t.Parallel()
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

// TestClose_Stress closes a database while goroutines run every kind of
// operation on it: each is either refused with ErrClosed or runs to its end
// on an open pool, and Close returns only once none is in flight. Run it
// with -race.
func TestClose_Stress(t *testing.T) {
	t.Parallel()
	db, err := database.Open(t.Context(), "default", database.Config{URL: nuagestest.URL(t, nuagestest.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	newItems(t, db)
	ctx := t.Context()
	var inside atomic.Int64 // Atomic and WithConn blocks running
	block := func(ctx context.Context) error {
		inside.Add(1)
		defer inside.Add(-1)
		_, err := db.Exec(ctx, "SELECT 1")
		return err
	}
	ops := []func() error{
		func() error { _, err := db.Exec(ctx, "SELECT 1"); return err },
		func() error {
			rows, err := db.Query(ctx, "SELECT name FROM item")
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			return rows.Err()
		},
		func() error { var n int; return db.QueryRow(ctx, "SELECT 1").Scan(&n) },
		func() error { return db.Atomic(ctx, block) },
		func() error { return db.WithConn(ctx, block) },
		func() error { return db.Ping(ctx) },
	}
	const workers = 8
	var warm, done sync.WaitGroup
	warm.Add(workers)
	errs := make(chan error, workers)
	for w := range workers {
		done.Go(func() {
			for i := 0; ; i++ {
				if i == 20 {
					warm.Done()
				}
				err := ops[(w+i)%len(ops)]()
				if errors.Is(err, database.ErrClosed) {
					if i < 20 {
						warm.Done()
					}
					return
				}
				if err != nil {
					errs <- fmt.Errorf("worker %d, operation %d: %w (want nil or ErrClosed)", w, i, err)
					if i < 20 {
						warm.Done()
					}
					return
				}
			}
		})
	}
	warm.Wait()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := inside.Load(); n != 0 {
		t.Errorf("Close returned with %d blocks still running", n)
	}
	if _, err := db.Exec(ctx, "SELECT 1"); !errors.Is(err, database.ErrClosed) {
		t.Errorf("Exec after Close = %v, want ErrClosed", err)
	}
	done.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
