package nats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// agentHead is what this store knows about an agent's newest event. Appends to one agent are
// serialised by mu within a store; across stores (replicas) the expected last subject sequence
// makes the later writer fail, reload and go on from the newest event.
type agentHead struct {
	mu        chan struct{} // a lock that honours contexts: held while it holds a token
	headState               // guarded by mu
}

type headState struct {
	loaded  bool
	subjSeq uint64 // stream sequence of the newest message on the subject; 0 when it is empty
	seq     uint64 // newest Seq
	pos     uint64 // its Pos
	first   uint64 // Pos of Seq 1
}

func (s *Store) head(agentID string) *agentHead {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.heads[agentID]
	if h == nil {
		h = &agentHead{mu: make(chan struct{}, 1)}
		s.heads[agentID] = h
	}
	return h
}

func (h *agentHead) lock(ctx context.Context) error {
	select {
	case h.mu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *agentHead) unlock() { <-h.mu }

func (s *Store) subject(agentID string) string { return s.subjPre + token(agentID) }

// load reads the agent's newest event from the stream or, when retention emptied the subject,
// its checkpoint.
func (s *Store) load(ctx context.Context, agentID string, h *agentHead) error {
	m, err := s.events.GetLastMsgForSubject(ctx, s.subject(agentID))
	switch {
	case err == nil:
		d, err := decodeEvent(m)
		if err != nil {
			return err
		}
		h.headState = headState{loaded: true, subjSeq: m.Sequence, seq: d.ev.Seq, pos: m.Sequence, first: d.first}
		return nil
	case !errors.Is(err, jetstream.ErrMsgNotFound):
		return s.wrap(ctx, "last event of an agent", err)
	}
	cp, err := s.checkpoint(ctx, agentID)
	if err != nil {
		return err
	}
	h.headState = headState{loaded: true, seq: cp.Seq, pos: cp.Pos, first: cp.First}
	return nil
}

func (s *Store) checkpoint(ctx context.Context, agentID string) (checkpoint, error) {
	cp, _, err := getJSON[checkpoint](ctx, s, s.agents, "agent checkpoint", agentID)
	return cp, err
}

// Append implements store.Events. When a later event of a batch fails, the events already
// stored are returned with the error.
func (s *Store) Append(ctx context.Context, agentID string, evs ...store.Event) ([]store.Event, error) {
	return s.append(ctx, agentID, nil, evs)
}

// AppendFenced implements store.Fencing.
func (s *Store) AppendFenced(ctx context.Context, f store.Fence, agentID string, evs ...store.Event) ([]store.Event, error) {
	if f.Key == "" || f.Owner == "" || agentID == "" {
		return nil, invalid("fenced append needs a lease key, owner and agent id")
	}
	return s.append(ctx, agentID, &f, evs)
}

func (s *Store) append(ctx context.Context, agentID string, f *store.Fence, evs []store.Event) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if agentID == "" {
		return nil, invalid("empty agent id")
	}
	if len(evs) == 0 {
		return nil, nil
	}
	h := s.head(agentID)
	if err := h.lock(ctx); err != nil {
		return nil, err
	}
	defer h.unlock()
	subj := s.subject(agentID)
	out := make([]store.Event, 0, len(evs))
	checkFence := f != nil
	for conflicts := 0; len(out) < len(evs); {
		if checkFence {
			if err := s.holds(ctx, *f); err != nil {
				return out, err
			}
			checkFence = false
		}
		if !h.loaded {
			if err := s.load(ctx, agentID, h); err != nil {
				return out, err
			}
		}
		e := evs[len(out)]
		e.AgentID, e.Seq, e.Pos = agentID, h.seq+1, 0
		prev, first := h.pos, h.first
		if e.Seq == 1 {
			prev, first = 0, 0
		}
		data, err := encodeEvent(e, prev, first, s.now().UnixNano())
		if err != nil {
			return out, fmt.Errorf("store/nats: encode event: %w", err)
		}
		// The one header stays on the stored message; every reader pays for headers.
		ack, err := s.js.PublishMsg(ctx, &natsgo.Msg{Subject: subj, Data: data},
			jetstream.WithExpectLastSequencePerSubject(h.subjSeq))
		if err != nil {
			h.loaded = false
			if isWrongLastSeq(err) && conflicts < maxConflicts {
				// Another store appended (or retention emptied the subject): reload, and
				// make sure the lease is still ours before writing again. Every conflict
				// means another writer made progress; the jittered pause lets one of several
				// racing writers (a lease bug, or a test) get a run of appends through.
				conflicts++
				checkFence = f != nil
				if err := pause(ctx, conflicts); err != nil {
					return out, err
				}
				continue
			}
			if isWrongLastSeq(err) {
				err = store.ErrConflict
			}
			return out, s.wrap(ctx, "append", err)
		}
		e.Pos = ack.Sequence
		s.observeAppended(ack.Sequence)
		h.subjSeq, h.seq, h.pos = ack.Sequence, e.Seq, ack.Sequence
		if e.Seq == 1 {
			h.first = ack.Sequence
		}
		out = append(out, e)
	}
	// The events are stored; a failed checkpoint is not reported (the caller would append them
	// twice): the next append writes it again, and until retention empties the subject the
	// stream itself is the authority. So the append does not wait for it either: it is
	// published without awaiting the acknowledgement (one connection keeps an agent's
	// checkpoints in order), which takes a replicated write off every event's latency.
	cp, _ := json.Marshal(checkpoint{Seq: h.seq, Pos: h.pos, First: h.first})
	_, _ = s.js.PublishAsync(s.agentsSubj+token(agentID), cp)
	return out, nil
}

// observeAppended raises s.appended to pos (appends of many agents finish in any order).
func (s *Store) observeAppended(pos uint64) {
	for {
		cur := s.appended.Load()
		if pos <= cur || s.appended.CompareAndSwap(cur, pos) {
			return
		}
	}
}

// maxConflicts bounds how often one append reloads after another writer got in first.
const maxConflicts = 64

// pause waits a random time that grows with the number of conflicts, up to 10 ms.
func pause(ctx context.Context, conflicts int) error {
	d := time.Duration(rand.Int64N(int64(min(conflicts, 10)) * int64(time.Millisecond)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next returns the first event retention keeps (see view) at or after stream sequence from on
// subj (a wildcard for all agents), or nil.
func (s *Store) next(ctx context.Context, v *view, subj string, from uint64) (*decoded, error) {
	for {
		d, err := s.nextStored(ctx, subj, from)
		if err != nil || d == nil {
			return d, err
		}
		if ok, err := v.kept(ctx, d); ok || err != nil {
			return d, err
		}
		from = d.ev.Pos + 1
	}
}

// alive reports whether retention by age still keeps d: its age may reach MaxAge, not exceed it.
func (s *Store) alive(d *decoded) bool { return s.now().UnixNano()-d.at <= s.maxAge }

// view answers, within one call, which stored events retention keeps. By age: events older
// than MaxAge on this store's clock are dropped, though the server's MaxAge removes them on its
// own timer a moment later. By count: the stream keeps store.ExactGapDrops+1 events per agent
// beyond MaxEvents, so Gaps can still name where a reader's loss starts; reads keep only an
// agent's newest MaxEvents, judged against its newest Seq, looked up once per call.
type view struct {
	s      *Store
	newest map[string]uint64
}

func (s *Store) newView() *view { return &view{s: s, newest: map[string]uint64{}} }

func (v *view) kept(ctx context.Context, d *decoded) (bool, error) {
	if !v.s.alive(d) {
		return false, nil
	}
	n, ok := v.newest[d.ev.AgentID]
	if !ok {
		m, err := v.s.events.GetLastMsgForSubject(ctx, v.s.subject(d.ev.AgentID))
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			return false, nil // deleted since it was read
		case err != nil:
			return false, v.s.wrap(ctx, "read", err)
		}
		nd, err := decodeEvent(m)
		if err != nil {
			return false, err
		}
		n = nd.ev.Seq
		v.newest[d.ev.AgentID] = n
	}
	return d.ev.Seq+uint64(v.s.maxEvents) > n, nil
}

// nextStored returns the first stored event at or after from on subj, expired or not.
func (s *Store) nextStored(ctx context.Context, subj string, from uint64) (*decoded, error) {
	m, err := s.events.GetMsg(ctx, from, jetstream.WithGetMsgSubject(subj))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(ctx, "read", err)
	}
	d, err := decodeEvent(m)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Read implements store.Events. On a single-replica stream it uses batched direct gets (see
// direct.go). Otherwise every event is one request to the stream leader: a direct get could be
// answered by a lagging follower, and a merge of agents read from different states could skip
// a position.
func (s *Store) Read(ctx context.Context, agentIDs []string, after uint64, limit int) ([]store.Event, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if limit < 1 {
		return nil, invalid("limit %d", limit)
	}
	if after == math.MaxUint64 {
		return nil, nil
	}
	switch {
	case s.direct:
		return s.readDirect(ctx, agentIDs, after, limit)
	case len(agentIDs) == 0:
		return s.readTail(ctx, after, limit)
	}
	v := s.newView()
	var out []store.Event
	if len(agentIDs) == 0 {
		for cursor := after; len(out) < limit; {
			d, err := s.next(ctx, v, s.subjPre+">", cursor+1)
			if err != nil || d == nil {
				return out, err
			}
			out = append(out, d.ev)
			cursor = d.ev.Pos
		}
		return out, nil
	}
	// Merge the listed agents' logs: each has its next event; the smallest Pos goes first.
	// Only positions up to the stream's last sequence when the read began count: an agent
	// looked up early could otherwise miss an event stored before a later agent's event that
	// the merge returns, and the reader's cursor would pass it.
	info, err := s.events.Info(ctx)
	if err != nil {
		return nil, s.wrap(ctx, "read", err)
	}
	bound := info.State.LastSeq
	ids := uniq(agentIDs)
	heads := make([]*decoded, 0, len(ids))
	subjs := make([]string, 0, len(ids))
	for _, id := range ids {
		d, err := s.next(ctx, v, s.subject(id), after+1)
		if err != nil {
			return nil, err
		}
		if d != nil && d.ev.Pos <= bound {
			heads, subjs = append(heads, d), append(subjs, s.subject(id))
		}
	}
	for len(out) < limit && len(heads) > 0 {
		i := 0
		for j := range heads {
			if heads[j].ev.Pos < heads[i].ev.Pos {
				i = j
			}
		}
		out = append(out, heads[i].ev)
		if len(out) == limit {
			break
		}
		d, err := s.next(ctx, v, subjs[i], heads[i].ev.Pos+1)
		if err != nil {
			return nil, err
		}
		if d == nil || d.ev.Pos > bound {
			heads, subjs = slices.Delete(heads, i, i+1), slices.Delete(subjs, i, i+1)
		} else {
			heads[i] = d
		}
	}
	return out, nil
}

func uniq(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// Head implements store.Events: the stream's last sequence, which purges and expiry leave
// alone. The epoch is the stream's creation time, which changes only when the stream is
// recreated and its sequences restart.
func (s *Store) Head(ctx context.Context) (uint64, string, error) {
	if err := s.check(ctx); err != nil {
		return 0, "", err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	info, err := s.events.Info(ctx)
	if err != nil {
		return 0, "", s.wrap(ctx, "head", err)
	}
	return info.State.LastSeq, s.stream + "@" + strconv.FormatInt(info.Created.UnixNano(), 36), nil
}

// DeleteEvents implements store.Events.
func (s *Store) DeleteEvents(ctx context.Context, agentID string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if agentID == "" {
		return invalid("empty agent id")
	}
	h := s.head(agentID)
	if err := h.lock(ctx); err != nil {
		return err
	}
	defer h.unlock()
	h.loaded = false
	if err := s.events.Purge(ctx, jetstream.WithPurgeSubject(s.subject(agentID))); err != nil {
		return s.wrap(ctx, "delete events", err)
	}
	if err := s.agents.Delete(ctx, token(agentID)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return s.wrap(ctx, "delete checkpoint", err)
	}
	return nil
}
