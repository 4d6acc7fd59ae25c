package memory

import (
	"context"
	"slices"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// mergeChunk is how many agents a merge looks at per hold of the read lock (eventLog.chunk;
// tests shrink it to force lock releases). Finding where a cursor starts in an agent's log costs
// a few cache misses; with thousands of agents that is milliseconds, and appends must not wait
// that long.
const mergeChunk = 256

// Read returns retained events with Pos > after for agentIDs (all when empty), in Pos order.
func (s *Store) Read(ctx context.Context, agentIDs []string, after uint64, limit int) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, invalid("limit %d, want at least 1", limit)
	}
	if len(agentIDs) > 1 {
		// Repeated ids are read once: deduplicated here, outside the lock, so no path below
		// checks for repeats while holding it.
		agentIDs = slices.Compact(slices.Sorted(slices.Values(agentIDs)))
	}
	cutoff := s.readCutoff()
	l := &s.log
	l.mu.RLock()
	if s.closed.Load() {
		l.mu.RUnlock()
		return nil, store.ErrClosed
	}
	head := l.head.Load()
	var out []store.Event
	switch n := len(agentIDs); {
	case after >= head:
	case n == 1:
		out = l.readOne(l.agents[agentIDs[0]], after, limit, cutoff)
	case n == 0 && l.recent.covers(after, head):
		out = l.readRecent(nil, after, head, limit, cutoff)
	case n > 32 && l.recent.covers(after, head) && head-after <= 8*uint64(n):
		// Many agents and a short window: scanning the window beats a search per agent.
		out = l.readRecent(newIDSet(agentIDs, head-after), after, head, limit, cutoff)
	case n > 0 && n <= l.chunk:
		out = l.merge(l.cursorsFor(agentIDs, after, head, cutoff), head, limit, cutoff)
	default:
		l.mu.RUnlock()
		return s.readMergeChunked(ctx, agentIDs, after, head, limit, cutoff)
	}
	l.mu.RUnlock()
	return out, nil
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
func (l *eventLog) readRecent(set *idSet, after, head uint64, limit int, cutoff int64) []store.Event {
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
		if set != nil && !set.has(a.id) {
			continue
		}
		out = append(out, a.evs.at(int(sl.seq-a.dropped-1)).ev)
	}
	return out
}

// idSet answers membership for readRecent: a plain scan of the list when the window is short
// (a tail read of one or two events costs no allocation), a map otherwise.
type idSet struct {
	list []string
	m    map[string]struct{}
}

func newIDSet(ids []string, window uint64) *idSet {
	s := &idSet{list: ids}
	if window*uint64(len(ids)) > 512 {
		s.m = make(map[string]struct{}, len(ids))
		for _, id := range ids {
			s.m[id] = struct{}{}
		}
	}
	return s
}

func (s *idSet) has(id string) bool {
	if s.m != nil {
		_, ok := s.m[id]
		return ok
	}
	return slices.Contains(s.list, id)
}

// cursor is one agent's position in a merge. It holds a Seq rather than a ring index so that
// it stays meaningful while the lock is released and retention trims the ring's front.
type cursor struct {
	a   *agentLog
	seq uint64 // next event to take
	pos uint64 // its Pos
}

// cursorAfter returns a cursor at a's first retained event in (after, head], if there is one.
func (a *agentLog) cursorAfter(after, head uint64, cutoff int64) (cursor, bool) {
	n := a.evs.len()
	if n == 0 || a.evs.at(n-1).ev.Pos <= after { // nothing new: no search
		return cursor{}, false
	}
	i := a.start(after, cutoff)
	if i == n || a.evs.at(i).ev.Pos > head {
		return cursor{}, false
	}
	e := &a.evs.at(i).ev
	return cursor{a: a, seq: e.Seq, pos: e.Pos}, true
}

// cursorsFor starts a cursor per listed agent (ids are distinct: Read deduplicated them),
// ignoring unknown ids.
func (l *eventLog) cursorsFor(ids []string, after, head uint64, cutoff int64) []cursor {
	cs := make([]cursor, 0, len(ids))
	for _, id := range ids {
		a := l.agents[id]
		if a == nil {
			continue
		}
		if c, ok := a.cursorAfter(after, head, cutoff); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// eachAgentChunked calls visit, under the read lock, for every live agent of logs (a snapshot of
// all agents, since deletes reorder l.order while the lock is released) or of ids (distinct,
// looked up as they are reached), a chunk of agents per lock hold so that a walk over thousands
// of agents never holds off appends for long.
func (s *Store) eachAgentChunked(ctx context.Context, logs []*agentLog, ids []string, visit func(*agentLog)) error {
	l := &s.log
	for lo, n := 0, max(len(logs), len(ids)); lo < n; lo += l.chunk {
		if err := s.check(ctx); err != nil {
			return err
		}
		l.mu.RLock()
		if s.closed.Load() {
			l.mu.RUnlock()
			return store.ErrClosed
		}
		for k := lo; k < min(lo+l.chunk, n); k++ {
			var a *agentLog
			if logs != nil {
				a = logs[k]
			} else {
				a = l.agents[ids[k]]
			}
			if a != nil && !a.deleted {
				visit(a)
			}
		}
		l.mu.RUnlock()
	}
	return nil
}

// readMergeChunked merges many agents: it starts cursors a chunk of agents at a time, releasing
// the read lock in between, then merges under one hold. Only positions up to head (taken before
// the first release) are returned, so events appended meanwhile cannot overtake older ones that
// a later chunk would have found.
func (s *Store) readMergeChunked(ctx context.Context, ids []string, after, head uint64, limit int, cutoff int64) ([]store.Event, error) {
	l := &s.log
	var logs []*agentLog // all agents: a snapshot, since deletes reorder l.order
	if len(ids) == 0 {
		l.mu.RLock()
		logs = slices.Clone(l.order)
		l.mu.RUnlock()
	}
	cs := make([]cursor, 0, max(len(ids), len(logs)))
	err := s.eachAgentChunked(ctx, logs, ids, func(a *agentLog) {
		if c, ok := a.cursorAfter(after, head, cutoff); ok {
			cs = append(cs, c)
		}
	})
	if err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	return l.merge(cs, head, limit, cutoff), nil
}

// merge takes events from the cursors in Pos order, up to limit and never past head. Cursors
// started under an earlier hold of the lock are brought up to date first: their agent may have
// been deleted or trimmed since.
func (l *eventLog) merge(cs []cursor, head uint64, limit int, cutoff int64) []store.Event {
	live := cs[:0]
	total := 0
	for _, c := range cs {
		a := c.a
		if a.deleted {
			continue
		}
		i := a.liveFrom(cutoff)
		if first := a.dropped + 1 + uint64(i); c.seq < first {
			c.seq = first
		}
		i = int(c.seq - a.dropped - 1)
		if i >= a.evs.len() {
			continue
		}
		if c.pos = a.evs.at(i).ev.Pos; c.pos > head {
			continue
		}
		live = append(live, c)
		total += a.evs.len() - i
	}
	if total == 0 {
		return nil
	}
	out := make([]store.Event, 0, min(total, limit))
	h := cursorHeap(live)
	h.init()
	for len(out) < limit && len(h) > 0 && h[0].pos <= head {
		c := &h[0]
		i := int(c.seq - c.a.dropped - 1)
		out = append(out, c.a.evs.at(i).ev)
		if i+1 < c.a.evs.len() {
			c.seq++
			c.pos = c.a.evs.at(i + 1).ev.Pos
			h.down(0)
		} else {
			h.pop()
		}
	}
	return out
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
