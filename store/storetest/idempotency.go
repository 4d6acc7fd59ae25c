package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func testIdempotency(t *testing.T, newStore NewStoreFunc) {
	const ttl = time.Minute
	t.Run("Lifecycle", func(t *testing.T) {
		clock := NewClock()
		s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
		rec, created, err := s.ReserveRequest(c, "req-1", "fp-a", ttl)
		noErr(t, "ReserveRequest", err)
		if !created || rec.Key != "req-1" || rec.Fingerprint != "fp-a" || rec.State != store.IdemPending ||
			!rec.CreatedAt.Equal(clock.Now()) || rec.Result != nil {
			t.Fatalf("first reserve = %+v, %v", rec, created)
		}

		// A retry, even with another payload, gets the pending original (the caller compares).
		clock.Advance(time.Second)
		rec2, created, err := s.ReserveRequest(c, "req-1", "fp-b", ttl)
		noErr(t, "ReserveRequest(again)", err)
		if created || rec2.Fingerprint != "fp-a" || rec2.State != store.IdemPending || !rec2.CreatedAt.Equal(rec.CreatedAt) {
			t.Fatalf("second reserve = %+v, %v; want the pending original", rec2, created)
		}

		result := []byte(`{"callId":"1741-7"}`)
		noErr(t, "CompleteRequest", s.CompleteRequest(c, "req-1", result))
		result[0] = 'X' // the stored outcome must not follow the caller's buffer
		got, err := s.GetRequest(c, "req-1")
		noErr(t, "GetRequest", err)
		if got.State != store.IdemDone || string(got.Result) != `{"callId":"1741-7"}` || got.Fingerprint != "fp-a" {
			t.Fatalf("after complete = %+v", got)
		}
		got.Result[0] = 'Y'
		rec3, created, err := s.ReserveRequest(c, "req-1", "fp-a", ttl)
		noErr(t, "ReserveRequest(done)", err)
		if created || rec3.State != store.IdemDone || string(rec3.Result) != `{"callId":"1741-7"}` {
			t.Fatalf("reserve of a done key = %+v, %v", rec3, created)
		}
		wantErr(t, "CompleteRequest(done)", s.CompleteRequest(c, "req-1", nil), store.ErrConflict)

		// The TTL counts from creation: just before it the record is there, at it it is gone.
		clock.Advance(ttl - time.Second - time.Nanosecond)
		_, err = s.GetRequest(c, "req-1")
		noErr(t, "GetRequest before expiry", err)
		clock.Advance(time.Nanosecond)
		_, err = s.GetRequest(c, "req-1")
		wantErr(t, "GetRequest after expiry", err, store.ErrNotFound)
		wantErr(t, "CompleteRequest after expiry", s.CompleteRequest(c, "req-1", nil), store.ErrNotFound)
		rec4, created, err := s.ReserveRequest(c, "req-1", "fp-c", ttl)
		noErr(t, "ReserveRequest after expiry", err)
		if !created || rec4.Fingerprint != "fp-c" || rec4.State != store.IdemPending || !rec4.CreatedAt.Equal(clock.Now()) {
			t.Fatalf("reserve after expiry = %+v, %v; want a new pending record", rec4, created)
		}
	})
	t.Run("PendingExpires", func(t *testing.T) {
		clock := NewClock()
		s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
		_, _, err := s.ReserveRequest(c, "req-p", "fp", ttl)
		noErr(t, "ReserveRequest", err)
		clock.Advance(ttl)
		_, err = s.GetRequest(c, "req-p")
		wantErr(t, "GetRequest(expired pending)", err, store.ErrNotFound)
		_, created, err := s.ReserveRequest(c, "req-p", "fp", ttl)
		noErr(t, "ReserveRequest", err)
		if !created {
			t.Fatal("expired pending key not reservable")
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		_, err := s.GetRequest(c, "nope")
		wantErr(t, "GetRequest(unknown)", err, store.ErrNotFound)
		wantErr(t, "CompleteRequest(unknown)", s.CompleteRequest(c, "nope", []byte("x")), store.ErrNotFound)
	})
	t.Run("ManyKeysMixedTTLs", func(t *testing.T) {
		clock := NewClock()
		s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
		const n = 200
		key := func(i int) string { return fmt.Sprintf("req-%03d", i) }
		ttlOf := func(i int) time.Duration { return time.Duration(1+i%4) * time.Minute }
		for i := range n {
			_, created, err := s.ReserveRequest(c, key(i), "fp", ttlOf(i))
			noErr(t, "ReserveRequest", err)
			if !created {
				t.Fatalf("%s not created", key(i))
			}
		}
		for step := 1; step <= 4; step++ {
			clock.Advance(time.Minute)
			for i := range n {
				_, err := s.GetRequest(c, key(i))
				if alive := ttlOf(i) > time.Duration(step)*time.Minute; alive != (err == nil) {
					t.Fatalf("after %d min %s (ttl %v): err %v", step, key(i), ttlOf(i), err)
				}
			}
		}
		for i := range n {
			_, created, err := s.ReserveRequest(c, key(i), "fp2", ttl)
			noErr(t, "ReserveRequest", err)
			if !created {
				t.Fatalf("%s not reservable after expiry", key(i))
			}
		}
	})
	t.Run("InvalidArguments", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		_, _, err := s.ReserveRequest(c, "", "fp", ttl)
		wantErr(t, "ReserveRequest(empty key)", err, store.ErrInvalidArgument)
		for _, bad := range []time.Duration{0, -time.Second} {
			_, _, err = s.ReserveRequest(c, "k", "fp", bad)
			wantErr(t, "ReserveRequest(ttl "+bad.String()+")", err, store.ErrInvalidArgument)
		}
	})
}
