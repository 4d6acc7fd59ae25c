package memory

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func appendN(t *testing.T, s *Store, agent string, n int) []store.Event {
	t.Helper()
	out, err := s.Append(context.Background(), agent, make([]store.Event, n)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The conformance suite asks for an exact FromSeq while a reader lost at most
// store.ExactGapDrops of an agent's events; beyond the remembered tombstones this backend
// answers 0, whatever the retention.
func TestGapFromSeqExactWithinTombstones(t *testing.T) {
	ctx := context.Background()
	s := New(Options{Retention: store.Retention{MaxEvents: 2}})
	defer s.Close()
	const n = store.ExactGapDrops + 10
	var a []store.Event
	for range n {
		a = append(a, appendN(t, s, "1001", 1)...)
		appendN(t, s, "1002", 1)
	}
	// 1001 keeps Seq n-1..n; 1..n-2 are dropped, and positions are remembered for the newest
	// ExactGapDrops+1 of them.
	last := uint64(n - 2)
	tests := []struct {
		after uint64
		want  []store.Gap
	}{
		{0, []store.Gap{{AgentID: "1001", FromSeq: 1, ToSeq: last}}},
		{a[2].Pos, []store.Gap{{AgentID: "1001", FromSeq: 0, ToSeq: last}}},                         // lost more than ExactGapDrops
		{a[n-3-store.ExactGapDrops-1].Pos, []store.Gap{{AgentID: "1001", FromSeq: 0, ToSeq: last}}}, // one too many
		{a[n-3-store.ExactGapDrops].Pos, []store.Gap{{AgentID: "1001", FromSeq: last - store.ExactGapDrops + 1, ToSeq: last}}},
		{a[n-4].Pos, []store.Gap{{AgentID: "1001", FromSeq: last, ToSeq: last}}},
		{a[n-4].Pos + 1, []store.Gap{{AgentID: "1001", FromSeq: last, ToSeq: last}}}, // a 1002 position in between
		{a[n-3].Pos, nil},
	}
	for _, tt := range tests {
		got, err := s.Gaps(ctx, []string{"1001"}, tt.after)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
			t.Errorf("Gaps(after %d) = %+v, want %+v", tt.after, got, tt.want)
		}
	}
}

func TestEpochsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		s := New(Options{})
		_, epoch, err := s.Head(context.Background())
		if err != nil || epoch == "" || seen[epoch] {
			t.Fatalf("epoch %q (err %v) repeats or is empty", epoch, err)
		}
		seen[epoch] = true
		s.Close()
	}
}

// Agents that stop receiving events still have their expired events freed, by the sweep that
// appends to other agents drive, across rounds of activity, idleness and deletes.
func TestSweepFreesIdleAgents(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := New(Options{Now: clock, Retention: store.Retention{MaxAge: time.Minute}})
	defer s.Close()
	for round := range 5 {
		for i := range 30 {
			appendN(t, s, fmt.Sprint("agent-", (i*7+round)%40), 1+i%3)
			advance(time.Second)
			if i%11 == round {
				if err := s.DeleteEvents(context.Background(), fmt.Sprint("agent-", i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Step the cutoff through the round's activity, checking at each step.
		for step := range 12 {
			advance(10 * time.Second)
			s.log.mu.RLock()
			agents := len(s.log.order)
			s.log.mu.RUnlock()
			for range 2*agents + 2 { // two sweep cycles at two agents per append
				appendN(t, s, "busy", 1)
			}
			cutoff := clock().Add(-time.Minute).UnixNano()
			s.log.mu.RLock()
			for _, a := range s.log.order {
				if a.evs.len() > 0 && a.evs.at(0).at < cutoff {
					t.Errorf("round %d step %d: idle agent %s still holds %d expired events", round, step, a.id, a.evs.len())
				}
				if a.evs.len() == 0 && a.evs.buf != nil {
					t.Errorf("round %d step %d: idle agent %s keeps a buffer of %d", round, step, a.id, len(a.evs.buf))
				}
			}
			s.log.mu.RUnlock()
		}
	}
}

// A clock that steps back must neither resurrect expired events nor stamp new events older
// than earlier ones.
func TestClockSteppingBack(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	start := now
	s := New(Options{Now: clock, Retention: store.Retention{MaxAge: time.Hour}})
	defer s.Close()
	old := appendN(t, s, "1001", 1)
	set(start.Add(2 * time.Hour))
	if evs, _ := s.Read(ctx, nil, 0, 10); len(evs) != 0 {
		t.Fatalf("expired event still readable: %v", evs)
	}
	set(start) // back in time
	if evs, _ := s.Read(ctx, nil, 0, 10); len(evs) != 0 {
		t.Fatalf("expired event came back when the clock stepped back: %v", evs)
	}
	gaps, _ := s.Gaps(ctx, nil, 0)
	if len(gaps) != 1 || gaps[0] != (store.Gap{AgentID: "1001", FromSeq: 1, ToSeq: old[0].Seq}) {
		t.Fatalf("Gaps = %+v", gaps)
	}
	// Appended while the clock is behind: stamped at the latest time the store has seen, so it
	// is readable now and lives MaxAge from that time.
	fresh := appendN(t, s, "1002", 1)
	for _, at := range []time.Duration{0, 2 * time.Hour, 3 * time.Hour} {
		set(start.Add(at))
		evs, _ := s.Read(ctx, nil, 0, 10)
		if len(evs) != 1 || evs[0].Pos != fresh[0].Pos {
			t.Fatalf("clock at start+%v: event appended under a stepped-back clock: Read = %v", at, evs)
		}
	}
	set(start.Add(3*time.Hour + time.Nanosecond))
	if evs, _ := s.Read(ctx, nil, 0, 10); len(evs) != 0 {
		t.Fatalf("event outlived MaxAge: %v", evs)
	}
}
