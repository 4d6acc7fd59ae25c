package core

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// hub tails the store's event log once for the whole process and fans each event out to the
// streams and outcome waiters that want it. Reading the log (rather than taking events straight
// from pollers) means every replica sees every agent's events, whichever replica polls them.
//
// Delivery to a subscriber is a non-blocking send into its bounded channel: a slow stream loses
// its subscription (and is told where to resume) instead of slowing the hub, the pollers or the
// other streams.
type hub struct {
	st      store.Events
	log     *slog.Logger
	metrics *Metrics
	batch   int

	mu      sync.Mutex
	pos     uint64 // every event with Pos <= pos has been dispatched
	epoch   string
	views   map[string]*AgentView
	byAgent map[string]map[*subscriber]struct{}
	all     map[*subscriber]struct{}
	out     outcomes

	wake     chan struct{}
	progress chan struct{} // closed and replaced whenever pos advances (see waitFor)
	stopped  chan struct{} // closed when the hub stops dispatching
}

type subscriber struct {
	agents map[string]struct{} // nil: every agent
	types  map[string]struct{} // nil: every event type
	ch     chan *Logged
	gone   chan struct{} // closed when the hub dropped the subscriber for falling behind
}

func (s *subscriber) wants(eventType string) bool {
	if s.types == nil || eventType == SessionChangeType { // session changes pass every filter
		return true
	}
	_, ok := s.types[eventType]
	return ok
}

func newHub(st store.Events, log *slog.Logger, m *Metrics) *hub {
	return &hub{
		st: st, log: log, metrics: m, batch: 512,
		views:    map[string]*AgentView{},
		byAgent:  map[string]map[*subscriber]struct{}{},
		all:      map[*subscriber]struct{}{},
		out:      outcomes{transfers: map[callKey][]*pendingTransfer{}, calls: map[string]map[*pendingCall]struct{}{}},
		wake:     make(chan struct{}, 1),
		progress: make(chan struct{}),
		stopped:  make(chan struct{}),
	}
}

// start replays the retained log into the agent views, then tails it until ctx ends. The
// returned function waits for the tailing goroutines to exit.
func (h *hub) start(ctx context.Context) (wait func(), err error) {
	_, epoch, err := h.st.Head(ctx)
	if err != nil {
		return nil, err
	}
	h.epoch = epoch
	if err := h.catchUp(ctx); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		err := h.st.Watch(ctx, func(uint64) {
			select {
			case h.wake <- struct{}{}:
			default: // a wake-up is already pending; it will read everything new
			}
		})
		if err != nil && ctx.Err() == nil {
			h.log.Error("event log watch ended", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		defer close(h.stopped)
		for {
			select {
			case <-ctx.Done():
				return
			case <-h.wake:
				if err := h.catchUp(ctx); err != nil && ctx.Err() == nil {
					h.log.Error("reading the event log", "err", err)
				}
			}
		}
	}()
	return wg.Wait, nil
}

// catchUp dispatches everything appended since the last call. Only the hub goroutine calls it
// (and start, before that goroutine exists), so h.pos is read here without the lock.
func (h *hub) catchUp(ctx context.Context) error {
	for {
		evs, err := h.st.Read(ctx, nil, h.pos, h.batch)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		now := time.Now()
		logged := make([]Logged, len(evs))
		for i := range evs {
			// The cursor is encoded once here, not once per subscriber.
			logged[i] = Logged{Event: evs[i], Cursor: cursor{epoch: h.epoch, pos: evs[i].Pos}.String()}
		}
		h.mu.Lock()
		for i := range logged {
			h.dispatch(&logged[i], now)
		}
		close(h.progress)
		h.progress = make(chan struct{})
		h.mu.Unlock()
	}
}

// dispatch is called with h.mu held.
func (h *hub) dispatch(ev *Logged, now time.Time) {
	v := h.views[ev.AgentID]
	if v == nil {
		v = &AgentView{AgentID: ev.AgentID}
		h.views[ev.AgentID] = v
	}
	v.apply(&ev.Event)
	v.LastCursor = ev.Cursor
	for s := range h.byAgent[ev.AgentID] {
		h.deliver(s, ev)
	}
	for s := range h.all {
		h.deliver(s, ev)
	}
	h.out.observe(ev)
	h.pos = ev.Pos
	h.metrics.observeDispatch(&ev.Event, now)
}

func (h *hub) deliver(s *subscriber, ev *Logged) {
	if !s.wants(ev.Type) {
		return
	}
	select {
	case s.ch <- ev:
	default:
		h.removeLocked(s)
		close(s.gone)
		h.metrics.SubscribersCutOff.Inc()
	}
}

// subscribe registers a stream and returns the position from which live delivery starts and
// the views of the agents in scope at that position, all under one lock so the snapshot, the
// replay (events <= pos, read from the store) and the live part (> pos) fit without a gap or a
// duplicate.
func (h *hub) subscribe(agents, types []string, buffer int) (*subscriber, uint64, string, []AgentView) {
	s := &subscriber{ch: make(chan *Logged, buffer), gone: make(chan struct{})}
	if len(types) > 0 {
		s.types = toSet(types)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var views []AgentView
	if len(agents) == 0 {
		h.all[s] = struct{}{}
		for _, v := range h.views {
			views = append(views, v.clone())
		}
	} else {
		s.agents = toSet(agents)
		for id := range s.agents {
			m := h.byAgent[id]
			if m == nil {
				m = map[*subscriber]struct{}{}
				h.byAgent[id] = m
			}
			m[s] = struct{}{}
			if v := h.views[id]; v != nil {
				views = append(views, v.clone())
			} else {
				views = append(views, AgentView{AgentID: id})
			}
		}
	}
	h.metrics.Subscribers.Inc()
	return s, h.pos, h.epoch, views
}

func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(s)
}

func (h *hub) removeLocked(s *subscriber) {
	removed := false
	if s.agents == nil {
		if _, ok := h.all[s]; ok {
			delete(h.all, s)
			removed = true
		}
	} else {
		for id := range s.agents {
			if _, ok := h.byAgent[id][s]; ok {
				delete(h.byAgent[id], s)
				removed = true
				if len(h.byAgent[id]) == 0 {
					delete(h.byAgent, id)
				}
			}
		}
	}
	if removed {
		h.metrics.Subscribers.Dec()
	}
}

// caughtUp returns the hub position when the subscriber has nothing queued: every event up to it
// that the subscriber wants has been handed over, so it is a safe resume point for a heartbeat.
func (h *hub) caughtUp(s *subscriber) (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(s.ch) > 0 {
		return 0, false
	}
	return h.pos, true
}

// waitFor returns once every event up to pos has been dispatched, or when ctx ends.
func (h *hub) waitFor(ctx context.Context, pos uint64) {
	for {
		h.mu.Lock()
		done, ch := h.pos >= pos, h.progress
		h.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-h.stopped:
			return
		}
	}
}

// view returns a copy of one agent's view.
func (h *hub) view(agent string) (AgentView, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.views[agent]
	if !ok {
		return AgentView{AgentID: agent}, false
	}
	return v.clone(), true
}

func toSet(xs []string) map[string]struct{} {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		m[x] = struct{}{}
	}
	return m
}
