package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// poller is the one long-polling consumer of an agent's events. The gateway hands each event to
// whichever poll asks first, so a second poller would steal events: the core runs exactly one per
// agent, guarded in-process by Core.pollers and across replicas by a store lease that a timer of
// its own renews (heldLease). Losing the lease stops the polls at once.
type poller struct {
	c           *Core
	agentID     string
	connMu      sync.Mutex // conn is replaced by adoptStoredGUID while commands read it
	conn        AgentConn
	savedGUID   string      // the GUID the store holds, as far as this poller knows
	handingOver atomic.Bool // a sign-out or forced sign-in is in flight: refusals are expected
	lease       *heldLease
	lost        atomic.Bool // the poller found the session lost and is on its way out

	// pending holds events taken from the gateway that the store has not accepted yet (an
	// outage): they exist nowhere else. Only the poller's goroutine touches it.
	pending []store.Event
	// uncertain: an append of pending events failed in a way that does not say whether the store
	// kept them (a timeout, a cut connection); the next attempt first drops those it finds in the
	// agent's log after checkFrom, so a retry never logs an event twice.
	uncertain bool
	checkFrom uint64

	cancel      context.CancelFunc // stops polling at once, cutting a poll in flight
	drainCancel context.CancelFunc // stops polling once the poll in flight has been answered
	flushCancel context.CancelFunc // gives up storing pending events
	done        chan struct{}
}

func leaseKey(agentID string) string { return "poller." + agentID }

func (c *Core) poller(agentID string) *poller {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pollers[agentID]
}

func (c *Core) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// ErrPolledElsewhere: another replica holds the agent's poller lease.
var ErrPolledElsewhere = errors.New("another bridge replica is polling this agent")

// errPolledHere: this process already runs the agent's poller.
var errPolledHere = errors.New("this replica already polls the agent")

// startPoller takes the agent's poller lease and starts polling. Callers hold the agent's local
// lock, so no other poller for the agent starts here meanwhile.
func (c *Core) startPoller(s store.Session, conn AgentConn) error {
	if c.isClosed() {
		return ErrClosed
	}
	if c.poller(s.AgentID) != nil {
		return errPolledHere
	}
	ctx, cancel := context.WithCancel(c.ctx)
	lease, ok, err := c.acquireHeld(ctx, leaseKey(s.AgentID), c.opts.ReplicaID, c.opts.LeaseTTL, cancel)
	if err != nil || !ok {
		cancel()
		if err != nil {
			return storeUnavailable(err)
		}
		return ErrPolledElsewhere
	}
	flushCtx, flushCancel := context.WithCancel(c.ctx)
	loopCtx, drainCancel := context.WithCancel(ctx)
	p := &poller{c: c, agentID: s.AgentID, conn: conn, savedGUID: s.GUID, lease: lease,
		cancel: cancel, drainCancel: drainCancel, flushCancel: flushCancel, done: make(chan struct{})}
	c.mu.Lock()
	if c.closed || c.draining {
		c.mu.Unlock()
		cancel()
		drainCancel()
		flushCancel()
		lease.release()
		return ErrClosed
	}
	c.pollers[s.AgentID] = p
	delete(c.lost, s.AgentID)
	c.updateSessionGaugesLocked()
	c.mu.Unlock()
	c.m.Pollers.Inc() // here, not in run: the gauge is right as soon as the sign-in returns
	go p.run(loopCtx, ctx, flushCtx)
	return nil
}

func (p *poller) connection() AgentConn {
	p.connMu.Lock()
	defer p.connMu.Unlock()
	return p.conn
}

// halt stops polling at once; the poller still tries to store what it holds for a short grace.
func (p *poller) halt() { p.cancel() }

// drain stops polling after the poll in flight. Cutting a long poll can lose the event the
// gateway is answering it with at that instant (it has no acknowledgement), so a graceful stop
// lets the poll end by itself, within the gateway's long-poll wait, and stores what it brought.
func (p *poller) drain() { p.drainCancel() }

// wait waits for the poller to end, giving up on storing its pending events after grace.
func (p *poller) wait(grace time.Duration) {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return
	case <-t.C:
		p.flushCancel()
	}
	<-p.done
}

// stop ends the poller and waits for it; safe to call more than once.
func (p *poller) stop() {
	p.halt()
	p.wait(stopGrace)
}

// stopGrace bounds how long a stopped poller keeps trying to store events the store refused.
const stopGrace = 2 * time.Second

func (p *poller) run(loop, ctx, flushCtx context.Context) {
	c := p.c
	defer func() {
		p.flushCancel()
		c.m.Pollers.Dec()
		// Give the lease up before leaving Core.pollers: the moment the map no longer has this
		// poller, a sweep may start another one here under the same owner, whose lease a later
		// release would drop.
		p.lease.release()
		c.mu.Lock()
		if c.pollers[p.agentID] == p {
			delete(c.pollers, p.agentID)
			c.updateSessionGaugesLocked()
		}
		c.mu.Unlock()
		close(p.done)
	}()
	lost, detail := p.poll(loop, ctx, flushCtx)
	p.flushPending(flushCtx)
	if lost != ChangeUnknown {
		p.markLost(flushCtx, lost, detail)
	}
	if ctx.Err() != nil && !p.lease.valid() {
		if r := p.lease.lostReason(); r != "released" {
			c.log.Warn("poller stopped: its lease is no longer safe to use", "agent", p.agentID, "reason", r)
		}
	}
}

// poll polls until loop ends or the session is over; it returns why the session was lost
// (ChangeUnknown when it was not). A poll in flight is cut only when hard ends (a lost lease, a
// sign-out); when only loop ends (drain) its answer is awaited and kept. Appends run on
// storeCtx: an append cut off by the poller's stop may still have been stored, and appending
// the events again would log them twice.
func (p *poller) poll(loop, hard, storeCtx context.Context) (lost ChangeReason, detail string) {
	c := p.c
	ctx := hard
	bo := gatewayclient.Backoff{Min: c.opts.BackoffMin, Max: c.opts.BackoffMax}
	heartbeat := time.Now() // the last poll the gateway answered: its heartbeat for the agent
	var refused time.Time   // when the current run of refused polls began; zero: none
	for loop.Err() == nil {
		if len(p.pending) > 0 && !p.flush(storeCtx) && len(p.pending) >= c.opts.EventBuffer {
			// The store is down and the buffer full: stop taking events from the gateway, which
			// keeps them queued, rather than drop any.
			sleep(loop, bo.Next())
			continue
		}
		// A poll still unanswered when the gateway's heartbeat window closes cannot keep the
		// agent signed in any more, so it is not waited for past that point.
		pollCtx, cancel := context.WithDeadline(hard, heartbeat.Add(c.opts.HeartbeatWindow))
		ev, err := p.connection().Poll(pollCtx)
		cancel()
		if hard.Err() != nil {
			if err == nil && ev != nil { // answered as the poll was cut: keep it
				p.buffer(ev)
			}
			return ChangeUnknown, ""
		}
		p.saveGUID(ctx)
		switch {
		case err != nil && p.handingOver.Load():
			sleep(loop, c.opts.PollPause)
		case err != nil && time.Since(heartbeat) >= c.opts.HeartbeatWindow:
			return ChangeHeartbeatExpired, fmt.Sprintf(
				"the bridge could not poll the gateway for the agent for %v, the gateway's heartbeat window: the gateway has signed the agent out", c.opts.HeartbeatWindow)
		case err != nil && (gatewayclient.IsNotSignedIn(err) || gatewayclient.IsGUIDInvalid(err)):
			switch p.adoptStoredGUID(ctx) {
			case guidAdopted:
				continue
			case sessionGone:
				return ChangeUnknown, "" // signed out through another replica: nothing to record
			}
			// One refusal may be passing (a GUID race, a gateway node switching over): the
			// session is lost only if the gateway keeps refusing for LostConfirm. Re-polls go out
			// with backoff meanwhile, well inside the heartbeat window.
			if refused.IsZero() {
				refused = time.Now()
			}
			if time.Since(refused) >= c.opts.LostConfirm {
				reason, what := ChangeGUIDRefused, "refused the session's GUID"
				if gatewayclient.IsNotSignedIn(err) {
					reason, what = ChangeNotSignedIn, "said the agent is not signed in"
				}
				if ge := (*gatewayclient.Error)(nil); errors.As(err, &ge) {
					what += " (retcode " + ge.Retcode + ")"
				}
				return reason, fmt.Sprintf("the gateway %s on every poll for %v", what, c.opts.LostConfirm)
			}
			c.log.Warn("event poll refused; confirming before declaring the session lost", "agent", p.agentID, "err", err)
			sleep(loop, min(bo.Next(), c.opts.LostConfirm/4))
		case err != nil:
			c.m.PollErrors.Inc()
			c.log.Warn("event poll failed; retrying", "agent", p.agentID, "err", err)
			sleep(loop, bo.Next())
		default:
			heartbeat, refused = time.Now(), time.Time{}
			bo.Reset()
			if ev == nil {
				sleep(loop, c.opts.PollPause)
				continue
			}
			if ev.Type == SessionChangeType {
				c.log.Warn("dropped a gateway event posing as a bridge session change", "agent", p.agentID)
				continue
			}
			p.buffer(ev)
			p.flush(storeCtx)
			if ev.Type == "AgentOther_ShutdownService" && !p.handingOver.Load() {
				return ChangeSignedOutByGateway, "signed out by the gateway (AgentOther_ShutdownService)"
			}
		}
	}
	return ChangeUnknown, ""
}

func (p *poller) buffer(ev *gatewayclient.Event) {
	p.pending = append(p.pending, store.Event{
		Type: ev.Type, ReceivedAt: time.Now(), GatewayTime: ev.GenTime,
		CallID: ev.CallID, Caller: ev.Caller, Called: ev.Called, OtherPhone: ev.OtherPhone,
		Feature: ev.Feature, MediaType: ev.MediaType, Result: ev.Result, Reason: ev.Reason,
		Content: ev.Content,
	})
	p.c.buffered.Add(1)
	p.c.m.EventsBuffered.Inc()
}

// appendTimeout bounds one attempt to store pending events, so a hung store does not hold up
// the next poll (the agent's heartbeat).
const appendTimeout = 2 * time.Second

// flush tries once to store the pending events, in order; it reports whether none remain.
// While the poller trusts its lease the append is fenced by it, so a replica that lost the
// agent without noticing cannot add to its log; the store saying so stops the polls at once.
// Events polled while the lease was still trusted are the agent's all the same: once it is lost
// they are stored unfenced, late rather than never (the gateway has no way to give them back).
func (p *poller) flush(ctx context.Context) bool {
	if len(p.pending) == 0 {
		return true
	}
	actx, cancel := context.WithTimeout(ctx, appendTimeout)
	defer cancel()
	if p.uncertain {
		if err := p.dropStored(actx); err != nil {
			p.c.observeStore(err)
			return false
		}
		if len(p.pending) == 0 {
			return true
		}
	}
	from := p.c.hub.position()
	var (
		stored []store.Event
		err    error
	)
	defer func() {
		if err != nil && !errors.Is(err, store.ErrInvalidArgument) {
			if !p.uncertain {
				p.checkFrom = from
			}
			p.uncertain = true
		}
	}()
	if p.lease.valid() {
		stored, err = p.c.st.AppendFenced(actx, store.Fence{Key: leaseKey(p.agentID), Owner: p.c.opts.ReplicaID}, p.agentID, p.pending...)
		if errors.Is(err, store.ErrLeaseLost) {
			p.lease.lose("the store says another replica holds the lease")
		}
		p.dropFirst(len(stored))
	}
	if !p.lease.valid() && len(p.pending) > 0 {
		n := len(p.pending)
		stored, err = p.c.st.Append(actx, p.agentID, p.pending...)
		p.dropFirst(len(stored))
		if err == nil {
			p.c.log.Warn("stored events polled before the lease was lost", "agent", p.agentID, "events", n)
		}
	}
	p.c.observeStore(err)
	if err != nil {
		p.c.log.Debug("storing agent events failed; kept for the next attempt", "agent", p.agentID, "pending", len(p.pending), "err", err)
		return false
	}
	return len(p.pending) == 0
}

// dropStored drops the pending events the agent's log already holds after checkFrom (matched
// by receipt time and type, which the poller sets and the store keeps), after an append whose
// outcome was unknown.
func (p *poller) dropStored(ctx context.Context) error {
	type key struct {
		at  int64
		typ string
	}
	inLog := map[key]struct{}{}
	for after := p.checkFrom; ; {
		evs, err := p.c.st.Read(ctx, []string{p.agentID}, after, 512)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			inLog[key{e.ReceivedAt.UnixNano(), e.Type}] = struct{}{}
		}
		after = evs[len(evs)-1].Pos
	}
	kept := p.pending[:0]
	for _, e := range p.pending {
		if _, ok := inLog[key{e.ReceivedAt.UnixNano(), e.Type}]; !ok {
			kept = append(kept, e)
		}
	}
	if n := len(p.pending) - len(kept); n > 0 {
		p.c.log.Info("an append whose outcome was unknown had stored events; not storing them again", "agent", p.agentID, "events", n)
		p.c.buffered.Add(-int64(n))
		p.c.m.EventsBuffered.Sub(float64(n))
	}
	clear(p.pending[len(kept):])
	p.pending = kept
	p.uncertain = false
	return nil
}

// dropFirst removes the first n pending events, which the store has accepted (a batch that
// fails part-way returns the events it stored: retrying them would log them twice).
func (p *poller) dropFirst(n int) {
	if n == 0 {
		return
	}
	p.c.buffered.Add(-int64(n))
	p.c.m.EventsBuffered.Sub(float64(n))
	clear(p.pending[:n])
	p.pending = append(p.pending[:0], p.pending[n:]...)
}

// flushPending keeps trying to store what the poller holds after polling stopped (the lease was
// lost in a store outage, the session ended, the core is closing), within FlushBound. Events
// taken under a valid lease are the agent's whatever happened since, so they are stored late
// rather than lost.
func (p *poller) flushPending(ctx context.Context) {
	if len(p.pending) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, p.c.opts.FlushBound)
	defer cancel()
	bo := gatewayclient.Backoff{Min: p.c.opts.BackoffMin, Max: p.c.opts.BackoffMax}
	for !p.flush(ctx) {
		if !sleep(ctx, bo.Next()) {
			n := len(p.pending)
			p.c.log.Error("giving up on storing agent events: the store stayed unreachable", "agent", p.agentID, "events", n)
			p.c.buffered.Add(-int64(n))
			p.c.m.EventsBuffered.Sub(float64(n))
			p.c.m.EventsUnstored.Add(float64(n))
			p.pending = nil
			return
		}
	}
}

// saveGUID persists a rotated GUID so a restarted or other replica can resume the session. It
// writes only over the session it knows (same stored GUID, by revision) and only while its lease
// is valid, so it never brings back a session signed out or re-signed-in elsewhere.
func (p *poller) saveGUID(ctx context.Context) {
	g := p.connection().GUID()
	if g == p.savedGUID || !p.lease.valid() {
		return
	}
	s, err := p.c.st.GetSession(ctx, p.agentID)
	p.c.observeStore(err)
	if err != nil || s.State != store.SessionActive || s.GUID != p.savedGUID {
		return
	}
	s.GUID = g
	_, err = p.c.st.PutSession(ctx, s)
	p.c.observeStore(err)
	if err == nil {
		p.savedGUID = g
	}
}

type storedGUID int

const (
	guidUnchanged storedGUID = iota // the store holds the GUID the gateway refused (or did not answer)
	guidAdopted                     // the store held a newer GUID; the poller continues with it
	sessionGone                     // the store holds no active session: signed out elsewhere
)

// adoptStoredGUID handles a GUID the gateway refuses by asking the store: a newer GUID (a
// forced sign-in through another replica) is adopted instead of declaring the session lost, and
// a session deleted or no longer active (a sign-out elsewhere) ends the poller at once.
func (p *poller) adoptStoredGUID(ctx context.Context) storedGUID {
	s, err := p.c.st.GetSession(ctx, p.agentID)
	p.c.observeStore(err)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return sessionGone
	case err != nil:
		return guidUnchanged
	case s.State != store.SessionActive:
		return sessionGone
	case s.GUID == "" || s.GUID == p.connection().GUID():
		return guidUnchanged
	}
	p.connMu.Lock()
	p.conn = p.c.gw.Resume(p.agentID, s.GUID, s.Cookie)
	p.connMu.Unlock()
	p.savedGUID = s.GUID
	return guidAdopted
}

// markLost records that the gateway no longer accepts the session this poller polled, and logs
// the change. The write is conditional on the revision read: a session signed out meanwhile
// stays gone, and one replaced by a newer sign-in (another GUID) is left alone.
func (p *poller) markLost(ctx context.Context, reason ChangeReason, detail string) {
	c := p.c
	p.lost.Store(true)
	detail = strings.ToValidUTF8(detail, "\uFFFD") // it may quote the gateway, and goes out in proto strings
	bo := gatewayclient.Backoff{Min: c.opts.BackoffMin, Max: c.opts.BackoffMax}
	for {
		s, err := c.st.GetSession(ctx, p.agentID)
		c.observeStore(err)
		if errors.Is(err, store.ErrNotFound) {
			return // signed out, possibly through another replica: nothing was lost
		}
		if err == nil {
			if s.State != store.SessionActive || (s.GUID != p.savedGUID && s.GUID != p.connection().GUID()) {
				return
			}
			s.State, s.LostReason = store.SessionLost, detail
			_, err = c.st.PutSession(ctx, s)
			c.observeStore(err)
			if err == nil {
				break
			}
		}
		if !errors.Is(err, store.ErrConflict) {
			c.log.Error("recording a lost session failed; retrying", "agent", p.agentID, "err", err)
			if !sleep(ctx, bo.Next()) {
				return
			}
		}
	}
	c.log.Warn("agent session lost", "agent", p.agentID, "reason", detail)
	for {
		_, err := c.logChange(ctx, p.agentID, SessionChange{State: store.SessionLost, Reason: reason, Detail: detail})
		c.observeStore(err)
		if err == nil {
			break
		}
		c.log.Error("logging a lost session failed; retrying", "agent", p.agentID, "err", err)
		if !sleep(ctx, bo.Next()) {
			break
		}
	}
	c.mu.Lock()
	c.lost[p.agentID] = struct{}{}
	c.updateSessionGaugesLocked()
	c.mu.Unlock()
}

func (c *Core) updateSessionGaugesLocked() {
	c.m.Sessions.WithLabelValues("active").Set(float64(len(c.pollers)))
	c.m.Sessions.WithLabelValues("lost").Set(float64(len(c.lost)))
}

// sleep waits d or until ctx ends; it reports whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
