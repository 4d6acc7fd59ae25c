package core

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// StreamParams selects what a stream carries.
type StreamParams struct {
	AgentIDs    []string // empty: every agent
	EventTypes  []string // empty: every event type
	ResumeAfter string   // a cursor from an earlier stream; empty: start live
	Heartbeat   time.Duration
}

// StreamMsg is one message of a stream; exactly one field is set.
type StreamMsg struct {
	Snapshot  *Snapshot
	Event     *Logged
	Gap       *GapMsg
	Heartbeat *HeartbeatMsg
}

// Snapshot is the first message of every stream: the state of each agent in scope.
type Snapshot struct {
	Agents []AgentSnapshot
	Cursor string // where the stream continues from
}

// AgentSnapshot is one agent's state at the snapshot's position: its view, with the session
// state and lost reason its latest session change set (or, for a log without session changes,
// what the store holds).
type AgentSnapshot struct {
	View       AgentView
	Session    store.SessionState
	LostReason string
}

// GapMsg says events of one agent that the client asked for will not be delivered: dropped by
// retention, or (LogRestarted) lost with an earlier run of an in-memory log. A stream sends it in
// log order, right before the agent's next event, so that ResumeCursor (the position just before
// that event) is past the missing range and past everything the stream sent before it.
type GapMsg struct {
	AgentID      string
	FromSeq      uint64 // 0: unknown; the gap starts after the last sequence the client saw
	ToSeq        uint64 // 0 with LogRestarted: the earlier log's numbering is gone
	ResumeCursor string
	LogRestarted bool // the cursor predates a restart of the event log, not a retention drop
}

// HeartbeatMsg keeps an idle stream alive; its cursor is a safe resume point.
type HeartbeatMsg struct {
	Time   time.Time
	Cursor string
}

// Stream sends the snapshot, then the retained events after ResumeAfter (with gap markers for
// any that retention dropped), then live events, until ctx ends, send fails, or the client falls
// behind (a *SlowSubscriberError carrying the last delivered cursor). Per agent, events arrive
// in order, each once after the cursor.
func (c *Core) Stream(ctx context.Context, p StreamParams, send func(StreamMsg) error) error {
	var resume *cursor
	if p.ResumeAfter != "" {
		cur, err := parseCursor(p.ResumeAfter)
		if err != nil {
			return err
		}
		resume = &cur
	}
	if p.Heartbeat <= 0 {
		p.Heartbeat = c.opts.Heartbeat
	}
	sub, head, epoch, views := c.hub.subscribe(p.AgentIDs, p.EventTypes, c.opts.SubscriberBuffer)
	defer c.hub.unsubscribe(sub)

	// The snapshot describes the agents at head, and says so with its cursor. Replayed events
	// (those up to head) are already reflected in it: their sequence is at most the agent's
	// LastSeq.
	snap, err := c.snapshot(ctx, p.AgentIDs, views)
	if err != nil {
		return err
	}
	snap.Cursor = cursor{epoch: epoch, pos: head}.String()
	if err := send(StreamMsg{Snapshot: snap}); err != nil {
		return err
	}
	// delivered is the position up to which the client has everything it asked for.
	delivered := head
	if resume != nil {
		r := replayer{c: c, p: p, sub: sub, epoch: epoch, head: head, send: send, headSeq: map[string]uint64{}}
		for _, v := range views {
			if v.LastSeq > 0 {
				r.headSeq[v.AgentID] = v.LastSeq
			}
		}
		if resume.epoch != epoch {
			// The cursor comes from an earlier run of the event log: its positions mean nothing
			// here, so every retained event is replayed and each agent is told of the restart.
			r.restarted = map[string]bool{}
			resume.pos = 0
		}
		if resume.pos < head || r.restarted != nil {
			if err := r.run(ctx, resume.pos); err != nil {
				return err
			}
		} else {
			delivered = resume.pos // a cursor newer than the subscription point: live skips up to it
		}
	}
	return c.live(ctx, p, sub, epoch, delivered, send)
}

// replayer sends the retained events in (after, head] with the gaps among them.
//
// Retention keeps dropping events while a replay runs, so gaps are learnt as the replay goes:
// for an agent first met in a batch, from the store's Gaps asked after reading the batch (every
// drop that hid one of its events from the read shows there); for an agent already met, from a
// jump in its sequence. At the end the store's gaps are asked once more: for agents without an
// event in (after, head], and for events dropped after the replay passed an agent's last one.
// Gaps stop at the agent's sequence at head: later events belong to the live part.
type replayer struct {
	c     *Core
	p     StreamParams
	sub   *subscriber
	epoch string
	head  uint64
	after uint64
	// headSeq is each agent's last sequence at head (the hub's views at subscription), for the
	// agents the hub has seen events of.
	headSeq map[string]uint64
	send    func(StreamMsg) error
	// last is, per agent met, the last sequence the client has been given or told is missing.
	last map[string]uint64
	// pending are store gaps of agents met in the current batch, sent before their first event.
	pending map[string]store.Gap
	// restarted is non-nil when the cursor predates a restart of the log; it records the agents
	// already told so.
	restarted map[string]bool
}

func (r *replayer) run(ctx context.Context, after uint64) error {
	r.after, r.last, r.pending = after, map[string]uint64{}, map[string]store.Gap{}
	for pos := after; pos < r.head; {
		evs, err := r.c.st.Read(ctx, r.p.AgentIDs, pos, 512)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		if err := r.learnGaps(ctx, evs); err != nil {
			return err
		}
		for i := range evs {
			ev := &evs[i]
			if ev.Pos > r.head {
				return r.remainingGaps(ctx) // the live part delivers it
			}
			if err := r.gapsBefore(ev); err != nil {
				return err
			}
			pos = ev.Pos
			if r.sub.wants(ev.Type) {
				if err := r.send(StreamMsg{Event: &Logged{Event: *ev, Cursor: r.cursor(ev.Pos)}}); err != nil {
					return err
				}
			}
		}
	}
	return r.remainingGaps(ctx)
}

// learnGaps asks the store for the gaps of the agents first met in evs.
func (r *replayer) learnGaps(ctx context.Context, evs []store.Event) error {
	var fresh []string
	for i := range evs {
		if _, met := r.last[evs[i].AgentID]; !met && !slices.Contains(fresh, evs[i].AgentID) {
			fresh = append(fresh, evs[i].AgentID)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	gaps, err := r.c.st.Gaps(ctx, fresh, r.after)
	if err != nil {
		return err
	}
	for _, g := range gaps {
		r.pending[g.AgentID] = g
	}
	return nil
}

// gapsBefore sends what the client must hear about ev's agent before ev itself.
func (r *replayer) gapsBefore(ev *store.Event) error {
	at := r.cursor(ev.Pos - 1)
	if r.restarted != nil && !r.restarted[ev.AgentID] {
		r.restarted[ev.AgentID] = true
		if err := r.send(StreamMsg{Gap: &GapMsg{AgentID: ev.AgentID, ResumeCursor: at, LogRestarted: true}}); err != nil {
			return err
		}
	}
	var gap *GapMsg
	if last, met := r.last[ev.AgentID]; met {
		if ev.Seq > last+1 {
			gap = &GapMsg{AgentID: ev.AgentID, FromSeq: last + 1, ToSeq: ev.Seq - 1}
		}
	} else if g, ok := r.pending[ev.AgentID]; ok {
		delete(r.pending, ev.AgentID)
		// Events dropped after this one was read are not missing: the client gets this one.
		if to := min(g.ToSeq, ev.Seq-1); g.FromSeq <= to && to > 0 {
			gap = &GapMsg{AgentID: ev.AgentID, FromSeq: g.FromSeq, ToSeq: to}
		}
	}
	r.last[ev.AgentID] = ev.Seq
	if gap == nil {
		return nil
	}
	gap.ResumeCursor = at
	return r.send(StreamMsg{Gap: gap})
}

// remainingGaps sends, in agent-id order, what is missing up to head and was not reported yet,
// resuming at head: everything up to it has been sent.
func (r *replayer) remainingGaps(ctx context.Context) error {
	gaps, err := r.c.st.Gaps(ctx, r.p.AgentIDs, r.after)
	if err != nil {
		return err
	}
	at := r.cursor(r.head)
	var msgs []*GapMsg
	if r.restarted != nil {
		for _, id := range r.p.AgentIDs {
			if !r.restarted[id] {
				msgs = append(msgs, &GapMsg{AgentID: id, ResumeCursor: at, LogRestarted: true})
			}
		}
	}
	for _, g := range gaps {
		from, to := g.FromSeq, g.ToSeq
		if hs, ok := r.headSeq[g.AgentID]; ok {
			to = min(to, hs)
		}
		if last, met := r.last[g.AgentID]; met {
			from = max(from, last+1)
		}
		if to > 0 && from <= to {
			msgs = append(msgs, &GapMsg{AgentID: g.AgentID, FromSeq: from, ToSeq: to, ResumeCursor: at})
		}
	}
	slices.SortStableFunc(msgs, func(a, b *GapMsg) int { return store.CompareAgentIDs(a.AgentID, b.AgentID) })
	for _, g := range msgs {
		if err := r.send(StreamMsg{Gap: g}); err != nil {
			return err
		}
	}
	return nil
}

func (r *replayer) cursor(pos uint64) string { return cursor{epoch: r.epoch, pos: pos}.String() }

func (c *Core) live(ctx context.Context, p StreamParams, sub *subscriber, epoch string, delivered uint64, send func(StreamMsg) error) error {
	hb := time.NewTimer(p.Heartbeat)
	defer hb.Stop()
	for {
		select {
		case ev := <-sub.ch:
			select {
			case <-sub.gone: // cut off: stop at once rather than drain a buffer that has a hole after it
				return cutOff(epoch, delivered)
			default:
			}
			if ev.Pos <= delivered {
				continue // already sent by the replay (a cursor newer than the subscription point)
			}
			if err := send(StreamMsg{Event: ev}); err != nil {
				return err
			}
			delivered = ev.Pos
			hb.Reset(p.Heartbeat)
		case <-sub.gone:
			return cutOff(epoch, delivered)
		case <-hb.C:
			if pos, ok := c.hub.caughtUp(sub); ok && pos > delivered {
				delivered = pos
			}
			msg := &HeartbeatMsg{Time: time.Now().UTC(), Cursor: cursor{epoch: epoch, pos: delivered}.String()}
			if err := send(StreamMsg{Heartbeat: msg}); err != nil {
				return err
			}
			hb.Reset(p.Heartbeat)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func cutOff(epoch string, delivered uint64) error {
	return &SlowSubscriberError{Cursor: cursor{epoch: epoch, pos: delivered}.String()}
}

// snapshot lists the agents in scope that the bridge holds a session for at the subscription
// position, in agent-id order. An agent's log decides when it holds a session change, so the
// snapshot agrees with the changes replayed or streamed after it; the store is asked only for
// agents whose log has none.
func (c *Core) snapshot(ctx context.Context, agents []string, views []AgentView) (*Snapshot, error) {
	snap := &Snapshot{}
	byID := make(map[string]AgentView, len(views))
	for _, v := range views {
		byID[v.AgentID] = v
		if v.SessionKnown && v.Session != 0 {
			snap.Agents = append(snap.Agents, AgentSnapshot{View: v, Session: v.Session, LostReason: v.LostReason})
		}
	}
	add := func(s store.Session) {
		v, ok := byID[s.AgentID]
		if ok && v.SessionKnown {
			return // decided by its log above
		}
		if !ok {
			v = AgentView{AgentID: s.AgentID}
		}
		snap.Agents = append(snap.Agents, AgentSnapshot{View: v.forSession(s.State), Session: s.State, LostReason: s.LostReason})
	}
	sortAgents := func() {
		slices.SortFunc(snap.Agents, func(a, b AgentSnapshot) int { return store.CompareAgentIDs(a.View.AgentID, b.View.AgentID) })
	}
	if len(agents) > 0 {
		for _, id := range agents {
			s, err := c.st.GetSession(ctx, id)
			switch {
			case err == nil:
				add(s)
			case !errors.Is(err, store.ErrNotFound):
				return nil, err
			}
		}
		sortAgents()
		return snap, nil
	}
	for after := ""; ; {
		ss, err := c.st.ListSessions(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		if len(ss) == 0 {
			sortAgents()
			return snap, nil
		}
		for _, s := range ss {
			add(s)
		}
		after = ss[len(ss)-1].AgentID
	}
}
