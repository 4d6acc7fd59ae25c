package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// sessions keeps a map for lookups and a sorted id slice for paging; sign-ins are rare next to
// reads, so paying the insertion shift there keeps ListSessions a binary search plus a copy.
type sessions struct {
	mu  sync.RWMutex
	m   map[string]store.Session
	ids []string // sorted
	rev uint64   // last revision handed out, store-wide so revisions are never reused
}

func cloneSession(s store.Session) store.Session {
	s.SkillIDs = slices.Clone(s.SkillIDs)
	return s
}

// PutSession creates or replaces a session, checking Revision when it is non-zero.
func (s *Store) PutSession(ctx context.Context, sess store.Session) (store.Session, error) {
	if err := s.check(ctx); err != nil {
		return store.Session{}, err
	}
	if sess.AgentID == "" {
		return store.Session{}, invalid("empty agent id")
	}
	p := &s.sess
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.Session{}, store.ErrClosed
	}
	cur, exists := p.m[sess.AgentID]
	if sess.Revision != 0 && (!exists || cur.Revision != sess.Revision) {
		// The agent id is not a secret; the GUID and cookie never go into errors.
		return store.Session{}, fmt.Errorf("%w: session %q", store.ErrConflict, sess.AgentID)
	}
	p.rev++
	sess.Revision = p.rev
	sess = cloneSession(sess)
	p.m[sess.AgentID] = sess
	if !exists {
		i, _ := slices.BinarySearchFunc(p.ids, sess.AgentID, store.CompareAgentIDs)
		p.ids = slices.Insert(p.ids, i, sess.AgentID)
	}
	return cloneSession(sess), nil
}

// GetSession returns a copy of the session or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, agentID string) (store.Session, error) {
	if err := s.check(ctx); err != nil {
		return store.Session{}, err
	}
	p := &s.sess
	p.mu.RLock()
	defer p.mu.RUnlock()
	if s.closed.Load() {
		return store.Session{}, store.ErrClosed
	}
	sess, ok := p.m[agentID]
	if !ok {
		return store.Session{}, fmt.Errorf("%w: session %q", store.ErrNotFound, agentID)
	}
	return cloneSession(sess), nil
}

// DeleteSession removes the session if present.
func (s *Store) DeleteSession(ctx context.Context, agentID string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	p := &s.sess
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.ErrClosed
	}
	if _, ok := p.m[agentID]; !ok {
		return nil
	}
	delete(p.m, agentID)
	if i, found := slices.BinarySearchFunc(p.ids, agentID, store.CompareAgentIDs); found {
		p.ids = slices.Delete(p.ids, i, i+1)
	}
	return nil
}

// ListSessions pages through sessions in AgentID order.
func (s *Store) ListSessions(ctx context.Context, after string, limit int) ([]store.Session, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, invalid("limit %d, want at least 1", limit)
	}
	p := &s.sess
	p.mu.RLock()
	defer p.mu.RUnlock()
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	i, found := slices.BinarySearchFunc(p.ids, after, store.CompareAgentIDs)
	if found {
		i++
	}
	n := min(limit, len(p.ids)-i)
	if n <= 0 {
		return nil, nil
	}
	out := make([]store.Session, n)
	for k, id := range p.ids[i : i+n] {
		out[k] = cloneSession(p.m[id])
	}
	return out, nil
}
