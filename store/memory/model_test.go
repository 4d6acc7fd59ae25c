package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// model is the obviously correct event log: every event ever appended to the current
// generation of each agent, with its append time; retention is recomputed on every question.
type model struct {
	maxEvents int
	maxAge    time.Duration
	now       time.Time
	head      uint64
	agents    map[string]*modelAgent
}

type modelAgent struct {
	evs []store.Event
	at  []time.Time
}

// dropped is how many of a's oldest events retention has dropped by now.
func (m *model) dropped(a *modelAgent) int {
	n := max(0, len(a.evs)-m.maxEvents)
	cutoff := m.now.Add(-m.maxAge)
	for n < len(a.evs) && a.at[n].Before(cutoff) {
		n++
	}
	return n
}

func (m *model) append(id string, k int) []store.Event {
	a := m.agents[id]
	if a == nil {
		a = &modelAgent{}
		m.agents[id] = a
	}
	var out []store.Event
	for range k {
		m.head++
		e := store.Event{AgentID: id, Seq: uint64(len(a.evs) + 1), Pos: m.head, Type: fmt.Sprint("T", m.head)}
		a.evs, a.at = append(a.evs, e), append(a.at, m.now)
		out = append(out, e)
	}
	return out
}

func (m *model) set(ids []string) []string {
	if len(ids) == 0 {
		for id := range m.agents {
			ids = append(ids, id)
		}
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (m *model) read(ids []string, after uint64, limit int) []store.Event {
	var out []store.Event
	for _, id := range m.set(ids) {
		if a := m.agents[id]; a != nil {
			for _, e := range a.evs[m.dropped(a):] {
				if e.Pos > after {
					out = append(out, e)
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y store.Event) int { return int(x.Pos) - int(y.Pos) })
	return out[:min(limit, len(out))]
}

// gaps returns the exact gaps and, per gap, whether this backend must name FromSeq exactly:
// when the cursor predates the agent's first event, or when the first missing event is within
// the tombstones it remembers (the tombstone before it tells its position is not past after).
func (m *model) gaps(ids []string, after uint64, tombCap int) ([]store.Gap, []bool) {
	var gaps []store.Gap
	var exact []bool
	for _, id := range m.set(ids) {
		a := m.agents[id]
		if a == nil {
			continue
		}
		n := m.dropped(a)
		if n == 0 || a.evs[n-1].Pos <= after {
			continue
		}
		i := slices.IndexFunc(a.evs[:n], func(e store.Event) bool { return e.Pos > after })
		gaps = append(gaps, store.Gap{AgentID: id, FromSeq: a.evs[i].Seq, ToSeq: uint64(n)})
		exact = append(exact, after < a.evs[0].Pos || i >= n-tombCap+1)
	}
	return gaps, exact
}

// TestMemoryAgainstModel runs random operations against the store and the model and compares
// every answer.
func TestMemoryAgainstModel(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runModel(t, seed) })
	}
}

func runModel(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	maxEvents := 1 + rng.IntN(8)
	recent := []int{0, 1, 4, 16}[rng.IntN(4)]
	maxAge := []time.Duration{time.Minute, time.Hour}[rng.IntN(2)] // a minute: agents often expire entirely
	m := &model{maxEvents: maxEvents, maxAge: maxAge, now: time.Unix(1_700_000_000, 0), agents: map[string]*modelAgent{}}
	clock := func() time.Time { return m.now } // single goroutine: no lock needed
	s := New(Options{Retention: store.Retention{MaxEvents: maxEvents, MaxAge: maxAge}, Now: clock, RecentIndex: recent})
	s.log.chunk = []int{2, 5, mergeChunk}[rng.IntN(3)]
	defer s.Close()
	ctx := context.Background()
	nAgents := 3 + rng.IntN(45) // above 32 the set read may scan the recent index
	agentID := func() string { return fmt.Sprint(1000 + rng.IntN(nAgents)) }
	someAgents := func() []string {
		if rng.IntN(3) == 0 {
			return nil
		}
		ids := make([]string, 1+rng.IntN(nAgents+2))
		for i := range ids {
			ids[i] = agentID()
		}
		return ids
	}
	cursor := func() uint64 { return uint64(rng.Int64N(int64(m.head) + 2)) }
	tombCap := tombstoneCap

	for step := range 400 {
		switch op := rng.IntN(100); {
		case op < 40:
			id, k := agentID(), 1+rng.IntN(4)
			got, err := s.Append(ctx, id, make([]store.Event, k)...)
			want := m.append(id, k)
			if err != nil || len(got) != k {
				t.Fatalf("step %d: Append = %d events, %v", step, len(got), err)
			}
			for i := range got {
				if got[i].AgentID != want[i].AgentID || got[i].Seq != want[i].Seq || got[i].Pos != want[i].Pos {
					t.Fatalf("step %d: appended %s/%d@%d, model %s/%d@%d", step,
						got[i].AgentID, got[i].Seq, got[i].Pos, want[i].AgentID, want[i].Seq, want[i].Pos)
				}
			}
		case op < 50:
			m.now = m.now.Add(time.Duration(rng.Int64N(int64([]time.Duration{20 * time.Second, time.Minute, 40 * time.Minute}[rng.IntN(3)]))))
		case op < 75:
			ids, after, limit := someAgents(), cursor(), 1+rng.IntN(20)
			got, err := s.Read(ctx, ids, after, limit)
			if err != nil {
				t.Fatalf("step %d: Read: %v", step, err)
			}
			want := m.read(ids, after, limit)
			if fmt.Sprint(keys(got)) != fmt.Sprint(keys(want)) {
				t.Fatalf("step %d: Read(%v, %d, %d)\n got %v\nwant %v", step, ids, after, limit, keys(got), keys(want))
			}
		case op < 95:
			ids, after := someAgents(), cursor()
			got, err := s.Gaps(ctx, ids, after)
			if err != nil {
				t.Fatalf("step %d: Gaps: %v", step, err)
			}
			want, exact := m.gaps(ids, after, tombCap)
			ok := len(got) == len(want)
			for i := 0; ok && i < len(got); i++ {
				ok = got[i].AgentID == want[i].AgentID && got[i].ToSeq == want[i].ToSeq &&
					(got[i].FromSeq == want[i].FromSeq || (!exact[i] && got[i].FromSeq == 0))
			}
			if !ok {
				t.Fatalf("step %d: Gaps(%v, %d)\n got %+v\nwant %+v (exact %v)", step, ids, after, got, want, exact)
			}
		case op < 98:
			id := agentID()
			if err := s.DeleteEvents(ctx, id); err != nil {
				t.Fatal(err)
			}
			delete(m.agents, id)
		default:
			head, _, err := s.Head(ctx)
			if err != nil || head != m.head {
				t.Fatalf("step %d: Head = %d, %v; model %d", step, head, err, m.head)
			}
		}
		checkInvariants(t, s, step)
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

func keys(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%s/%d@%d", e.AgentID, e.Seq, e.Pos)
	}
	return out
}
