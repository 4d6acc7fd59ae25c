package memory

import (
	"context"
	"slices"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Gaps reports, per agent, the events with Pos > after that retention dropped. Like a merge, a
// report over many agents visits them a chunk at a time, releasing the read lock in between;
// each agent's gap is exact when computed.
func (s *Store) Gaps(ctx context.Context, agentIDs []string, after uint64) ([]store.Gap, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	cutoff := s.readCutoff()
	l := &s.log
	l.mu.RLock()
	if s.closed.Load() {
		l.mu.RUnlock()
		return nil, store.ErrClosed
	}
	if l.nothingLostAfter(after, cutoff) {
		l.mu.RUnlock()
		return nil, nil
	}
	// Agents are visited from a snapshot of the list (deletes reorder l.order while the lock is
	// released) or from the sorted, de-duplicated ids, which are looked up chunk by chunk.
	var logs []*agentLog
	var ids []string
	if len(agentIDs) == 0 {
		logs = slices.Clone(l.order)
	} else {
		ids = slices.Compact(slices.Sorted(slices.Values(agentIDs)))
	}
	l.mu.RUnlock()
	var gaps []store.Gap
	err := s.eachAgentChunked(ctx, logs, ids, func(a *agentLog) {
		if g, ok := a.gap(after, cutoff); ok {
			gaps = append(gaps, g)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(gaps, func(x, y store.Gap) int { return store.CompareAgentIDs(x.AgentID, y.AgentID) })
	return gaps, nil
}

// nothingLostAfter answers the common case (a reader near the head) without visiting agents:
// nothing after `after` was trimmed by count, and the oldest position after it has not expired
// (stamps grow with Pos, so then none after it has).
func (l *eventLog) nothingLostAfter(after uint64, cutoff int64) bool {
	head := l.head.Load()
	if after >= head {
		return true
	}
	if after < l.maxDroppedPos || !l.recent.covers(after, head) {
		return false
	}
	return l.recent.slot(after+1).at >= cutoff
}

// gap computes a's dropped range past after: everything before its first live entry was
// dropped, either physically (counted by a.dropped) or by expiry (entries before liveFrom).
func (a *agentLog) gap(after uint64, cutoff int64) (store.Gap, bool) {
	live := a.liveFrom(cutoff)
	lastSeq := a.dropped + uint64(live) // newest dropped Seq
	if lastSeq == 0 {
		return store.Gap{}, false
	}
	lastPos := a.lastDroppedPos
	if live > 0 {
		lastPos = a.evs.at(live - 1).ev.Pos
	}
	if lastPos <= after {
		return store.Gap{}, false
	}
	g := store.Gap{AgentID: a.id, ToSeq: lastSeq}
	if after < a.firstPos {
		g.FromSeq = 1
		return g, true
	}
	// Positions are known for the tombstones (Seqs just below dropped+1) followed by the expired
	// entries still in the ring. Find the first of them past after.
	nt := a.tomb.len()
	known := nt + live
	posAt := func(k int) uint64 {
		if k < nt {
			return *a.tomb.at(k)
		}
		return a.evs.at(k - nt).ev.Pos
	}
	if posAt(0) > after {
		return g, true // the first missing Seq is older than what is remembered: FromSeq 0
	}
	lo, hi := 1, known-1 // posAt(0) <= after < posAt(known-1)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if posAt(m) > after {
			hi = m
		} else {
			lo = m + 1
		}
	}
	g.FromSeq = a.dropped - uint64(nt) + 1 + uint64(lo)
	return g, true
}
