package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// testGapSequences pins what a stream's Gap message is built from: FromSeq is exact, never 0,
// while a reader lost at most store.ExactGapDrops of an agent's events (every cursor of these
// small stores), whether they were dropped by count or by age. The suite's other gap tests also
// pin that a cursor at or past an agent's last dropped event hears of no gap for it: that is
// where a Gap's resume cursor points.
func testGapSequences(t *testing.T, newStore NewStoreFunc) {
	t.Run("ByCountExact", func(t *testing.T) {
		// Three kept per agent, readers at every position: among them the one two events into
		// an agent's log that was told FromSeq 0.
		s := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 3, MaxAge: 24 * time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}, allExact: true}
		ids := []string{"1001", "1002", "1003", "1001"}
		for step := range 20 {
			id := ids[step%len(ids)]
			m.logs[id] = append(m.logs[id], mustAppend(t, s, id, 1+step%3)...)
		}
		for id, log := range m.logs {
			m.dropped[id] = max(0, len(log)-3)
		}
		checkAllCursors(t, s, m)
	})
	t.Run("ByAgeExact", func(t *testing.T) {
		clock := NewClock()
		s := open(t, newStore, Options{Now: clock.Now, Retention: store.Retention{MaxEvents: 100, MaxAge: time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}, allExact: true}
		type stamped struct {
			id string
			at time.Time
		}
		var appended []stamped
		for step := range 10 {
			id := []string{"1001", "1002"}[step%2]
			out := mustAppend(t, s, id, 1+step%3)
			m.logs[id] = append(m.logs[id], out...)
			for range out {
				appended = append(appended, stamped{id, clock.Now()})
			}
			clock.Advance(10 * time.Minute)
		}
		clock.Advance(time.Minute) // the first five steps are now older than an hour
		for _, a := range appended {
			if a.at.Before(clock.Now().Add(-time.Hour)) {
				m.dropped[a.id]++
			}
		}
		checkAllCursors(t, s, m)
	})
}
