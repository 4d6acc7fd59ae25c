package memory

import (
	"fmt"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/storetest"
)

// TestMemoryAgainstModel runs the suite's model test with more seeds, over the store's own
// variants (tiny recent index, small merge chunks), and checking its internals after every step.
func TestMemoryAgainstModel(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	for _, v := range []struct{ recent, chunk int }{{0, mergeChunk}, {1, 2}, {4, 5}, {16, mergeChunk}} {
		t.Run(fmt.Sprintf("RecentIndex=%d,Chunk=%d", v.recent, v.chunk), func(t *testing.T) {
			storetest.RunModel(t, func(t *testing.T, opts storetest.Options) store.Store {
				s := New(Options{Retention: opts.Retention, Now: opts.Now, RecentIndex: v.recent})
				s.log.chunk = v.chunk
				return s
			}, storetest.ModelOptions{
				Seeds: seeds, Steps: 400,
				AfterStep: func(t *testing.T, s store.Store, step int) { checkInvariants(t, s.(*Store), step) },
			})
		})
	}
}

// checkInvariants looks inside: the sweep floor must bound every retained stamp from below
// (otherwise expired events could stay in memory for good), and Seq bookkeeping must add up.
func checkInvariants(t *testing.T, s *Store, step int) {
	t.Helper()
	l := &s.log
	l.mu.RLock()
	defer l.mu.RUnlock()
	for i, a := range l.order {
		if a.idx != i || l.agents[a.id] != a {
			t.Fatalf("step %d: agent %s indexed %d at %d", step, a.id, a.idx, i)
		}
		if n := a.evs.len(); n > 0 {
			if at := a.evs.at(0).at; at < l.floor {
				t.Fatalf("step %d: agent %s retains a stamp %d below the sweep floor %d", step, a.id, at, l.floor)
			}
			if first := a.evs.at(0).ev.Seq; first != a.dropped+1 || a.evs.at(n-1).ev.Seq != a.nextSeq-1 {
				t.Fatalf("step %d: agent %s holds Seq %d.. with %d dropped, next %d", step, a.id, first, a.dropped, a.nextSeq)
			}
		}
	}
}
