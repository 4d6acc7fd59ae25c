package nats

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Gaps implements store.Events. An agent's first retained message says which Seq and Pos came
// before it; with nothing retained, its checkpoint does. FromSeq is exact when the cursor
// predates the agent's first event, or when the first event after the cursor is still stored
// (expired by age on this store's clock but not yet removed by the server); otherwise it is 0:
// the positions of messages the server removed are gone.
func (s *Store) Gaps(ctx context.Context, agentIDs []string, after uint64) ([]store.Gap, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids := agentIDs
	if len(ids) == 0 {
		var err error
		if ids, err = s.agentIDs(ctx); err != nil {
			return nil, err
		}
	}
	ids = uniq(ids)
	slices.SortFunc(ids, store.CompareAgentIDs)
	var gaps []store.Gap
	for _, id := range ids {
		g, ok, err := s.gap(ctx, id, after)
		if err != nil {
			return nil, err
		}
		if ok {
			gaps = append(gaps, g)
		}
	}
	return gaps, nil
}

func (s *Store) gap(ctx context.Context, agentID string, after uint64) (store.Gap, bool, error) {
	subj := s.subject(agentID)
	var lastSeq, lastPos, first uint64 // the newest dropped event and the agent's Seq 1
	newest, err := s.events.GetLastMsgForSubject(ctx, subj)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
		// Nothing stored: the checkpoint says what the server removed.
		cp, err := s.checkpoint(ctx, agentID)
		if err != nil {
			return store.Gap{}, false, err
		}
		lastSeq, lastPos, first = cp.Seq, cp.Pos, cp.First
	case err != nil:
		return store.Gap{}, false, s.wrap(ctx, "gaps", err)
	default:
		nd, err := decodeEvent(newest)
		if err != nil {
			return store.Gap{}, false, err
		}
		d, err := s.firstKept(ctx, subj, nd)
		if err != nil {
			return store.Gap{}, false, err
		}
		if d != nil {
			lastSeq, lastPos, first = d.ev.Seq-1, d.prev, d.first
		} else { // every stored event is dropped
			lastSeq, lastPos, first = nd.ev.Seq, nd.ev.Pos, nd.first
		}
	}
	if lastSeq == 0 || lastPos <= after {
		return store.Gap{}, false, nil
	}
	g := store.Gap{AgentID: agentID, ToSeq: lastSeq}
	switch d, err := s.nextStored(ctx, subj, after+1); {
	case err != nil:
		return store.Gap{}, false, err
	case d != nil && d.ev.Seq <= lastSeq && (d.ev.Seq == 1 || d.prev <= after):
		// The first event after the cursor is still stored, though dropped (beyond MaxEvents,
		// or expired but not yet removed), and nothing before it was after the cursor.
		g.FromSeq = d.ev.Seq
	case after < first:
		g.FromSeq = 1
	}
	return g, true, nil
}

// firstKept returns the agent's oldest event that retention keeps, or nil; newest is its
// newest stored event. The events past MaxEvents are skipped by a binary search over stream
// positions (Seq grows with Pos within a subject), the expired ones after them one by one.
func (s *Store) firstKept(ctx context.Context, subj string, newest decoded) (*decoded, error) {
	want := uint64(1) // the oldest Seq that count retention keeps
	if newest.ev.Seq > uint64(s.maxEvents) {
		want = newest.ev.Seq - uint64(s.maxEvents) + 1
	}
	lo, hi := uint64(1), newest.ev.Pos // the smallest p whose next stored event has Seq >= want
	for lo < hi {
		mid := lo + (hi-lo)/2
		d, err := s.nextStored(ctx, subj, mid)
		if err != nil {
			return nil, err
		}
		if d != nil && d.ev.Seq >= want {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	v := s.newView()
	v.newest[newest.ev.AgentID] = newest.ev.Seq
	return s.next(ctx, v, subj, lo)
}

// agentIDs lists every agent with a checkpoint or a retained event.
func (s *Store) agentIDs(ctx context.Context) ([]string, error) {
	var ids []string
	keys, err := s.agents.ListKeys(ctx)
	if err != nil {
		return nil, s.wrap(ctx, "list agents", err)
	}
	for k := range keys.Keys() {
		if id, ok := untoken(k); ok {
			ids = append(ids, id)
		}
	}
	_ = keys.Stop()
	info, err := s.events.Info(ctx, jetstream.WithSubjectFilter(s.subjPre+">"))
	if err != nil {
		return nil, s.wrap(ctx, "list agents", err)
	}
	for subj := range info.State.Subjects {
		if id, ok := untoken(strings.TrimPrefix(subj, s.subjPre)); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
