package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testFencing: a fenced append writes only while its owner holds the lease it names.
func testFencing(t *testing.T, newStore NewStoreFunc) {
	const ttl = 10 * time.Second
	clock := NewClock()
	s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
	fa := store.Fence{Key: "agent/1001", Owner: "replica-a"}
	fb := store.Fence{Key: "agent/1001", Owner: "replica-b"}
	refused := func(what string, f store.Fence) {
		t.Helper()
		out, err := s.AppendFenced(c, f, "1001", sampleEvent(0))
		wantErr(t, what, err, store.ErrLeaseLost)
		if len(out) != 0 {
			t.Fatalf("%s wrote %v", what, ids(out))
		}
	}
	refused("AppendFenced without a lease", fa)
	ok, err := s.AcquireLease(c, fa.Key, fa.Owner, ttl)
	noErr(t, "AcquireLease", err)
	if !ok {
		t.Fatal("lease not acquired")
	}
	refused("AppendFenced by a non-holder", fb)
	out, err := s.AppendFenced(c, fa, "1001", sampleEvent(0), sampleEvent(1))
	noErr(t, "AppendFenced by the holder", err)
	if len(out) != 2 || out[0].Seq != 1 || out[1].Seq != 2 || out[0].AgentID != "1001" {
		t.Fatalf("AppendFenced = %v", ids(out))
	}
	clock.Advance(ttl) // expired: the holder may not write, though nobody took over yet
	refused("AppendFenced after the lease expired", fa)
	ok, err = s.AcquireLease(c, fb.Key, fb.Owner, ttl)
	noErr(t, "AcquireLease(b)", err)
	if !ok {
		t.Fatal("expired lease not taken over")
	}
	refused("AppendFenced by the former holder", fa)
	more, err := s.AppendFenced(c, fb, "1001", sampleEvent(2))
	noErr(t, "AppendFenced by the new holder", err)
	if len(more) != 1 || more[0].Seq != 3 {
		t.Fatalf("new holder appended %v, want Seq 3", ids(more))
	}
	noErr(t, "ReleaseLease", s.ReleaseLease(c, fb.Key, fb.Owner))
	refused("AppendFenced after release", fb)
	got, err := s.Read(c, nil, 0, 100)
	noErr(t, "Read", err)
	wantEvents(t, "Read after fenced appends", got, append(out, more...))
	for _, f := range []store.Fence{{Key: "", Owner: "o"}, {Key: "k", Owner: ""}} {
		_, err := s.AppendFenced(c, f, "1001", sampleEvent(0))
		wantErr(t, "AppendFenced(empty fence field)", err, store.ErrInvalidArgument)
	}
	_, err = s.AppendFenced(c, fa, "", sampleEvent(0))
	wantErr(t, "AppendFenced(empty agent id)", err, store.ErrInvalidArgument)
}
