// Package core owns the bridge's behaviour: agent sessions and their pollers, the event log and
// its fan-out to streams, call-control commands with idempotency and outcome correlation. It
// knows the CC-Gateway only through the Gateway interface and keeps state only through a
// store.Store, so it runs unchanged on any backend and against the simulator or a real gateway.
package core

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Options tune the core. Zero values take the documented defaults.
type Options struct {
	// PollPause is the wait before the next poll after an empty poll (default 200 ms, the
	// gateway guide's advice). After an event the next poll goes out at once: the gateway returns
	// one event per poll, so more are likely queued.
	PollPause time.Duration
	// BackoffMin/BackoffMax bound the jittered exponential backoff after a failed poll
	// (defaults 100 ms / 10 s).
	BackoffMin, BackoffMax time.Duration
	// HeartbeatWindow is how long the gateway keeps an agent signed in without a poll (its
	// heartbeat; default 120 s, the gateway's documented value). An agent the bridge could not
	// poll for this long is LOST.
	HeartbeatWindow time.Duration
	// LostConfirm is how long the gateway must keep refusing an agent's polls (GUID refused, not
	// signed in) before the bridge declares the session LOST (default a quarter of
	// HeartbeatWindow, so re-polls still fall inside the gateway's window).
	LostConfirm time.Duration
	// SubscriberBuffer is how many events a stream may fall behind before it is cut off with
	// RESOURCE_EXHAUSTED (default 4096).
	SubscriberBuffer int
	// Heartbeat is the interval of heartbeat messages on idle streams (default 15 s).
	Heartbeat time.Duration
	// IdempotencyTTL is how long a request_id is remembered (default 10 min).
	IdempotencyTTL time.Duration
	// AwaitDefault bounds await_outcome when the RPC has no deadline (default 30 s).
	AwaitDefault time.Duration
	// OutcomeWindow is how long a transfer keeps its claim on its call's late outcome events
	// (default 2 min; see correlate.go).
	OutcomeWindow time.Duration
	// ReplicaID names this process in poller leases (default a random id).
	ReplicaID string
	// LeaseTTL is the poller lease's lifetime; it is renewed every third of it (default 30 s).
	LeaseTTL time.Duration
	Logger   *slog.Logger
	Metrics  *Metrics
}

func (o *Options) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollPause, 200*time.Millisecond)
	def(&o.BackoffMin, 100*time.Millisecond)
	def(&o.BackoffMax, 10*time.Second)
	def(&o.HeartbeatWindow, 120*time.Second)
	def(&o.LostConfirm, o.HeartbeatWindow/4)
	def(&o.Heartbeat, 15*time.Second)
	def(&o.IdempotencyTTL, 10*time.Minute)
	def(&o.AwaitDefault, 30*time.Second)
	def(&o.OutcomeWindow, 2*time.Minute)
	def(&o.LeaseTTL, 30*time.Second)
	if o.SubscriberBuffer <= 0 {
		o.SubscriberBuffer = 4096
	}
	if o.ReplicaID == "" {
		o.ReplicaID = randomID()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Core is the bridge's engine. Create it with New, Start it once, Close it once.
type Core struct {
	gw   Gateway
	st   store.Store
	opts Options
	log  *slog.Logger
	m    *Metrics
	hub  *hub

	ctx     context.Context // lives from Start to Close; owns every poller
	cancel  context.CancelFunc
	hubWait func()

	mu      sync.Mutex
	pollers map[string]*poller
	lost    map[string]struct{} // agents whose session was lost, for the sessions gauge
	locks   keyedMutex          // serialises sign-in/sign-out per agent (the gateway forbids overlap)
	// cmdLocks sends the transfers of one call one at a time, so they queue for their outcome
	// events in the order the gateway accepted them.
	cmdLocks keyedMutex
	closed   bool
}

// New builds a core; Metrics must be set (NewMetrics).
func New(gw Gateway, st store.Store, opts Options) (*Core, error) {
	opts.setDefaults()
	if opts.Metrics == nil {
		return nil, errors.New("core: Options.Metrics is required")
	}
	c := &Core{gw: gw, st: st, opts: opts, log: opts.Logger, m: opts.Metrics,
		pollers: map[string]*poller{}, lost: map[string]struct{}{}}
	c.hub = newHub(st, c.log, c.m)
	return c, nil
}

// Start loads the event log, begins tailing it, and resumes pollers for sessions the store holds
// as active (sessions another replica or an earlier run signed in).
func (c *Core) Start(ctx context.Context) error {
	c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	wait, err := c.hub.start(c.ctx)
	if err != nil {
		c.cancel()
		return err
	}
	c.hubWait = wait
	return c.resumeSessions(ctx)
}

// Close stops every poller and the hub, and waits for their goroutines. Sessions stay signed in
// at the gateway and in the store, so a restarted bridge (with a persistent store) resumes them.
func (c *Core) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	ps := make([]*poller, 0, len(c.pollers))
	for _, p := range c.pollers {
		ps = append(ps, p)
	}
	c.mu.Unlock()
	for _, p := range ps {
		p.stop()
	}
	if c.cancel != nil {
		c.cancel()
		c.hubWait()
	}
}

// ReplicaID is the id this process uses in poller leases.
func (c *Core) ReplicaID() string { return c.opts.ReplicaID }
