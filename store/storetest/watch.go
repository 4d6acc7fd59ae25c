package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// watcher runs one Watch call; heads receives every notification, after observe (if any) saw it.
type watcher struct {
	heads  chan uint64
	done   chan error
	cancel context.CancelFunc
}

func startWatch(t *testing.T, s store.Store, observe func(uint64)) *watcher {
	t.Helper()
	wctx, cancel := context.WithCancel(ctx(t))
	w := &watcher{heads: make(chan uint64, 4096), done: make(chan error, 1), cancel: cancel}
	notify := func(h uint64) {
		if observe != nil {
			observe(h)
		}
		w.heads <- h
	}
	go func() { w.done <- s.Watch(wctx, notify) }()
	t.Cleanup(func() { w.stop(t) })
	return w
}

// stop cancels the watch and waits for Watch to return, so no goroutine outlives the test.
func (w *watcher) stop(t *testing.T) error {
	t.Helper()
	w.cancel()
	// Not t.Context(): that is already done when cleanups run. The bound only turns a hang
	// into a failure.
	limit := time.NewTimer(30 * time.Second)
	defer limit.Stop()
	select {
	case err, ok := <-w.done:
		if ok {
			close(w.done)
		}
		return err
	case <-limit.C:
		t.Error("Watch did not return after its context ended")
		return nil
	}
}

// next returns the next notification, failing the test if none comes before the test's deadline.
func (w *watcher) next(t *testing.T) uint64 {
	t.Helper()
	select {
	case h := <-w.heads:
		return h
	case err := <-w.done:
		t.Fatalf("Watch returned early: %v", err)
	case <-ctx(t).Done():
		t.Fatal("no notification")
	}
	return 0
}

// waitFor reads notifications until one reaches want.
func (w *watcher) waitFor(t *testing.T, want uint64) {
	t.Helper()
	for {
		if h := w.next(t); h >= want {
			return
		}
	}
}

func testWatch(t *testing.T, newStore NewStoreFunc) {
	t.Run("InitialThenAfterAppends", func(t *testing.T) {
		s := open(t, newStore, Options{})
		pre := mustAppend(t, s, "1001", 2)
		w := startWatch(t, s, nil)
		if h := w.next(t); h != pre[1].Pos {
			t.Fatalf("first notification %d, want the current head %d", h, pre[1].Pos)
		}
		for i := range 5 {
			out := mustAppend(t, s, []string{"1001", "1002"}[i%2], 1+i%3)
			w.waitFor(t, out[len(out)-1].Pos)
		}
	})
	t.Run("InitialOnEmptyStore", func(t *testing.T) {
		s := open(t, newStore, Options{})
		w := startWatch(t, s, nil)
		if h := w.next(t); h != 0 {
			t.Fatalf("first notification on an empty store = %d, want 0", h)
		}
	})
	t.Run("CoalescesWhileNotifyRuns", func(t *testing.T) {
		s := open(t, newStore, Options{})
		entered, release := make(chan uint64), make(chan struct{})
		w := startWatch(t, s, func(h uint64) {
			entered <- h
			<-release
		})
		t.Cleanup(func() { close(release) }) // runs before the watcher's cleanup stops it
		<-entered                            // initial notification, held open
		var last uint64
		for i := range 50 { // appends must not wait for the blocked notify
			last = mustAppend(t, s, []string{"1001", "1002", "1003"}[i%3], 1)[0].Pos
		}
		release <- struct{}{}
		if h := w.next(t); h != 0 {
			t.Fatalf("the held notification carried %d, want 0", h)
		}
		select {
		case h := <-entered:
			if h != last {
				t.Fatalf("after a burst, notified with %d; want the newest head %d", h, last)
			}
		case err := <-w.done:
			t.Fatalf("Watch returned: %v", err)
		case <-ctx(t).Done():
			t.Fatal("no notification after the burst")
		}
		release <- struct{}{}
	})
	t.Run("SerialAndIncreasing", func(t *testing.T) {
		s := open(t, newStore, Options{})
		var inFlight atomic.Int32
		var mu sync.Mutex
		var seen []uint64
		w := startWatch(t, s, func(h uint64) {
			if inFlight.Add(1) != 1 {
				t.Error("notify called concurrently with itself")
			}
			mu.Lock()
			seen = append(seen, h)
			mu.Unlock()
			inFlight.Add(-1)
		})
		var wg sync.WaitGroup
		c := ctx(t)
		for g := range 4 {
			wg.Go(func() {
				for i := range 50 {
					if _, err := s.Append(c, []string{"1001", "1002"}[(g+i)%2], sampleEvent(i)); err != nil {
						t.Errorf("Append: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		head, _, err := s.Head(ctx(t))
		noErr(t, "Head", err)
		w.waitFor(t, head)
		mu.Lock()
		defer mu.Unlock()
		for i := 1; i < len(seen); i++ {
			if seen[i] <= seen[i-1] {
				t.Fatalf("notifications not increasing: %v", seen)
			}
		}
	})
	t.Run("ManyWatchers", func(t *testing.T) {
		s := open(t, newStore, Options{})
		ws := make([]*watcher, 20)
		for i := range ws {
			ws[i] = startWatch(t, s, nil)
			ws[i].next(t) // registered
		}
		var last uint64
		for i := range 10 {
			last = mustAppend(t, s, "1001", 1+i%2)[0].Pos
		}
		for _, w := range ws {
			w.waitFor(t, last)
		}
	})
	t.Run("ReturnsWhenContextEnds", func(t *testing.T) {
		s := open(t, newStore, Options{})
		w := startWatch(t, s, nil)
		w.next(t)
		if err := w.stop(t); !errors.Is(err, context.Canceled) {
			t.Fatalf("Watch returned %v after cancel, want context.Canceled", err)
		}
		// The store keeps working for others after a watcher leaves.
		mustAppend(t, s, "1001", 1)
	})
	t.Run("ReturnsWhenStoreCloses", func(t *testing.T) {
		s := open(t, newStore, Options{})
		w := startWatch(t, s, nil)
		w.next(t)
		noErr(t, "Close", s.Close())
		select {
		case err := <-w.done:
			w.done <- err // let the cleanup's stop see it
			if !errors.Is(err, store.ErrClosed) {
				t.Fatalf("Watch returned %v on Close, want ErrClosed", err)
			}
		case <-ctx(t).Done():
			t.Fatal("Watch still running after Close")
		}
	})
	t.Run("NilNotify", func(t *testing.T) {
		s := open(t, newStore, Options{})
		wantErr(t, "Watch(nil)", s.Watch(ctx(t), nil), store.ErrInvalidArgument)
	})
}
