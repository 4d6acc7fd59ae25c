package memory

import (
	"context"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

type lease struct {
	owner   string
	expires int64 // Unix ns; the lease is expired once the clock reaches it
}

// leases is a map of key to holder. An expired lease stays until its key is acquired or
// released again: there is one key per agent, so the map stays as small as the agent set.
type leases struct {
	mu sync.Mutex
	m  map[string]lease
}

// AcquireLease takes or renews key for owner unless another owner holds it unexpired.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	switch {
	case key == "":
		return false, invalid("empty lease key")
	case owner == "":
		return false, invalid("empty lease owner")
	case ttl <= 0:
		return false, invalid("lease ttl %v, want > 0", ttl)
	}
	now := s.clock()
	p := &s.leases
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return false, store.ErrClosed
	}
	if cur, ok := p.m[key]; ok && cur.owner != owner && now.UnixNano() < cur.expires {
		return false, nil
	}
	p.m[key] = lease{owner: owner, expires: now.Add(ttl).UnixNano()}
	return true, nil
}

// ReleaseLease drops key if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	p := &s.leases
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.ErrClosed
	}
	if cur, ok := p.m[key]; ok && cur.owner == owner {
		delete(p.m, key)
	}
	return nil
}

// AppendFenced appends while holding the lease table's lock, so in one process the lease check
// and the append are atomic: a takeover cannot fall between them.
func (s *Store) AppendFenced(ctx context.Context, f store.Fence, agentID string, evs ...store.Event) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if f.Key == "" || f.Owner == "" || agentID == "" {
		return nil, invalid("fenced append needs a lease key, owner and agent id")
	}
	now := s.clock()
	p := &s.leases
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur, ok := p.m[f.Key]; !ok || cur.owner != f.Owner || now.UnixNano() >= cur.expires {
		return nil, store.ErrLeaseLost
	}
	return s.Append(ctx, agentID, evs...)
}

// CachedLease implements store.LeaseCache; the memory store's view is exact.
func (s *Store) CachedLease(key string) (owner string, expires time.Time, ok bool) {
	p := &s.leases
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.m[key]
	return l.owner, time.Unix(0, l.expires), ok
}
