package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// every calls each Store method once, in a way that would succeed on an open store.
func every(s store.Store) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"PutSession": func(c context.Context) error {
			_, err := s.PutSession(c, sampleSession("1001"))
			return err
		},
		"GetSession":    func(c context.Context) error { _, err := s.GetSession(c, "1001"); return err },
		"DeleteSession": func(c context.Context) error { return s.DeleteSession(c, "1001") },
		"ListSessions":  func(c context.Context) error { _, err := s.ListSessions(c, "", 10); return err },
		"AcquireLease": func(c context.Context) error {
			_, err := s.AcquireLease(c, "k", "o", time.Minute)
			return err
		},
		"ReleaseLease": func(c context.Context) error { return s.ReleaseLease(c, "k", "o") },
		"Append": func(c context.Context) error {
			_, err := s.Append(c, "1001", sampleEvent(0))
			return err
		},
		"AppendFenced": func(c context.Context) error {
			_, err := s.AppendFenced(c, store.Fence{Key: "k", Owner: "o"}, "1001", sampleEvent(0))
			return err
		},
		"Read":         func(c context.Context) error { _, err := s.Read(c, nil, 0, 10); return err },
		"Gaps":         func(c context.Context) error { _, err := s.Gaps(c, nil, 0); return err },
		"Head":         func(c context.Context) error { _, _, err := s.Head(c); return err },
		"DeleteEvents": func(c context.Context) error { return s.DeleteEvents(c, "1001") },
		"Watch": func(c context.Context) error {
			// On an open store this would block; it is only called where it must fail at once.
			return s.Watch(c, func(uint64) {})
		},
		"ReserveRequest": func(c context.Context) error {
			_, _, err := s.ReserveRequest(c, "req", "fp", time.Minute)
			return err
		},
		"CompleteRequest": func(c context.Context) error { return s.CompleteRequest(c, "req", nil) },
		"GetRequest":      func(c context.Context) error { _, err := s.GetRequest(c, "req"); return err },
	}
}

func testLifecycle(t *testing.T, newStore NewStoreFunc) {
	t.Run("ClosedEverywhere", func(t *testing.T) {
		s := open(t, newStore, Options{})
		mustAppend(t, s, "1001", 1)
		noErr(t, "Close", s.Close())
		for name, call := range every(s) {
			wantErr(t, name+" after Close", call(ctx(t)), store.ErrClosed)
		}
		wantErr(t, "second Close", s.Close(), store.ErrClosed)
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := open(t, newStore, Options{})
		c, cancel := context.WithCancel(context.Background())
		cancel()
		for name, call := range every(s) {
			if err := call(c); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a canceled context: %v, want context.Canceled", name, err)
			}
		}
		// Nothing was written by the refused calls.
		head, _, err := s.Head(ctx(t))
		noErr(t, "Head", err)
		if head != 0 {
			t.Fatalf("a refused Append moved the head to %d", head)
		}
	})
}
