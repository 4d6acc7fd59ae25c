package core

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// poller is the one long-polling consumer of an agent's events. The gateway hands each event to
// whichever poll asks first, so a second poller would steal events: the core runs exactly one per
// agent, guarded in-process by Core.pollers and across replicas by a store lease.
type poller struct {
	c          *Core
	agentID    string
	connMu     sync.Mutex // conn is replaced by adoptStoredGUID while commands read it
	conn       AgentConn
	pwHash     [32]byte
	savedGUID  string
	signingOut atomic.Bool // a sign-out is in flight: "not signed in" answers are expected

	cancel context.CancelFunc
	done   chan struct{}
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

func (c *Core) startPoller(s store.Session, conn AgentConn, pw [32]byte) error {
	ok, err := c.st.AcquireLease(c.ctx, leaseKey(s.AgentID), c.opts.ReplicaID, c.opts.LeaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return ErrPolledElsewhere
	}
	ctx, cancel := context.WithCancel(c.ctx)
	p := &poller{c: c, agentID: s.AgentID, conn: conn, pwHash: pw, savedGUID: s.GUID,
		cancel: cancel, done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return ErrClosed
	}
	c.pollers[s.AgentID] = p
	delete(c.lost, s.AgentID)
	c.updateSessionGaugesLocked()
	c.mu.Unlock()
	go p.run(ctx)
	return nil
}

func (p *poller) connection() AgentConn {
	p.connMu.Lock()
	defer p.connMu.Unlock()
	return p.conn
}

// stop ends the poller and waits for it; safe to call more than once.
func (p *poller) stop() {
	p.cancel()
	<-p.done
}

func (p *poller) run(ctx context.Context) {
	c := p.c
	c.m.Pollers.Inc()
	defer func() {
		c.m.Pollers.Dec()
		c.mu.Lock()
		if c.pollers[p.agentID] == p {
			delete(c.pollers, p.agentID)
			c.updateSessionGaugesLocked()
		}
		c.mu.Unlock()
		rel, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		_ = c.st.ReleaseLease(rel, leaseKey(p.agentID), c.opts.ReplicaID)
		cancel()
		close(p.done)
	}()

	bo := gatewayclient.Backoff{Min: c.opts.BackoffMin, Max: c.opts.BackoffMax}
	renewed := time.Now()
	for ctx.Err() == nil {
		if time.Since(renewed) > c.opts.LeaseTTL/3 {
			ok, err := c.st.AcquireLease(ctx, leaseKey(p.agentID), c.opts.ReplicaID, c.opts.LeaseTTL)
			if err == nil && !ok {
				c.log.Warn("poller lease taken by another replica; stopping", "agent", p.agentID)
				return
			}
			if err == nil {
				renewed = time.Now()
			}
		}
		ev, err := p.connection().Poll(ctx)
		if ctx.Err() != nil {
			return
		}
		p.saveGUID(ctx)
		switch {
		case err != nil && p.signingOut.Load():
			sleep(ctx, c.opts.PollPause)
		case err != nil && (gatewayclient.IsNotSignedIn(err) || gatewayclient.IsGUIDInvalid(err)):
			if p.adoptStoredGUID(ctx) {
				continue
			}
			p.markLost(ctx, "the gateway no longer accepts the session: "+err.Error())
			return
		case err != nil:
			c.m.PollErrors.Inc()
			c.log.Warn("event poll failed; retrying", "agent", p.agentID, "err", err)
			sleep(ctx, bo.Next())
		case ev == nil:
			bo.Reset()
			sleep(ctx, c.opts.PollPause)
		default:
			bo.Reset()
			if !p.append(ctx, ev) {
				return
			}
			if ev.Type == "AgentOther_ShutdownService" && !p.signingOut.Load() {
				p.markLost(ctx, "signed out by the gateway (AgentOther_ShutdownService)")
				return
			}
		}
	}
}

// append logs the event, retrying store failures: an event taken from the gateway exists nowhere
// else, so it is kept trying until it is stored or the poller is stopped.
func (p *poller) append(ctx context.Context, ev *gatewayclient.Event) bool {
	se := store.Event{
		Type: ev.Type, ReceivedAt: time.Now(), GatewayTime: ev.GenTime,
		CallID: ev.CallID, Caller: ev.Caller, Called: ev.Called, OtherPhone: ev.OtherPhone,
		Feature: ev.Feature, MediaType: ev.MediaType, Result: ev.Result, Reason: ev.Reason,
		Content: ev.Content,
	}
	bo := gatewayclient.Backoff{Min: p.c.opts.BackoffMin, Max: p.c.opts.BackoffMax}
	for {
		_, err := p.c.st.Append(ctx, p.agentID, se)
		if err == nil {
			return true
		}
		p.c.log.Error("storing an agent event failed; retrying", "agent", p.agentID, "event_type", ev.Type, "err", err)
		if !sleep(ctx, bo.Next()) {
			return false
		}
	}
}

// saveGUID persists a rotated GUID so a restarted or other replica can resume the session.
func (p *poller) saveGUID(ctx context.Context) {
	g := p.connection().GUID()
	if g == p.savedGUID {
		return
	}
	s, err := p.c.st.GetSession(ctx, p.agentID)
	if err != nil {
		return
	}
	s.GUID, s.Revision = g, 0
	if _, err := p.c.st.PutSession(ctx, s); err == nil {
		p.savedGUID = g
	}
}

// adoptStoredGUID handles a GUID the gateway refuses: if the store holds a newer GUID (a forced
// sign-in through another replica), the poller continues with it instead of declaring the
// session lost.
func (p *poller) adoptStoredGUID(ctx context.Context) bool {
	s, err := p.c.st.GetSession(ctx, p.agentID)
	if err != nil || s.State != store.SessionActive || s.GUID == "" || s.GUID == p.connection().GUID() {
		return false
	}
	p.connMu.Lock()
	p.conn = p.c.gw.Resume(p.agentID, s.GUID, s.Cookie)
	p.connMu.Unlock()
	p.savedGUID = s.GUID
	return true
}

func (p *poller) markLost(ctx context.Context, reason string) {
	c := p.c
	c.log.Warn("agent session lost", "agent", p.agentID, "reason", reason)
	if s, err := c.st.GetSession(ctx, p.agentID); err == nil {
		s.State, s.LostReason, s.Revision = store.SessionLost, reason, 0
		if _, err := c.st.PutSession(ctx, s); err != nil {
			c.log.Error("recording a lost session", "agent", p.agentID, "err", err)
		}
	}
	c.mu.Lock()
	c.lost[p.agentID] = struct{}{}
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
