package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testRealTimeRetention holds retention by age on the backend's real clock (no Options.Now) to
// the contract: an event younger than MaxAge is readable, every event is dropped eventually
// (no append needed), an agent's drops are always its oldest events, Gaps agree with what Read
// shows as dropped, and Seq continues after an agent's whole log expired. Appends come in
// waves so agents' logs expire in steps. Nothing asserts how soon an event goes after MaxAge;
// waiting is bounded so a backend that never drops fails instead of hanging.
func testRealTimeRetention(t *testing.T, newStore NewStoreFunc) {
	const (
		maxAge  = time.Second
		spacing = 400 * time.Millisecond
		bound   = 20 * time.Second
	)
	s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 100, MaxAge: maxAge}}), ctx(t)
	m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}}
	appended := map[uint64]time.Time{} // Pos -> just before its Append began
	waves := [][]struct {
		id string
		n  int
	}{{{"1001", 2}, {"1002", 1}, {"1003", 1}}, {{"1001", 1}, {"1003", 1}}, {{"1001", 1}}}
	for i, wave := range waves {
		if i > 0 {
			time.Sleep(spacing)
		}
		for _, a := range wave {
			before := time.Now()
			out := mustAppend(t, s, a.id, a.n)
			m.logs[a.id] = append(m.logs[a.id], out...)
			for _, e := range out {
				appended[e.Pos] = before
			}
		}
	}
	readAll := func() ([]store.Event, time.Time) {
		got, err := s.Read(c, nil, 0, 1000)
		noErr(t, "Read", err)
		return got, time.Now()
	}
	deadline := time.Now().Add(bound)
	for {
		r1, _ := readAll()
		// What r1 shows dropped, per agent, must be a prefix of the agent's log.
		kept := map[string][]store.Event{}
		for _, e := range r1 {
			kept[e.AgentID] = append(kept[e.AgentID], e)
		}
		for id, log := range m.logs {
			m.dropped[id] = len(log) - len(kept[id])
			wantEvents(t, "Read("+id+") under age retention", kept[id], log[m.dropped[id]:])
		}
		r2, end := readAll()
		for _, e := range byPos(values(m.logs)...) {
			if end.Sub(appended[e.Pos]) < maxAge && !contains(r2, e.Pos) {
				t.Fatalf("event %s/%d dropped younger than MaxAge", e.AgentID, e.Seq)
			}
		}
		if len(r1) == len(r2) {
			// Gaps must agree with the reads unless something expired meanwhile.
			mismatch := gapsDisagree(t, s, m)
			r3, _ := readAll()
			if mismatch != "" && len(r3) == len(r2) {
				t.Fatal(mismatch)
			}
			if mismatch == "" && len(r3) == 0 && len(r2) == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("events older than MaxAge still readable %v after appending: %v", bound, ids(r2))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Every log expired; sequences continue and only new events are readable.
	again := mustAppend(t, s, "1001", 1)
	if again[0].Seq != uint64(len(m.logs["1001"])+1) {
		t.Fatalf("Seq after the whole log expired = %d, want %d", again[0].Seq, len(m.logs["1001"])+1)
	}
	got, err := s.Read(c, nil, 0, 100)
	noErr(t, "Read", err)
	wantEvents(t, "Read after expiry and a new append", got, again)
	gaps, err := s.Gaps(c, []string{"1001"}, 0)
	noErr(t, "Gaps", err)
	checkGaps(t, "Gaps(1001, 0) after expiry and a new append", gaps,
		[]wantGap{{store.Gap{AgentID: "1001", FromSeq: 1, ToSeq: uint64(len(m.logs["1001"]))}, true}})
}

func values(m map[string][]store.Event) [][]store.Event {
	out := make([][]store.Event, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func contains(evs []store.Event, pos uint64) bool {
	for _, e := range evs {
		if e.Pos == pos {
			return true
		}
	}
	return false
}
