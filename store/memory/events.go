package memory

import (
	"context"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Append logs evs for agentID. It holds the write lock only to stamp, copy and trim; the
// returned slice is the one allocation that grows with the batch.
func (s *Store) Append(ctx context.Context, agentID string, evs ...store.Event) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if agentID == "" {
		return nil, invalid("empty agent id")
	}
	if len(evs) == 0 {
		return nil, nil
	}
	out := make([]store.Event, len(evs))
	l := &s.log
	l.mu.Lock()
	if s.closed.Load() {
		l.mu.Unlock()
		return nil, store.ErrClosed
	}
	at := s.clock().UnixNano()
	a := l.agent(agentID)
	head := l.head.Load()
	for i := range evs {
		head++
		e := evs[i]
		e.AgentID, e.Seq, e.Pos = a.id, a.nextSeq, head
		if e.Seq == 1 {
			a.firstPos = head
		}
		a.nextSeq++
		if a.evs.len() >= l.maxEvents {
			l.dropOldest(a)
		}
		a.evs.push(entry{ev: e, at: at}, l.maxEvents)
		l.recent.put(head, a, e.Seq, at)
		out[i] = e
	}
	l.trimOnAppend(a, at, at-s.maxAge)
	// Publishing the head last, under the lock, is what makes every Pos <= head readable.
	l.head.Store(head)
	l.mu.Unlock()
	s.broadcast()
	return out, nil
}

// Head returns the newest position and this store's epoch.
func (s *Store) Head(ctx context.Context) (uint64, string, error) {
	if err := s.check(ctx); err != nil {
		return 0, "", err
	}
	return s.log.head.Load(), s.epoch, nil
}

// DeleteEvents drops agentID's log; its next Append starts at Seq 1 again.
func (s *Store) DeleteEvents(ctx context.Context, agentID string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if agentID == "" {
		return invalid("empty agent id")
	}
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	if s.closed.Load() {
		return store.ErrClosed
	}
	s.log.remove(agentID)
	return nil
}

// readCutoff is the expiry cutoff for a read at the current clock.
func (s *Store) readCutoff() int64 {
	return s.clock().UnixNano() - s.maxAge
}
