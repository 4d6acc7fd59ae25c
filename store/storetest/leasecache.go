package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testLeaseCache: a backend with the LeaseCache capability shows, within a moment, who holds
// each lease and until when, and forgets a released lease. Backends without it skip.
func testLeaseCache(t *testing.T, newStore NewStoreFunc) {
	const ttl = 10 * time.Second
	clock := NewClock()
	s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
	lc, ok := s.(store.LeaseCache)
	if !ok {
		t.Skip("the backend has no LeaseCache")
	}
	// eventually waits for the view to show what want accepts: it may lag the store.
	eventually := func(what string, want func(owner string, expires time.Time, ok bool) bool) {
		t.Helper()
		for {
			owner, expires, ok := lc.CachedLease("agent/1001")
			if want(owner, expires, ok) {
				return
			}
			select {
			case <-c.Done():
				t.Fatalf("%s: the cached lease is still %q until %v (present %v)", what, owner, expires, ok)
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	if _, _, ok := lc.CachedLease("agent/1001"); ok {
		t.Fatal("a lease nobody took is cached")
	}
	taken := clock.Now()
	ok, err := s.AcquireLease(c, "agent/1001", "replica-a", ttl)
	noErr(t, "AcquireLease", err)
	if !ok {
		t.Fatal("lease not acquired")
	}
	eventually("after AcquireLease", func(owner string, expires time.Time, ok bool) bool {
		return ok && owner == "replica-a" && expires.Equal(taken.Add(ttl))
	})
	clock.Advance(ttl)
	ok, err = s.AcquireLease(c, "agent/1001", "replica-b", ttl)
	noErr(t, "AcquireLease(b)", err)
	if !ok {
		t.Fatal("expired lease not taken over")
	}
	eventually("after the takeover", func(owner string, expires time.Time, ok bool) bool {
		return ok && owner == "replica-b" && expires.Equal(taken.Add(2*ttl))
	})
	noErr(t, "ReleaseLease", s.ReleaseLease(c, "agent/1001", "replica-b"))
	eventually("after ReleaseLease", func(_ string, _ time.Time, ok bool) bool { return !ok })
}
