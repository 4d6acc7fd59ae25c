// Package core owns the bridge's behaviour: agent sessions and their pollers, the event log and
// its fan-out to streams, call-control commands with idempotency and outcome correlation. It
// knows the CC-Gateway only through the Gateway interface and keeps state only through a
// store.Store, so it runs unchanged on any backend and against the simulator or a real gateway.
package core

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
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
	// ReplicaID names this process in poller leases (default a random id). It must be unique
	// among live replicas and stable across restarts: a restarted replica then takes back its
	// own unexpired leases at once.
	ReplicaID string
	// LeaseTTL is the poller lease's lifetime; a timer renews it every third of it, and a poller
	// whose renewals keep failing stops a fifth of it before expiry (default 15 s). A dead
	// replica's agents are taken over within LeaseTTL + TakeoverInterval.
	LeaseTTL time.Duration
	// TakeoverInterval is how often the sweep looks for stored sessions nobody polls (a lease
	// expired or released) and adopts them (default 1 s). Each sweep tries the lease of every
	// active session this replica does not poll.
	TakeoverInterval time.Duration
	// EventBuffer bounds, per agent, the events polled during a store outage and not yet stored;
	// a full buffer pauses that agent's polls (default 1024).
	EventBuffer int
	// FlushBound is how long a poller that stopped polling keeps trying to store its buffered
	// events before counting them in ccgw_events_unstored_total (default 2 min).
	FlushBound time.Duration
	// DrainBound caps how long Close waits for polls in flight to be answered before cutting
	// them (default 15 s, above the gateway's 10 s long-poll wait).
	DrainBound time.Duration
	// PasswordVerifierKey keys the HMAC stored with a session to recognise a repeated sign-in
	// with the same password on any replica. Empty: a random key per process, so the rule holds
	// only on the replica (and run) that signed the agent in. The password itself is never stored.
	PasswordVerifierKey []byte
	Logger              *slog.Logger
	Metrics             *Metrics
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
	def(&o.LeaseTTL, 15*time.Second)
	def(&o.TakeoverInterval, time.Second)
	def(&o.FlushBound, 2*time.Minute)
	def(&o.DrainBound, 15*time.Second)
	if o.SubscriberBuffer <= 0 {
		o.SubscriberBuffer = 4096
	}
	if o.EventBuffer <= 0 {
		o.EventBuffer = 1024
	}
	if len(o.PasswordVerifierKey) == 0 {
		o.PasswordVerifierKey = []byte(randomID() + randomID() + randomID() + randomID())
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

	ctx       context.Context // lives from Start to Close; owns every poller
	cancel    context.CancelFunc
	hubWait   func()
	sweepStop context.CancelFunc
	sweepDone chan struct{}
	sweepOnce sync.Once

	storeHealth storeHealth
	buffered    atomic.Int64 // events polled and not yet stored, all agents

	mu      sync.Mutex
	pollers map[string]*poller
	lost    map[string]struct{} // agents whose session was lost, for the sessions gauge
	locks   keyedMutex          // serialises sign-in/sign-out per agent (the gateway forbids overlap)
	// cmdLocks sends the transfers of one call one at a time, so they queue for their outcome
	// events in the order the gateway accepted them.
	cmdLocks keyedMutex
	closed   bool
	// draining: a graceful stop began (Drain); no poller starts any more.
	draining bool
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

// Start loads the event log, begins tailing it, adopts the stored sessions no live replica polls
// (sessions another replica or an earlier run signed in), and starts the takeover sweep that
// keeps adopting them as other replicas' leases expire or are released.
func (c *Core) Start(ctx context.Context) error {
	c.ctx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	wait, err := c.hub.start(c.ctx)
	if err != nil {
		c.cancel()
		return err
	}
	c.hubWait = wait
	if err := c.adoptSessions(ctx); err != nil {
		c.log.Warn("adopting stored sessions at start; the sweep retries", "err", err)
	}
	sweepCtx, stop := context.WithCancel(c.ctx)
	c.sweepStop, c.sweepDone = stop, make(chan struct{})
	go c.sweep(sweepCtx)
	return nil
}

// Close stops the sweep and every poller, releasing their leases so other replicas take the
// agents over at once, then the hub, and waits for their goroutines. Sessions stay signed in at
// the gateway and in the store, so another replica or a restarted bridge resumes them.
func (c *Core) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	ps := slices.Collect(maps.Values(c.pollers))
	c.mu.Unlock()
	c.stopSweep()
	// Polls in flight are answered within the gateway's long-poll wait: waiting for them loses
	// no event they bring (see poller.drain); DrainBound caps the wait.
	for _, p := range ps {
		p.drain()
	}
	drained := time.NewTimer(c.opts.DrainBound)
	for _, p := range ps {
		select {
		case <-p.done:
		case <-drained.C:
		}
	}
	drained.Stop()
	for _, p := range ps {
		p.halt()
	}
	grace := time.Now().Add(stopGrace)
	for _, p := range ps {
		p.wait(time.Until(grace))
	}
	if c.cancel != nil {
		c.cancel()
		c.hubWait()
	}
}

// Drain starts a graceful stop of the pollers without waiting for it: no new poll goes out and
// no session is adopted any more, each poller stops once its poll in flight is answered and then
// releases its lease. A shutdown calls it first, so the gateway's long-poll wait overlaps the
// server's own drain; Close then waits for the pollers.
func (c *Core) Drain() {
	c.mu.Lock()
	c.draining = true
	ps := slices.Collect(maps.Values(c.pollers))
	c.mu.Unlock()
	c.stopSweep()
	for _, p := range ps {
		p.drain()
	}
}

func (c *Core) stopSweep() {
	c.sweepOnce.Do(func() {
		if c.sweepStop != nil {
			c.sweepStop()
			<-c.sweepDone
		}
	})
}

// ReplicaID is the id this process uses in poller leases.
func (c *Core) ReplicaID() string { return c.opts.ReplicaID }
