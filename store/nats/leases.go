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
	for range casAttempts {
		cur, rev, err := s.getLease(ctx, key)
		if err != nil {
			return false, err
		}
		now := s.now()
		if rev != 0 && cur.Owner != owner && now.UnixNano() < cur.Expires {
			return false, nil
		}
		b, _ := json.Marshal(lease{Owner: owner, Expires: now.Add(ttl).UnixNano()})
		if rev == 0 {
			_, err = s.leases.Create(ctx, token(key), b)
		} else {
			_, err = s.leases.Update(ctx, token(key), b, rev)
		}
		if err == nil {
			return true, nil
		}
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

// holds fails with ErrLeaseLost unless f.Owner holds an unexpired lease on f.Key.
func (s *Store) holds(ctx context.Context, f store.Fence) error {
	cur, rev, err := s.getLease(ctx, f.Key)
	if err != nil {
		return err
	}
	if rev == 0 || cur.Owner != f.Owner || s.now().UnixNano() >= cur.Expires {
		return store.ErrLeaseLost
	}
	return nil
}
