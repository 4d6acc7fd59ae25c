package nats

import (
	"context"
	"errors"
	"slices"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// PutSession implements store.Sessions. A non-zero Revision is the expected revision of the
// key: KV revisions are stream sequences, never reused, and a deleted key's last revision is
// its delete marker, so a revision read before a delete is stale too.
func (s *Store) PutSession(ctx context.Context, sess store.Session) (store.Session, error) {
	if err := s.check(ctx); err != nil {
		return store.Session{}, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if sess.AgentID == "" {
		return store.Session{}, invalid("empty agent id")
	}
	b, err := encodeSession(sess)
	if err != nil {
		return store.Session{}, invalid("session of agent %q does not encode", sess.AgentID)
	}
	key := token(sess.AgentID)
	var rev uint64
	if sess.Revision == 0 {
		rev, err = s.sessions.Put(ctx, key, b)
	} else {
		rev, err = s.sessions.Update(ctx, key, b, sess.Revision)
		if isWrongLastSeq(err) {
			return store.Session{}, store.ErrConflict
		}
	}
	if err != nil {
		return store.Session{}, s.wrap(ctx, "put session", err)
	}
	out, _ := decodeSession(b, rev) // a private copy: nothing shared with the caller
	return out, nil
}

// GetSession implements store.Sessions.
func (s *Store) GetSession(ctx context.Context, agentID string) (store.Session, error) {
	if err := s.check(ctx); err != nil {
		return store.Session{}, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if agentID == "" {
		return store.Session{}, invalid("empty agent id")
	}
	e, err := s.sessions.Get(ctx, token(agentID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return store.Session{}, store.ErrNotFound
	}
	if err != nil {
		return store.Session{}, s.wrap(ctx, "get session", err)
	}
	return decodeSession(e.Value(), e.Revision())
}

// DeleteSession implements store.Sessions.
func (s *Store) DeleteSession(ctx context.Context, agentID string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if agentID == "" {
		return invalid("empty agent id")
	}
	if err := s.sessions.Delete(ctx, token(agentID)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return s.wrap(ctx, "delete session", err)
	}
	return nil
}

// ListSessions implements store.Sessions from the bucket's local copy once that has caught up
// with the bucket (one request); while it cannot, it lists the bucket's keys (one consumer
// pass) and reads the page's sessions (one request each).
func (s *Store) ListSessions(ctx context.Context, after string, limit int) ([]store.Session, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if limit < 1 {
		return nil, invalid("limit %d", limit)
	}
	if s.sessMirror.caughtUp(ctx) == nil {
		out := s.sessMirror.after(after, limit, store.CompareAgentIDs)
		for i := range out {
			out[i].SkillIDs = slices.Clone(out[i].SkillIDs) // nothing shared with the caller
		}
		return out, nil
	}
	keys, err := s.sessions.ListKeys(ctx)
	if err != nil {
		return nil, s.wrap(ctx, "list sessions", err)
	}
	var ids []string
	for k := range keys.Keys() {
		if id, ok := untoken(k); ok && store.CompareAgentIDs(id, after) > 0 {
			ids = append(ids, id)
		}
	}
	_ = keys.Stop()
	slices.SortFunc(ids, store.CompareAgentIDs)
	out := make([]store.Session, 0, min(limit, len(ids)))
	for _, id := range ids {
		if len(out) == limit {
			break
		}
		sess, err := s.GetSession(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}
