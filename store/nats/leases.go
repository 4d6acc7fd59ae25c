package nats

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// casAttempts bounds the read-compare-write loops against concurrent writers of one key.
const casAttempts = 8

// leaseHolding is what this store knows of a lease it wrote itself: nobody else can take it
// before it expires, so until shortly before then a fenced write needs no lease read.
type leaseHolding struct {
	owner string
	until int64  // UnixNano on s.now: the write's start plus the TTL, minus heldMargin
	rev   uint64 // the revision that write created
}

// heldMargin is how long before a lease's expiry this store stops answering holds from its own
// knowledge and reads the lease again: it covers clock drift between replicas (the one that
// takes an expired lease over judges expiry by its own clock).
func heldMargin(ttl time.Duration) time.Duration { return ttl / 5 }

func (s *Store) remember(key, owner string, since time.Time, ttl time.Duration, rev uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held[key] = leaseHolding{owner: owner, until: since.Add(ttl - heldMargin(ttl)).UnixNano(), rev: rev}
}

// ownRevision is the revision of owner's lease on key as this store last wrote it, or 0.
func (s *Store) ownRevision(key, owner string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.held[key]; ok && h.owner == owner {
		return h.rev
	}
	return 0
}

func (s *Store) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, key)
}

// knownHeld reports whether this store's own recent write makes owner the holder of key now.
func (s *Store) knownHeld(key, owner string) bool {
	s.mu.Lock()
	h, ok := s.held[key]
	s.mu.Unlock()
	return ok && h.owner == owner && s.now().UnixNano() < h.until
}

// getLease returns the lease record and its revision (0 when there is none).
func (s *Store) getLease(ctx context.Context, key string) (lease, uint64, error) {
	return getJSON[lease](ctx, s, s.leases, "lease", key)
}

// AcquireLease implements store.Leases.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if key == "" || owner == "" || ttl <= 0 {
		return false, invalid("lease key %q, owner %q, ttl %v", key, owner, ttl)
	}
	// A renewal of a lease this store wrote needs no read: the write succeeds only if nobody
	// wrote the lease since, i.e. it is still owner's (expired or not, nobody took it). That
	// halves the requests of the renewals every poller makes every ttl/3.
	if rev := s.ownRevision(key, owner); rev != 0 {
		now := s.now()
		b, _ := json.Marshal(lease{Owner: owner, Expires: now.Add(ttl).UnixNano()})
		next, err := s.leases.Update(ctx, token(key), b, rev)
		if err == nil {
			s.remember(key, owner, now, ttl, next)
			return true, nil
		}
		s.forget(key)
		if !isWrongLastSeq(err) {
			return false, s.wrap(ctx, "renew lease", err)
		}
	}
	for range casAttempts {
		cur, rev, err := s.getLease(ctx, key)
		if err != nil {
			return false, err
		}
		now := s.now()
		if rev != 0 && cur.Owner != owner && now.UnixNano() < cur.Expires {
			s.forget(key)
			return false, nil
		}
		b, _ := json.Marshal(lease{Owner: owner, Expires: now.Add(ttl).UnixNano()})
		var next uint64
		if rev == 0 {
			next, err = s.leases.Create(ctx, token(key), b)
		} else {
			next, err = s.leases.Update(ctx, token(key), b, rev)
		}
		if err == nil {
			s.remember(key, owner, now, ttl, next)
			return true, nil
		}
		s.forget(key) // the outcome of a failed write is not known
		if !isWrongLastSeq(err) {
			return false, s.wrap(ctx, "acquire lease", err)
		}
		// Someone wrote the lease in between: decide again on what they wrote.
	}
	return false, nil
}

// ReleaseLease implements store.Leases.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if key == "" || owner == "" {
		return invalid("lease key %q, owner %q", key, owner)
	}
	s.forget(key)
	cur, rev, err := s.getLease(ctx, key)
	if err != nil || rev == 0 || cur.Owner != owner {
		return err
	}
	err = s.leases.Delete(ctx, token(key), jetstream.LastRevision(rev))
	if err != nil && !isWrongLastSeq(err) { // taken over in between: not ours to release
		return s.wrap(ctx, "release lease", err)
	}
	return nil
}

// holds fails with ErrLeaseLost unless f.Owner holds an unexpired lease on f.Key. A lease this
// store wrote for f.Owner and that cannot have expired is answered without a read: a fenced
// append (every event a poller stores) then costs one request, not two.
func (s *Store) holds(ctx context.Context, f store.Fence) error {
	if s.knownHeld(f.Key, f.Owner) {
		return nil
	}
	cur, rev, err := s.getLease(ctx, f.Key)
	if err != nil {
		return err
	}
	if rev == 0 || cur.Owner != f.Owner || s.now().UnixNano() >= cur.Expires {
		return store.ErrLeaseLost
	}
	return nil
}
