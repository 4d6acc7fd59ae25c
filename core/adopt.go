package core

import (
	"context"
	"errors"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// sweep adopts, every TakeoverInterval, the active sessions no replica polls: a replica died
// (its leases expire), shut down (it released them), or lost them in a store outage. The lease
// decides which replica gets each agent, so several replicas sweeping at once never poll an
// agent twice.
func (c *Core) sweep(ctx context.Context) {
	defer close(c.sweepDone)
	t := time.NewTicker(c.opts.TakeoverInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := c.adoptSessions(ctx); err != nil && ctx.Err() == nil {
			c.log.Debug("takeover sweep", "err", err)
		}
	}
}

// adoptSessions walks the stored sessions and adopts each active one no replica polls. A store
// with a local view of the leases (store.LeaseCache) shows which agents another replica visibly
// holds; those are passed over without a request each, which at 10,000 agents and a sweep a
// second is the difference between a quiet replica and one busy reading leases.
func (c *Core) adoptSessions(ctx context.Context) error {
	leases, _ := c.st.(store.LeaseCache)
	heldElsewhere := func(agentID string) bool {
		if leases == nil {
			return false
		}
		owner, expires, ok := leases.CachedLease(leaseKey(agentID))
		return ok && owner != c.opts.ReplicaID && time.Now().Before(expires)
	}
	for after := ""; ; {
		ss, err := c.st.ListSessions(ctx, after, 500)
		c.observeStore(err)
		if err != nil {
			return err
		}
		if len(ss) == 0 {
			return nil
		}
		for _, s := range ss {
			if s.State == store.SessionActive && c.poller(s.AgentID) == nil && !heldElsewhere(s.AgentID) {
				if err := c.adopt(ctx, s.AgentID); err != nil {
					return err
				}
			}
		}
		after = ss[len(ss)-1].AgentID
	}
}

// adopt resumes polling a stored session with its stored GUID, without a new sign-in. If the
// gateway no longer accepts that GUID, the poller records the session LOST with the reason.
// It runs under the agent's local lock, so it cannot interleave with a sign-in or sign-out here.
func (c *Core) adopt(ctx context.Context, agentID string) error {
	unlock, err := c.locks.lock(ctx, agentID)
	if err != nil {
		return err
	}
	defer unlock()
	if c.poller(agentID) != nil {
		return nil
	}
	// Re-read under the lock: the listing may predate a sign-out or a forced sign-in.
	s, err := c.st.GetSession(ctx, agentID)
	c.observeStore(err)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case s.State != store.SessionActive:
		return nil
	}
	switch err := c.startPoller(s, c.gw.Resume(s.AgentID, s.GUID, s.Cookie)); {
	case err == nil:
		c.m.Adoptions.Inc()
		c.log.Info("adopted a stored session", "agent", agentID)
		return nil
	case errors.Is(err, ErrPolledElsewhere), errors.Is(err, errPolledHere):
		return nil
	default:
		return err
	}
}

// lockAgent serialises sign-in, sign-out and forced take-over of one agent across replicas: the
// process-local lock queues callers here, then a lease in the store (renewed while held) keeps
// every other replica out. A replica that dies holding it blocks the agent for at most LeaseTTL.
func (c *Core) lockAgent(ctx context.Context, agentID string) (unlock func(), err error) {
	unlockLocal, err := c.locks.lock(ctx, agentID)
	if err != nil {
		return nil, err
	}
	owner := c.opts.ReplicaID + "/" + randomID()
	bo := gatewayclient.Backoff{Min: 5 * time.Millisecond, Max: 200 * time.Millisecond}
	for {
		l, ok, err := c.acquireHeld(ctx, "agent-op."+agentID, owner, c.opts.LeaseTTL, nil)
		if err != nil {
			unlockLocal()
			return nil, storeUnavailable(err)
		}
		if ok {
			return func() { l.release(); unlockLocal() }, nil
		}
		if !sleep(ctx, bo.Next()) {
			unlockLocal()
			return nil, ctx.Err()
		}
	}
}
