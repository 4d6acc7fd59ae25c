package core

import (
	"errors"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// GatewayState is whether the CC-Gateway answered the bridge's latest call. It is reported
// apart from the bridge's own liveness: a gateway outage is no reason to restart the bridge.
type GatewayState int

const (
	GatewayUnknown     GatewayState = iota // no call has finished yet
	GatewayReachable                       // the latest call got a gateway answer (any retcode)
	GatewayUnreachable                     // the latest call got no usable answer
)

// GatewayStatus is the gateway's reachability as the bridge last saw it.
type GatewayStatus struct {
	State      GatewayState
	Since      time.Time // when State last changed; zero while unknown
	LastAnswer time.Time // when the gateway last answered; zero if never
}

// reachability follows every gateway call (through the client's OnCall hook) and tells its
// watchers when the state changes.
type reachability struct {
	mu      sync.Mutex
	st      GatewayStatus
	watches []func(GatewayStatus)
	onState func(GatewayState)
}

func (r *reachability) observe(ci gatewayclient.CallInfo) {
	state := GatewayReachable
	if ci.Retcode == "" {
		var te *gatewayclient.TransportError
		if !errors.As(ci.Err, &te) || te.Kind == gatewayclient.TransportCanceled {
			return // abandoned by the bridge itself: says nothing about the gateway
		}
		state = GatewayUnreachable
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if state == GatewayReachable {
		r.st.LastAnswer = now
	}
	if state == r.st.State {
		return
	}
	r.st.State, r.st.Since = state, now
	if r.onState != nil {
		r.onState(state)
	}
	for _, f := range r.watches {
		f(r.st) // under the lock, so watchers see changes in order
	}
}

func (r *reachability) status() GatewayStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

func (r *reachability) watch(f func(GatewayStatus)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watches = append(r.watches, f)
	f(r.st)
}

// Gateway reports the CC-Gateway's reachability.
func (c *Core) Gateway() GatewayStatus { return c.m.reach.status() }

// WatchGateway calls f with the current gateway status and again on every change of its state,
// in order. f must be quick and must not call back into the core.
func (c *Core) WatchGateway(f func(GatewayStatus)) { c.m.reach.watch(f) }
