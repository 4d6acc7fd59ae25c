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
// agent, guarded in-process by Core.pollers and across replicas by a store lease.
type poller struct {
	c           *Core
	agentID     string
	connMu      sync.Mutex // conn is replaced by adoptStoredGUID while commands read it
	conn        AgentConn
	requestKey  [32]byte // digest of the SignIn request that started the session; zero when resumed
	savedGUID   string
	handingOver atomic.Bool // a sign-out or forced sign-in is in flight: refusals are expected
	lost        atomic.Bool // the poller found the session lost and is on its way out

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

func (c *Core) startPoller(s store.Session, conn AgentConn, requestKey [32]byte) error {
	ok, err := c.st.AcquireLease(c.ctx, leaseKey(s.AgentID), c.opts.ReplicaID, c.opts.LeaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return ErrPolledElsewhere
	}
	ctx, cancel := context.WithCancel(c.ctx)
	p := &poller{c: c, agentID: s.AgentID, conn: conn, requestKey: requestKey, savedGUID: s.GUID,
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
	c.m.Pollers.Inc() // here, not in run: the gauge is right as soon as the sign-in returns
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
	heartbeat := time.Now() // the last poll the gateway answered: its heartbeat for the agent
	var refused time.Time   // when the current run of refused polls began; zero: none
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
		// A poll still unanswered when the gateway's heartbeat window closes cannot keep the
		// agent signed in any more, so it is not waited for past that point.
		pollCtx, cancel := context.WithDeadline(ctx, heartbeat.Add(c.opts.HeartbeatWindow))
		ev, err := p.connection().Poll(pollCtx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		p.saveGUID(ctx)
		switch {
		case err != nil && p.handingOver.Load():
			sleep(ctx, c.opts.PollPause)
		case err != nil && time.Since(heartbeat) >= c.opts.HeartbeatWindow:
			p.markLost(ctx, ChangeHeartbeatExpired, fmt.Sprintf(
				"the bridge could not poll the gateway for the agent for %v, the gateway's heartbeat window: the gateway has signed the agent out", c.opts.HeartbeatWindow))
			return
		case err != nil && (gatewayclient.IsNotSignedIn(err) || gatewayclient.IsGUIDInvalid(err)):
			if p.adoptStoredGUID(ctx) {
				continue
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
				p.markLost(ctx, reason, fmt.Sprintf("the gateway %s on every poll for %v", what, c.opts.LostConfirm))
				return
			}
			c.log.Warn("event poll refused; confirming before declaring the session lost", "agent", p.agentID, "err", err)
			sleep(ctx, min(bo.Next(), c.opts.LostConfirm/4))
		case err != nil:
			c.m.PollErrors.Inc()
			c.log.Warn("event poll failed; retrying", "agent", p.agentID, "err", err)
			sleep(ctx, bo.Next())
		default:
			heartbeat, refused = time.Now(), time.Time{}
			bo.Reset()
			if ev == nil {
				sleep(ctx, c.opts.PollPause)
				continue
			}
			if ev.Type == SessionChangeType {
				c.log.Warn("dropped a gateway event posing as a bridge session change", "agent", p.agentID)
				continue
			}
			if !p.append(ctx, ev) {
				return
			}
			if ev.Type == "AgentOther_ShutdownService" && !p.handingOver.Load() {
				p.markLost(ctx, ChangeSignedOutByGateway, "signed out by the gateway (AgentOther_ShutdownService)")
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
	return p.retry(ctx, "storing an agent event", func() error {
		_, err := p.c.st.Append(ctx, p.agentID, se)
		return err
	})
}

// retry runs op until it succeeds or ctx ends, backing off between store failures.
func (p *poller) retry(ctx context.Context, what string, op func() error) bool {
	bo := gatewayclient.Backoff{Min: p.c.opts.BackoffMin, Max: p.c.opts.BackoffMax}
	for {
		err := op()
		if err == nil {
			return true
		}
		p.c.log.Error(what+" failed; retrying", "agent", p.agentID, "err", err)
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

// markLost records the session as LOST and logs the change. The write is conditional on the
// session read here, so a sign-out that deleted it meanwhile is not undone.
func (p *poller) markLost(ctx context.Context, reason ChangeReason, detail string) {
	c := p.c
	p.lost.Store(true)
	detail = strings.ToValidUTF8(detail, "\uFFFD") // it may quote the gateway, and goes out in proto strings
	c.log.Warn("agent session lost", "agent", p.agentID, "reason", detail)
	recorded := false
	p.retry(ctx, "recording a lost session", func() error {
		s, err := c.st.GetSession(ctx, p.agentID)
		if err == nil {
			s.State, s.LostReason = store.SessionLost, detail
			_, err = c.st.PutSession(ctx, s)
		}
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			return nil // signed out or signed in again meanwhile: nothing is lost
		}
		recorded = err == nil
		return err
	})
	if !recorded {
		return
	}
	p.retry(ctx, "logging a lost session", func() error {
		_, err := c.logChange(ctx, p.agentID, SessionChange{State: store.SessionLost, Reason: reason, Detail: detail})
		return err
	})
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
