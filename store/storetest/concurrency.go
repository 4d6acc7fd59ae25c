package storetest

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testConcurrency appends from many goroutines to many agents (several goroutines per agent)
// while readers tail the log. Run it under -race. It checks what readers rely on: per-agent Seq
// without gaps, Pos unique and increasing, and that a reader advancing its cursor to the last
// Pos it read never skips an event even while appends race with it.
func testConcurrency(t *testing.T, newStore NewStoreFunc) {
	const (
		writers   = 8
		agents    = 24
		perWriter = 150
	)
	s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 1 << 20, MaxAge: 24 * time.Hour}}), ctx(t)
	agentID := func(i int) string { return fmt.Sprint(1001 + i) }
	subset := []string{agentID(0), agentID(5), agentID(23)}

	var writing atomic.Bool
	writing.Store(true)
	var appended [agents]atomic.Int64

	// tail reads agentIDs from cursor 0 until writers are done and it has caught up, checking
	// order as it goes, and returns how many events of each agent it saw.
	tail := func(agentIDs []string, limit int) map[string]int {
		seen := map[string]int{}
		var cursor uint64
		for {
			done := !writing.Load() // read before the page: a page read after this saw everything
			page, err := s.Read(c, agentIDs, cursor, limit)
			if err != nil {
				t.Errorf("Read: %v", err)
				return seen
			}
			for _, e := range page {
				if e.Pos <= cursor {
					t.Errorf("Read(%v) after %d returned Pos %d", agentIDs, cursor, e.Pos)
					return seen
				}
				if want := uint64(seen[e.AgentID] + 1); e.Seq != want {
					t.Errorf("reader %v: %s Seq %d after %d: an event was skipped or repeated", agentIDs, e.AgentID, e.Seq, want-1)
					return seen
				}
				seen[e.AgentID]++
				cursor = e.Pos
			}
			if len(page) == 0 {
				if done {
					return seen
				}
				runtime.Gosched()
			}
		}
	}

	var readers sync.WaitGroup
	results := make([]map[string]int, 4)
	sets := [][]string{nil, nil, subset, {agentID(7)}}
	limits := []int{1, 64, 5, 3}
	for i := range results {
		readers.Go(func() { results[i] = tail(sets[i], limits[i]) })
	}

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				a := (w*7 + i*5) % agents
				n := 1 + i%3
				evs := make([]store.Event, n)
				for k := range evs {
					evs[k] = sampleEvent(k)
				}
				out, err := s.Append(c, agentID(a), evs...)
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				for k := 1; k < len(out); k++ {
					if out[k].Seq != out[k-1].Seq+1 || out[k].Pos <= out[k-1].Pos {
						t.Errorf("one batch got %v", ids(out))
					}
				}
				appended[a].Add(int64(n))
			}
		})
	}
	wg.Wait()
	writing.Store(false)
	readers.Wait()

	want := map[string]int{}
	total := 0
	for a := range agents {
		want[agentID(a)] = int(appended[a].Load())
		total += want[agentID(a)]
	}
	restrict := func(set []string) map[string]int {
		if set == nil {
			return want
		}
		m := map[string]int{}
		for _, id := range set {
			m[id] = want[id]
		}
		return m
	}
	for i, got := range results {
		if w := restrict(sets[i]); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("reader %v saw %v, want %v", sets[i], got, w)
		}
	}

	// The settled log: every Pos unique and increasing, every agent 1..n.
	all, err := s.Read(c, nil, 0, total+10)
	noErr(t, "Read", err)
	if len(all) != total {
		t.Fatalf("Read returned %d events, want %d", len(all), total)
	}
	next := map[string]uint64{}
	for i, e := range all {
		if i > 0 && e.Pos <= all[i-1].Pos {
			t.Fatalf("Pos %d after %d", e.Pos, all[i-1].Pos)
		}
		next[e.AgentID]++
		if e.Seq != next[e.AgentID] {
			t.Fatalf("%s has Seq %d where %d was due", e.AgentID, e.Seq, next[e.AgentID])
		}
	}
	head, _, err := s.Head(c)
	noErr(t, "Head", err)
	if head != all[len(all)-1].Pos {
		t.Fatalf("Head %d, newest Pos %d", head, all[len(all)-1].Pos)
	}
}
