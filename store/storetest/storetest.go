// Package storetest is the conformance suite every store backend must pass. A backend's test
// calls Run with a constructor; the suite opens a fresh store for every subtest and closes it
// when the subtest ends.
//
// Time: subtests about expiry (retention by age, leases, idempotency TTLs) pass Options.Now, a
// manual Clock, and expect the store to decide expiry only from it (a backend whose server also
// expires data on its own clock must still answer by the injected one). RealTimeRetention runs
// with a nil Now and a MaxAge of a second, so retention by the backend's real clock (a
// server's timers included) is held to the same contract; it sleeps, and bounds every wait.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Options is what a subtest asks of a new store.
type Options struct {
	Retention store.Retention
	// Now, when set, is the only clock the store may consult.
	Now func() time.Time
}

// NewStoreFunc opens a fresh, empty store; it may call t.Skip or t.Fatal.
type NewStoreFunc func(t *testing.T, opts Options) store.Store

// Run runs the whole suite against the backend newStore opens.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, NewStoreFunc)
	}{
		{"Sessions", testSessions},
		{"Leases", testLeases},
		{"Append", testAppend},
		{"Read", testRead},
		{"Head", testHead},
		{"Retention", testRetention},
		{"Gaps", testGaps},
		{"GapSequences", testGapSequences},
		{"DeleteEvents", testDeleteEvents},
		{"Watch", testWatch},
		{"Concurrency", testConcurrency},
		{"Idempotency", testIdempotency},
		{"Lifecycle", testLifecycle},
		{"Fencing", testFencing},
		{"LeaseCache", testLeaseCache},
		{"RealTimeRetention", testRealTimeRetention},
		{"Model", testModel},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, newStore) })
	}
}

// open returns a fresh store that is closed when the test ends.
func open(t *testing.T, newStore NewStoreFunc, opts Options) store.Store {
	t.Helper()
	s := newStore(t, opts)
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// ctx is a context that ends with the test, with a generous deadline so a hung backend fails
// the test instead of the whole run. It bounds waiting only; nothing asserts on durations.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
