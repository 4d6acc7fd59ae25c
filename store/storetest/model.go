package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// ModelOptions tune RunModel.
type ModelOptions struct {
	Seeds, Steps int // random runs and operations per run (default 6 and 300)
	// AfterStep, when set, runs after every operation, e.g. to check a backend's internals.
	AfterStep func(t *testing.T, s store.Store, step int)
}

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
	slices.SortFunc(ids, store.CompareAgentIDs)
	return slices.Compact(ids)
}

// read returns events by Pos as the store numbered them: positions need not be consecutive
// (a shared log may skip some), so the model remaps its own onto the store's.
func (m *model) read(ids []string, after uint64, limit int, pos map[uint64]uint64) []store.Event {
	var out []store.Event
	for _, id := range m.set(ids) {
		if a := m.agents[id]; a != nil {
			for _, e := range a.evs[m.dropped(a):] {
				if pos[e.Pos] > after {
					out = append(out, e)
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y store.Event) int { return int(x.Pos) - int(y.Pos) })
	return out[:min(limit, len(out))]
}

// gaps returns the exact gaps and, per gap, whether the backend must name FromSeq exactly:
// when the cursor predates the agent's first event, or when at most store.ExactGapDrops
// dropped events lie after the cursor.
func (m *model) gaps(ids []string, after uint64, pos map[uint64]uint64) ([]store.Gap, []bool) {
	var gaps []store.Gap
	var exact []bool
	for _, id := range m.set(ids) {
		a := m.agents[id]
		if a == nil {
			continue
		}
		n := m.dropped(a)
		if n == 0 || pos[a.evs[n-1].Pos] <= after {
			continue
		}
		i := slices.IndexFunc(a.evs[:n], func(e store.Event) bool { return pos[e.Pos] > after })
		gaps = append(gaps, store.Gap{AgentID: id, FromSeq: a.evs[i].Seq, ToSeq: uint64(n)})
		exact = append(exact, after < pos[a.evs[0].Pos] || n-i <= store.ExactGapDrops)
	}
	return gaps, exact
}

// testModel is RunModel with its defaults, for every backend.
func testModel(t *testing.T, newStore NewStoreFunc) {
	RunModel(t, newStore, ModelOptions{})
}

// RunModel runs random appends, reads, gap reports, deletions, head checks and clock steps
// against a store and the model and compares every answer.
func RunModel(t *testing.T, newStore NewStoreFunc, o ModelOptions) {
	if o.Seeds == 0 {
		o.Seeds = 6
		if testing.Short() {
			o.Seeds = 2
		}
	}
	if o.Steps == 0 {
		o.Steps = 300
	}
	for seed := range uint64(o.Seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runModel(t, newStore, o, seed) })
	}
}

func runModel(t *testing.T, newStore NewStoreFunc, o ModelOptions, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	maxEvents := 1 + rng.IntN(8)
	maxAge := []time.Duration{time.Minute, time.Hour}[rng.IntN(2)] // a minute: agents often expire entirely
	clock := NewClock()
	m := &model{maxEvents: maxEvents, maxAge: maxAge, now: clock.Now(), agents: map[string]*modelAgent{}}
	s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: maxEvents, MaxAge: maxAge}, Now: clock.Now}), ctx(t)
	nAgents := 3 + rng.IntN(45) // above 32 a set read may take another path in a backend
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
	pos := map[uint64]uint64{} // model Pos -> store Pos
	var storeHead uint64
	cursor := func() uint64 { return uint64(rng.Int64N(int64(storeHead) + 2)) }
	mapped := func(evs []store.Event) []string {
		out := make([]string, len(evs))
		for i, e := range evs {
			out[i] = fmt.Sprintf("%s/%d@%d", e.AgentID, e.Seq, pos[e.Pos])
		}
		return out
	}

	for step := range o.Steps {
		switch op := rng.IntN(100); {
		case op < 40:
			id, k := agentID(), 1+rng.IntN(4)
			got, err := s.Append(c, id, make([]store.Event, k)...)
			want := m.append(id, k)
			if err != nil || len(got) != k {
				t.Fatalf("step %d: Append = %d events, %v", step, len(got), err)
			}
			for i := range got {
				if got[i].AgentID != want[i].AgentID || got[i].Seq != want[i].Seq || got[i].Pos <= storeHead {
					t.Fatalf("step %d: appended %s/%d@%d after head %d, model %s/%d", step,
						got[i].AgentID, got[i].Seq, got[i].Pos, storeHead, want[i].AgentID, want[i].Seq)
				}
				pos[want[i].Pos], storeHead = got[i].Pos, got[i].Pos
			}
		case op < 50:
			d := time.Duration(rng.Int64N(int64([]time.Duration{20 * time.Second, time.Minute, 40 * time.Minute}[rng.IntN(3)])))
			clock.Advance(d)
			m.now = clock.Now()
		case op < 75:
			set, after, limit := someAgents(), cursor(), 1+rng.IntN(20)
			got, err := s.Read(c, set, after, limit)
			if err != nil {
				t.Fatalf("step %d: Read: %v", step, err)
			}
			want := mapped(m.read(set, after, limit, pos))
			if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
				t.Fatalf("step %d: Read(%v, %d, %d)\n got %v\nwant %v", step, set, after, limit, ids(got), want)
			}
		case op < 95:
			ids, after := someAgents(), cursor()
			got, err := s.Gaps(c, ids, after)
			if err != nil {
				t.Fatalf("step %d: Gaps: %v", step, err)
			}
			want, exact := m.gaps(ids, after, pos)
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
			noErr(t, "DeleteEvents", s.DeleteEvents(c, id))
			delete(m.agents, id)
		default:
			head, _, err := s.Head(c)
			if err != nil || head != storeHead {
				t.Fatalf("step %d: Head = %d, %v; want %d", step, head, err, storeHead)
			}
		}
		if o.AfterStep != nil {
			o.AfterStep(t, s, step)
		}
	}
}
