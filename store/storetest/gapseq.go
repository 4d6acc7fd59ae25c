package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testGapSequences pins what a stream's Gap message is built from: for a reader near the head
// (here every cursor, since the suite's stores are small), FromSeq is exact, never 0, whether
// events were dropped by count or by age, and a reader whose cursor is at or past an agent's
// last dropped event hears of no gap for it (that is where a Gap's resume cursor points).
func testGapSequences(t *testing.T, newStore NewStoreFunc) {
	t.Run("ByCountExact", func(t *testing.T) {
		// Three kept per agent and a reader two events in: the case that reported FromSeq 0.
		s := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 3, MaxAge: 24 * time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}}
		for round := range 8 {
			for _, a := range []struct {
				id string
				n  int
			}{{"1001", 1}, {"1002", round % 3}, {"1003", 2}} {
				if a.n > 0 {
					m.logs[a.id] = append(m.logs[a.id], mustAppend(t, s, a.id, a.n)...)
				}
			}
		}
		for id, log := range m.logs {
			m.dropped[id] = max(0, len(log)-3)
		}
		checkAllCursorsExact(t, s, m)
	})
	t.Run("ByAgeExact", func(t *testing.T) {
		clock := NewClock()
		s := open(t, newStore, Options{Now: clock.Now, Retention: store.Retention{MaxEvents: 100, MaxAge: time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}}
		var stamps []time.Time
		var order []string
		for step := range 10 {
			id := []string{"1001", "1002"}[step%2]
			out := mustAppend(t, s, id, 1+step%3)
			m.logs[id] = append(m.logs[id], out...)
			for range out {
				stamps, order = append(stamps, clock.Now()), append(order, id)
			}
			clock.Advance(10 * time.Minute)
		}
		clock.Advance(time.Minute) // the first five steps are now older than an hour
		cutoff := clock.Now().Add(-time.Hour)
		for i, st := range stamps {
			if st.Before(cutoff) {
				m.dropped[order[i]]++
			}
		}
		checkAllCursorsExact(t, s, m)
	})
}

// checkAllCursorsExact is checkAllCursors with an exact FromSeq required everywhere.
func checkAllCursorsExact(t *testing.T, s store.Store, m gapModel) {
	t.Helper()
	c := ctx(t)
	head, _, err := s.Head(c)
	noErr(t, "Head", err)
	sets := [][]string{nil, {"1001", "1002"}}
	for id := range m.logs {
		sets = append(sets, []string{id})
	}
	for _, set := range sets {
		for cur := uint64(0); cur <= head+1; cur++ {
			got, err := s.Gaps(c, set, cur)
			noErr(t, "Gaps", err)
			want := m.want(slices.Clone(set), cur)
			for i := range want {
				want[i].exact = true
			}
			checkGaps(t, fmt.Sprintf("Gaps(%v, %d)", set, cur), got, want)
		}
	}
}
