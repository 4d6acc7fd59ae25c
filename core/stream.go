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

// GapMsg says events the client asked for are gone: dropped by retention, or (LogRestarted)
// from an earlier run of an in-memory log.
type GapMsg struct {
	AgentID      string
	FromSeq      uint64 // 0: unknown; the gap starts after the last sequence the client saw
	ToSeq        uint64
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

	// delivered is the position up to which the client has everything it asked for.
	delivered := head
	if resume != nil && resume.epoch == epoch {
		delivered = resume.pos
	} else if resume != nil {
		delivered = 0
	}
	snap, err := c.snapshot(ctx, p.AgentIDs, views)
	if err != nil {
		return err
	}
	snap.Cursor = cursor{epoch: epoch, pos: delivered}.String()
	if err := send(StreamMsg{Snapshot: snap}); err != nil {
		return err
	}
	if resume != nil {
		if resume.epoch != epoch {
			// The cursor comes from an earlier run of the event log: sequences may have restarted.
			gap := &GapMsg{ResumeCursor: snap.Cursor, LogRestarted: true}
			if err := send(StreamMsg{Gap: gap}); err != nil {
				return err
			}
		}
		if delivered, err = c.replay(ctx, p, sub, epoch, delivered, head, send); err != nil {
			return err
		}
	}
	return c.live(ctx, p, sub, epoch, delivered, send)
}

// replay sends gap markers and the retained events in (after, head].
func (c *Core) replay(ctx context.Context, p StreamParams, sub *subscriber, epoch string, after, head uint64, send func(StreamMsg) error) (uint64, error) {
	gaps, err := c.st.Gaps(ctx, p.AgentIDs, after)
	if err != nil {
		return after, err
	}
	resumeCur := cursor{epoch: epoch, pos: after}.String()
	for _, g := range gaps {
		msg := &GapMsg{AgentID: g.AgentID, FromSeq: g.FromSeq, ToSeq: g.ToSeq, ResumeCursor: resumeCur}
		if err := send(StreamMsg{Gap: msg}); err != nil {
			return after, err
		}
	}
	pos := after
	for pos < head {
		evs, err := c.st.Read(ctx, p.AgentIDs, pos, 512)
		if err != nil {
			return pos, err
		}
		if len(evs) == 0 {
			break
		}
		for i := range evs {
			if evs[i].Pos > head {
				return pos, nil // the live part delivers it
			}
			pos = evs[i].Pos
			if !sub.wants(evs[i].Type) {
				continue
			}
			ev := &Logged{Event: evs[i], Cursor: cursor{epoch: epoch, pos: pos}.String()}
			if err := send(StreamMsg{Event: ev}); err != nil {
				return pos, err
			}
		}
	}
	return head, nil
}

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
