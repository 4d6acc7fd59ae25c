package core

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// storeHealth tracks whether this replica can reach the shared store. Pollers keep polling
// through an outage (polls are the agents' heartbeat at the gateway) and buffer what they take,
// so an outage is not an error any RPC reports by itself: it shows here, in /healthz and in
// ccgw_store_up.
type storeHealth struct {
	mu        sync.Mutex
	downSince time.Time // zero while the store answers
}

// StoreStatus is this replica's view of the shared store.
type StoreStatus struct {
	Up             bool
	DownSince      time.Time // when the current outage began; zero when Up
	BufferedEvents int       // events polled during the outage and not yet stored
}

// observeStore records the outcome of a store call. Answers that are part of the contract
// (not found, conflict, a caller's cancellation) say the store is reachable or say nothing.
func (c *Core) observeStore(err error) {
	switch {
	case err == nil, errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrInvalidArgument):
		c.storeHealth.mu.Lock()
		was := c.storeHealth.downSince
		c.storeHealth.downSince = time.Time{}
		c.storeHealth.mu.Unlock()
		if !was.IsZero() {
			c.m.StoreUp.Set(1)
			c.log.Info("the store answers again", "outage", time.Since(was).Round(time.Millisecond).String())
		}
	case errors.Is(err, context.Canceled), errors.Is(err, store.ErrClosed):
	default:
		c.storeHealth.mu.Lock()
		first := c.storeHealth.downSince.IsZero()
		if first {
			c.storeHealth.downSince = time.Now()
		}
		c.storeHealth.mu.Unlock()
		if first {
			c.m.StoreUp.Set(0)
			c.log.Error("the store does not answer; pollers keep polling and buffer events", "err", err)
		}
	}
}

// StoreStatus reports whether this replica reaches the store and how many events wait for it.
func (c *Core) StoreStatus() StoreStatus {
	c.storeHealth.mu.Lock()
	since := c.storeHealth.downSince
	c.storeHealth.mu.Unlock()
	return StoreStatus{Up: since.IsZero(), DownSince: since, BufferedEvents: int(c.buffered.Load())}
}
