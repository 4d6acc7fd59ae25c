package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// gapModel knows, per agent, every event appended and how many of the oldest were dropped, and
// derives the gaps a reader at any cursor must be told about.
type gapModel struct {
	logs    map[string][]store.Event
	dropped map[string]int
	// allExact demands an exact FromSeq at every cursor (see testGapSequences).
	allExact bool
}

type wantGap struct {
	gap store.Gap
	// exact: FromSeq must be exact. Otherwise the backend may answer 0 ("can no longer tell").
	// The suite insists on exactness when the cursor predates the agent's first event.
	exact bool
}

func (m gapModel) want(agents []string, after uint64) []wantGap {
	if len(agents) == 0 {
		for id := range m.logs {
			agents = append(agents, id)
		}
	}
	slices.Sort(agents)
	agents = slices.Compact(agents)
	var out []wantGap
	for _, id := range agents {
		log, n := m.logs[id], m.dropped[id]
		if n == 0 || log[n-1].Pos <= after {
			continue
		}
		i := slices.IndexFunc(log[:n], func(e store.Event) bool { return e.Pos > after })
		out = append(out, wantGap{
			gap:   store.Gap{AgentID: id, FromSeq: log[i].Seq, ToSeq: log[n-1].Seq},
			exact: m.allExact || after < log[0].Pos,
		})
	}
	return out
}

func checkGaps(t *testing.T, what string, got []store.Gap, want []wantGap) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i].gap
		ok = g.AgentID == w.AgentID && g.ToSeq == w.ToSeq &&
			(g.FromSeq == w.FromSeq || (!want[i].exact && g.FromSeq == 0))
	}
	if !ok {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

// checkAllCursors asks for gaps at every cursor from 0 past the head, for all agents and for
// every single agent and a pair.
func checkAllCursors(t *testing.T, s store.Store, m gapModel) {
	t.Helper()
	if d := gapsDisagree(t, s, m); d != "" {
		t.Fatal(d)
	}
}

// gapsDisagree asks for gaps at every cursor from 0 past the head, for all agents, every single
// agent and a pair, and returns the first answer the model disagrees with ("" if none).
func gapsDisagree(t *testing.T, s store.Store, m gapModel) string {
	t.Helper()
	c := ctx(t)
	head, _, err := s.Head(c)
	noErr(t, "Head", err)
	sets := [][]string{nil, {"1001", "1002"}, {"1002", "1001", "1002"}, {"4040"}}
	for id := range m.logs {
		sets = append(sets, []string{id})
	}
	for _, set := range sets {
		for cur := uint64(0); cur <= head+1; cur++ {
			got, err := s.Gaps(c, set, cur)
			noErr(t, "Gaps", err)
			want := m.want(slices.Clone(set), cur)
			ok := len(got) == len(want)
			for i := 0; ok && i < len(got); i++ {
				g, w := got[i], want[i].gap
				ok = g.AgentID == w.AgentID && g.ToSeq == w.ToSeq && (g.FromSeq == w.FromSeq || (!want[i].exact && g.FromSeq == 0))
			}
			if !ok {
				return fmt.Sprintf("Gaps(%v, %d): got %+v, want %+v", set, cur, got, want)
			}
		}
	}
	return ""
}

func testGaps(t *testing.T, newStore NewStoreFunc) {
	t.Run("NoneWithoutDrops", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		mustAppend(t, s, "1001", 3)
		mustAppend(t, s, "1002", 3)
		for _, cur := range []uint64{0, 3, 6, 9} {
			got, err := s.Gaps(c, nil, cur)
			noErr(t, "Gaps", err)
			if len(got) != 0 {
				t.Fatalf("Gaps(%d) without retention drops = %+v", cur, got)
			}
		}
	})
	t.Run("ByCount", func(t *testing.T) {
		s := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 3, MaxAge: 24 * time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}}
		// Agents append at different rates, so their drops interleave in Pos order.
		for round := range 6 {
			for _, a := range []struct {
				id string
				n  int
			}{{"1001", 2}, {"1002", round % 2}, {"1003", 1}} {
				if a.n > 0 {
					m.logs[a.id] = append(m.logs[a.id], mustAppend(t, s, a.id, a.n)...)
				}
			}
		}
		for id, log := range m.logs {
			m.dropped[id] = max(0, len(log)-3)
		}
		checkAllCursors(t, s, m)
	})
	t.Run("ByAge", func(t *testing.T) {
		clock := NewClock()
		s := open(t, newStore, Options{Now: clock.Now, Retention: store.Retention{MaxEvents: 100, MaxAge: time.Hour}})
		m := gapModel{logs: map[string][]store.Event{}, dropped: map[string]int{}}
		stamps := map[string][]time.Time{}
		for step := range 8 {
			for _, id := range []string{"1001", "1002", "1003"} {
				if (step+len(id))%3 == 0 && id == "1003" {
					continue
				}
				out := mustAppend(t, s, id, 1+step%2)
				m.logs[id] = append(m.logs[id], out...)
				for range out {
					stamps[id] = append(stamps[id], clock.Now())
				}
			}
			clock.Advance(10 * time.Minute)
		}
		for _, extra := range []time.Duration{0, 5 * time.Minute, 20 * time.Minute, 30 * time.Minute} {
			clock.Advance(extra)
			cutoff := clock.Now().Add(-time.Hour)
			for id, st := range stamps {
				m.dropped[id] = len(slices.DeleteFunc(slices.Clone(st), func(x time.Time) bool { return !x.Before(cutoff) }))
			}
			checkAllCursors(t, s, m)
		}
	})
	t.Run("AfterDropsSequencesContinue", func(t *testing.T) {
		s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 2, MaxAge: time.Hour}}), ctx(t)
		first := mustAppend(t, s, "1001", 5)
		got, err := s.Gaps(c, []string{"1001"}, 0)
		noErr(t, "Gaps", err)
		checkGaps(t, "Gaps(1001, 0)", got, []wantGap{{store.Gap{AgentID: "1001", FromSeq: 1, ToSeq: 3}, true}})
		got, err = s.Gaps(c, []string{"1001"}, first[4].Pos)
		noErr(t, "Gaps", err)
		checkGaps(t, "Gaps(1001, head)", got, nil)
	})
}

func testDeleteEvents(t *testing.T, newStore NewStoreFunc) {
	s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 2, MaxAge: time.Hour}}), ctx(t)
	mustAppend(t, s, "1001", 5) // 3 dropped by retention: the delete must clear those gaps too
	b := mustAppend(t, s, "1002", 2)
	head, _, err := s.Head(c)
	noErr(t, "Head", err)

	noErr(t, "DeleteEvents", s.DeleteEvents(c, "1001"))
	noErr(t, "DeleteEvents(unknown)", s.DeleteEvents(c, "4040"))
	wantErr(t, "DeleteEvents(empty)", s.DeleteEvents(c, ""), store.ErrInvalidArgument)

	got, err := s.Read(c, nil, 0, 100)
	noErr(t, "Read", err)
	wantEvents(t, "Read(all) after delete", got, b)
	got, err = s.Read(c, []string{"1001"}, 0, 100)
	noErr(t, "Read", err)
	wantEvents(t, "Read(1001) after delete", got, nil)
	gaps, err := s.Gaps(c, nil, 0)
	noErr(t, "Gaps", err)
	checkGaps(t, "Gaps after delete", gaps, nil)
	head2, _, err := s.Head(c)
	noErr(t, "Head", err)
	if head2 != head {
		t.Fatalf("Head moved from %d to %d on delete", head, head2)
	}

	again := mustAppend(t, s, "1001", 1)
	if again[0].Seq != 1 || again[0].Pos <= head {
		t.Fatalf("first append after delete is Seq %d Pos %d; want Seq 1, Pos > %d", again[0].Seq, again[0].Pos, head)
	}
	got, err = s.Read(c, nil, 0, 100)
	noErr(t, "Read", err)
	wantEvents(t, "Read(all) after delete and append", got, append(b, again...))
}
