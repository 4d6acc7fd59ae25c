package memory

import (
	"context"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Read returns retained events with Pos > after for agentIDs (all when empty), in Pos order.
func (s *Store) Read(ctx context.Context, agentIDs []string, after uint64, limit int) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, invalid("limit %d, want at least 1", limit)
	}
	cutoff := s.readCutoff()
	l := &s.log
	l.mu.RLock()
	defer l.mu.RUnlock()
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	head := l.head.Load()
	if after >= head {
		return nil, nil
	}
	switch {
	case len(agentIDs) == 1:
		return l.readOne(l.agents[agentIDs[0]], after, limit, cutoff), nil
	case len(agentIDs) == 0 && l.recent.covers(after, head):
		return l.readRecent(nil, after, head, limit, cutoff), nil
	case len(agentIDs) > 32 && l.recent.covers(after, head) && head-after <= 8*uint64(len(agentIDs)):
		// Many agents and a short window: scanning the window beats a search per agent.
		set := make(map[string]struct{}, len(agentIDs))
		for _, id := range agentIDs {
			set[id] = struct{}{}
		}
		return l.readRecent(set, after, head, limit, cutoff), nil
	default:
		return l.readMerge(agentIDs, after, limit, cutoff), nil
	}
}

// start is the index of a's first retained, unexpired entry with Pos > after.
func (a *agentLog) start(after uint64, cutoff int64) int {
	i := a.liveFrom(cutoff)
	if i < a.evs.len() && a.evs.at(i).ev.Pos <= after {
		i = a.evs.search(i, func(e *entry) bool { return e.ev.Pos > after })
	}
	return i
}

func (l *eventLog) readOne(a *agentLog, after uint64, limit int, cutoff int64) []store.Event {
	if a == nil {
		return nil
	}
	i := a.start(after, cutoff)
	n := min(a.evs.len()-i, limit)
	if n <= 0 {
		return nil
	}
	out := make([]store.Event, n)
	for k := range out {
		out[k] = a.evs.at(i + k).ev
	}
	return out
}

// readRecent walks the recent index over (after, head], keeping events of agents in set (every
// agent when set is nil) that are still retained.
func (l *eventLog) readRecent(set map[string]struct{}, after, head uint64, limit int, cutoff int64) []store.Event {
	// Stamps do not decrease with Pos, so expired positions form a prefix of the window.
	lo, hi := after+1, head+1
	if l.recent.slot(lo).at < cutoff {
		for lo < hi {
			m := lo + (hi-lo)/2
			if l.recent.slot(m).at >= cutoff {
				hi = m
			} else {
				lo = m + 1
			}
		}
	}
	if lo > head {
		return nil
	}
	var out []store.Event
	if set == nil {
		out = make([]store.Event, 0, min(uint64(limit), head-lo+1))
	}
	for p := lo; p <= head && len(out) < limit; p++ {
		sl := l.recent.slot(p)
		a := sl.a
		if a.deleted || sl.seq <= a.dropped {
			continue
		}
		if set != nil {
			if _, ok := set[a.id]; !ok {
				continue
			}
		}
		out = append(out, a.evs.at(int(sl.seq-a.dropped-1)).ev)
	}
	return out
}

// cursor is one agent's position in a merge.
type cursor struct {
	a    *agentLog
	i, n int
	pos  uint64 // Pos at index i
}

// readMerge merges the listed agents' logs (all agents when ids is empty) by Pos.
func (l *eventLog) readMerge(ids []string, after uint64, limit int, cutoff int64) []store.Event {
	var cs []cursor
	total := 0
	add := func(a *agentLog) {
		if i := a.start(after, cutoff); i < a.evs.len() {
			cs = append(cs, cursor{a: a, i: i, n: a.evs.len(), pos: a.evs.at(i).ev.Pos})
			total += a.evs.len() - i
		}
	}
	if len(ids) == 0 {
		for _, a := range l.order {
			add(a)
		}
	} else {
		var seen map[*agentLog]struct{}
		if len(ids) > 8 {
			seen = make(map[*agentLog]struct{}, len(ids))
		}
		for k, id := range ids {
			a := l.agents[id]
			if a == nil || duplicate(a, ids[:k], l, seen) {
				continue
			}
			add(a)
		}
	}
	if total == 0 {
		return nil
	}
	out := make([]store.Event, 0, min(total, limit))
	h := cursorHeap(cs)
	h.init()
	for len(out) < limit && len(h) > 0 {
		c := &h[0]
		out = append(out, c.a.evs.at(c.i).ev)
		c.i++
		if c.i < c.n {
			c.pos = c.a.evs.at(c.i).ev.Pos
			h.down(0)
		} else {
			h.pop()
		}
	}
	return out
}

// duplicate reports whether a was already listed: a linear look for short lists, a set for
// long ones.
func duplicate(a *agentLog, earlier []string, l *eventLog, seen map[*agentLog]struct{}) bool {
	if seen != nil {
		if _, ok := seen[a]; ok {
			return true
		}
		seen[a] = struct{}{}
		return false
	}
	for _, id := range earlier {
		if l.agents[id] == a {
			return true
		}
	}
	return false
}

// cursorHeap is a min-heap by pos, written out to avoid container/heap's interface calls.
type cursorHeap []cursor

func (h cursorHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h cursorHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].pos < h[l].pos {
			m = r
		}
		if h[i].pos <= h[m].pos {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h *cursorHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	if n > 0 {
		h.down(0)
	}
}
