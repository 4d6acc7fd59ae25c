package nats

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// batch asks the stream, in one direct batch get, for up to n stored events at or after from
// on subj (a wildcard for all agents). more reports whether the server has further matches.
// Any replica answers a direct get, and a lagging follower answers with an older state: on a
// replicated stream only readTail uses it, and confirms the end with the leader.
func (s *Store) batch(ctx context.Context, subj string, from uint64, n int) (_ []decoded, more bool, err error) {
	req, _ := json.Marshal(struct {
		Seq     uint64 `json:"seq"`
		NextFor string `json:"next_by_subj"`
		Batch   int    `json:"batch"`
	}{from, subj, n})
	replies, done, err := s.mux.request(s.js.Conn(), "$JS.API.DIRECT.GET."+s.stream, req, n+1)
	if err != nil {
		return nil, false, s.wrap(ctx, "read", err)
	}
	defer done()
	out := make([]decoded, 0, n)
	for {
		var m *natsgo.Msg
		select {
		case m = <-replies:
		case <-ctx.Done():
			return nil, false, s.wrap(ctx, "read", ctx.Err())
		case <-s.closedCh:
			return nil, false, store.ErrClosed
		}
		switch st := m.Header.Get("Status"); st {
		case "":
		case "204": // end of batch
			return out, m.Header.Get("Nats-Num-Pending") != "0", nil
		case "404": // nothing at or after from
			return out, false, nil
		default:
			return nil, false, fmt.Errorf("store/nats: read: direct get answered %s %s", st, m.Header.Get("Description"))
		}
		seq, err := strconv.ParseUint(m.Header.Get(jetstream.SequenceHeader), 10, 64)
		if err != nil {
			return nil, false, fmt.Errorf("store/nats: read: direct get without a sequence")
		}
		d, err := decodeEvent(&jetstream.RawStreamMsg{Subject: m.Header.Get(jetstream.SubjectHeader), Sequence: seq, Data: m.Data})
		if err != nil {
			return nil, false, err
		}
		out = append(out, d)
	}
}

// collect returns up to limit kept events at or after from on subj with Pos <= bound.
func (s *Store) collect(ctx context.Context, v *view, subj string, from uint64, limit int, bound uint64) ([]store.Event, error) {
	var out []store.Event
	for len(out) < limit && from <= bound {
		got, more, err := s.batch(ctx, subj, from, limit-len(out))
		if err != nil {
			return nil, err
		}
		for i := range got {
			if got[i].ev.Pos > bound {
				return out, nil
			}
			ok, err := v.kept(ctx, &got[i])
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, got[i].ev)
			}
			from = got[i].ev.Pos + 1
		}
		if !more || len(got) == 0 {
			break
		}
	}
	return out, nil
}

// readTail is Read of every agent's events on a replicated stream, what the hub does after
// every append. The stream leader has every acknowledged event, so the read asks it for the
// next event after the cursor, one request each, until it answers that there is none: the end
// is then confirmed, and a tail of one event (the usual case) costs two requests. A longer
// tail is read in one direct batch get, which any replica answers: a replica's log is a correct
// prefix of the leader's (a stored message never changes), perhaps short of the newest, and
// the leader is asked again from where the batch ended. With the end confirmed at L, an event
// less than MaxEvents before L is among its agent's newest MaxEvents, so the tail needs no
// retention lookup either.
func (s *Store) readTail(ctx context.Context, after uint64, limit int) ([]store.Event, error) {
	all := s.subjPre + ">"
	var got []decoded
	from, confirmed := after+1, false
	for leaderReads := 0; len(got) < limit; leaderReads++ {
		if leaderReads >= tailLeaderReads {
			batch, _, err := s.batch(ctx, all, from, limit-len(got))
			if err != nil {
				return nil, err
			}
			if n := len(batch); n > 0 {
				got, from = append(got, batch...), batch[n-1].ev.Pos+1
			}
			if len(got) == limit {
				break
			}
		}
		d, err := s.nextStored(ctx, all, from)
		if err != nil {
			return nil, err
		}
		if d == nil {
			confirmed = true // nothing at or after from: from-1 is the end
			break
		}
		got, from = append(got, *d), d.ev.Pos+1
	}
	v := s.newView()
	out := make([]store.Event, 0, len(got))
	for i := range got {
		d := &got[i]
		ok := confirmed && s.alive(d) && from-1-d.ev.Pos < uint64(s.maxEvents)
		if !ok {
			var err error
			if ok, err = v.kept(ctx, d); err != nil {
				return nil, err
			}
		}
		if ok {
			out = append(out, d.ev)
		}
	}
	// A full page of which retention dropped some: fill it from the leader, as Read does.
	for cursor := from - 1; !confirmed && len(out) < limit; {
		d, err := s.next(ctx, v, all, cursor+1)
		if err != nil || d == nil {
			return out, err
		}
		out = append(out, d.ev)
		cursor = d.ev.Pos
	}
	return out, nil
}

// tailLeaderReads is how many events readTail asks the leader for one by one before it reads
// the rest of a longer tail in a direct batch.
const tailLeaderReads = 2

// readDirect is Read on a single-replica stream: one batch request for all agents, or one
// per listed agent merged by Pos.
func (s *Store) readDirect(ctx context.Context, agentIDs []string, after uint64, limit int) ([]store.Event, error) {
	v := s.newView()
	if len(agentIDs) == 0 {
		return s.collect(ctx, v, s.subjPre+">", after+1, limit, ^uint64(0))
	}
	// As in Read: only positions up to the last sequence when the read began count.
	info, err := s.events.Info(ctx)
	if err != nil {
		return nil, s.wrap(ctx, "read", err)
	}
	var all []store.Event
	for _, id := range uniq(agentIDs) {
		evs, err := s.collect(ctx, v, s.subject(id), after+1, limit, info.State.LastSeq)
		if err != nil {
			return nil, err
		}
		all = append(all, evs...)
	}
	slices.SortFunc(all, func(a, b store.Event) int { return cmp.Compare(a.Pos, b.Pos) })
	return all[:min(limit, len(all))], nil
}

// replyMux routes replies of many-message requests (direct batch gets) to their callers over
// one wildcard subscription, opened on first use: a subscription per request would change the
// server's subject index on every read, which slows every publish.
type replyMux struct {
	mu      sync.Mutex
	sub     *natsgo.Subscription
	prefix  string // "<inbox>."
	next    uint64
	waiters map[string]chan *natsgo.Msg
}

// request publishes data to subj and returns a channel receiving up to max replies (it never
// blocks the connection's dispatch: replies beyond max are dropped) and a func that ends it.
func (x *replyMux) request(nc *natsgo.Conn, subj string, data []byte, max int) (<-chan *natsgo.Msg, func(), error) {
	x.mu.Lock()
	if x.sub == nil {
		inbox := nc.NewInbox()
		sub, err := nc.Subscribe(inbox+".*", x.dispatch)
		if err != nil {
			x.mu.Unlock()
			return nil, nil, err
		}
		x.sub, x.prefix, x.waiters = sub, inbox+".", map[string]chan *natsgo.Msg{}
	}
	x.next++
	token := strconv.FormatUint(x.next, 36)
	ch := make(chan *natsgo.Msg, max)
	x.waiters[token] = ch
	prefix := x.prefix
	x.mu.Unlock()
	done := func() {
		x.mu.Lock()
		delete(x.waiters, token)
		x.mu.Unlock()
	}
	if err := nc.PublishRequest(subj, prefix+token, data); err != nil {
		done()
		return nil, nil, err
	}
	return ch, done, nil
}

func (x *replyMux) dispatch(m *natsgo.Msg) {
	x.mu.Lock()
	ch := x.waiters[strings.TrimPrefix(m.Subject, x.prefix)]
	x.mu.Unlock()
	if ch != nil {
		select {
		case ch <- m:
		default: // more than asked for: not ours to block on
		}
	}
}

// close ends the subscription.
func (x *replyMux) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sub != nil {
		_ = x.sub.Unsubscribe()
	}
}
