package nats

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// diskGrace keeps a record on the server a while past its TTL: the answer comes from the
// record's own expiry on this store's clock, and the server's TTL only frees the space.
const diskGrace = time.Minute

// diskTTL is the server TTL for a record that expires in d: whole seconds, at least one.
func diskTTL(d time.Duration) time.Duration {
	return max(d, 0).Round(time.Second) + diskGrace
}

func (s *Store) getRequest(ctx context.Context, key string) (request, uint64, error) {
	return getJSON[request](ctx, s, s.requests, "request record", key)
}

// putRequest writes r at the expected revision (0: the key must be absent or deleted) with a
// server TTL ending diskGrace after the record expires.
func (s *Store) putRequest(ctx context.Context, key string, r request, rev uint64) error {
	b, _ := json.Marshal(r)
	ttl := diskTTL(time.Duration(r.Expires - s.now().UnixNano()))
	_, err := s.js.PublishMsg(ctx, &natsgo.Msg{Subject: "$KV." + s.requests.Bucket() + "." + token(key), Data: b},
		jetstream.WithExpectLastSequencePerSubject(rev), jetstream.WithMsgTTL(ttl))
	return err
}

func (r request) record(key string) store.IdemRecord {
	st := store.IdemPending
	if r.Done {
		st = store.IdemDone
	}
	return store.IdemRecord{Key: key, Fingerprint: r.Fingerprint, State: st, Result: r.Result, CreatedAt: time.Unix(0, r.Created).UTC()}
}

func (s *Store) live(r request, rev uint64) bool { return rev != 0 && s.now().UnixNano() < r.Expires }

// ReserveRequest implements store.Idempotency.
func (s *Store) ReserveRequest(ctx context.Context, key, fingerprint string, ttl time.Duration) (store.IdemRecord, bool, error) {
	if err := s.check(ctx); err != nil {
		return store.IdemRecord{}, false, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if key == "" || ttl <= 0 {
		return store.IdemRecord{}, false, invalid("request key %q, ttl %v", key, ttl)
	}
	for range casAttempts {
		cur, rev, err := s.getRequest(ctx, key)
		if err != nil {
			return store.IdemRecord{}, false, err
		}
		if s.live(cur, rev) {
			return cur.record(key), false, nil
		}
		now := s.now()
		r := request{Fingerprint: fingerprint, Created: now.UnixNano(), Expires: now.Add(ttl).UnixNano()}
		if rev == 0 {
			// Create, unlike a raw write at revision 0, also replaces a delete or TTL marker.
			b, _ := json.Marshal(r)
			_, err = s.requests.Create(ctx, token(key), b, jetstream.KeyTTL(diskTTL(ttl)))
		} else {
			err = s.putRequest(ctx, key, r, rev)
		}
		if err == nil {
			return r.record(key), true, nil
		}
		if !isWrongLastSeq(err) {
			return store.IdemRecord{}, false, s.wrap(ctx, "reserve request", err)
		}
	}
	return store.IdemRecord{}, false, fmt.Errorf("store/nats: reserve request %q: %w", key, store.ErrConflict)
}

// CompleteRequest implements store.Idempotency.
func (s *Store) CompleteRequest(ctx context.Context, key string, result []byte) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if key == "" {
		return invalid("empty request key")
	}
	cur, rev, err := s.getRequest(ctx, key)
	switch {
	case err != nil:
		return err
	case !s.live(cur, rev):
		return store.ErrNotFound
	case cur.Done:
		return store.ErrConflict
	}
	cur.Done, cur.Result = true, result
	if err := s.putRequest(ctx, key, cur, rev); err != nil {
		if isWrongLastSeq(err) {
			return store.ErrConflict // completed (or replaced after expiry) in between
		}
		return s.wrap(ctx, "complete request", err)
	}
	return nil
}

// GetRequest implements store.Idempotency.
func (s *Store) GetRequest(ctx context.Context, key string) (store.IdemRecord, error) {
	if err := s.check(ctx); err != nil {
		return store.IdemRecord{}, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if key == "" {
		return store.IdemRecord{}, invalid("empty request key")
	}
	cur, rev, err := s.getRequest(ctx, key)
	if err != nil {
		return store.IdemRecord{}, err
	}
	if !s.live(cur, rev) {
		return store.IdemRecord{}, store.ErrNotFound
	}
	return cur.record(key), nil
}
