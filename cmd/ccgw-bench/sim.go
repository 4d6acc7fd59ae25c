package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// Agent id ranges of the bench's simulator directory. Each scenario gets its own simulator, but
// the ranges never overlap so a log line names its role by the id alone.
const (
	directCallerBase = 200000 // agents that place calls straight through gatewayclient
	bridgeCallerBase = 300000 // agents that place calls through the bridge (gRPC and REST); 310000 the second store's bridge, …
	eventAgentBase   = 400000 // 400001 through the bridge, 400002 polled directly; 400003 and 400004 for the second store, …
	scaleAgentBase   = 500000 // idle agents of the scale scenario
	authCallerBase   = 600000 // agents that place calls through the bridge with authentication

	// storeStride separates the agents of bridges on different stores (-stores): the bridge
	// of the i-th store signs in bridgeCallerBase+i*storeStride+1 … and its own event agents.
	storeStride = 10000
)

// callerBase is the first calling agent (minus one) of the i-th store's bridge.
func callerBase(i int) int { return bridgeCallerBase + i*storeStride }

// Skill queues of the bench directory. Nobody is ever signed into queueNobody, so an internal
// call to it always fails at once (AgentEvent_Inside_Call_Fail) and leaves the caller idle: the
// same command can be repeated forever.
const (
	queueCallers int64 = 8
	queueNobody  int64 = 9
	queueIdle    int64 = 10
)

// probeType is the synthetic event type the bench pushes to measure delivery; the simulator
// queues any type, and the bridge handles unknown types as opaque events.
const probeType = "AgentEvent_BenchProbe"

func agentID(base, i int) string { return strconv.Itoa(base + i) }

func password(id string) string { return "bench-" + id }

func phone(id string) string { return "8" + id }

// agents returns n directory entries base+1 .. base+n in the given queues.
func agents(base, n int, skills ...int64) []gatewaysim.Agent {
	out := make([]gatewaysim.Agent, 0, n)
	for i := 1; i <= n; i++ {
		id := agentID(base, i)
		out = append(out, gatewaysim.Agent{ID: id, Password: password(id), Phone: phone(id), Skills: skills})
	}
	return out
}

// benchSimConfig is the simulator's directory for a run: callers for every path and every
// store's bridge, the event agents of each store and the idle agents of the scale scenario.
// Timing stays at the gateway's defaults (60 s GUID rotation, 120 s heartbeat timeout), the
// long-poll wait at -gateway-wait (default the gateway's 10 s).
func benchSimConfig(callers, idle, stores int, wait time.Duration) gatewaysim.Config {
	cfg := gatewaysim.Config{PollWait: wait, Queues: []gatewaysim.Queue{
		{ID: queueCallers, Name: "Bench callers"},
		{ID: queueNobody, Name: "Bench nobody"},
		{ID: queueIdle, Name: "Bench idle"},
	}}
	cfg.Agents = append(cfg.Agents, agents(directCallerBase, callers, queueCallers)...)
	for i := range max(stores, 1) {
		cfg.Agents = append(cfg.Agents, agents(callerBase(i), callers, queueCallers)...)
	}
	cfg.Agents = append(cfg.Agents, agents(authCallerBase, callers, queueCallers)...)
	cfg.Agents = append(cfg.Agents, agents(eventAgentBase, 2*max(stores, 1), queueIdle)...)
	cfg.Agents = append(cfg.Agents, agents(scaleAgentBase, idle, queueIdle)...)
	return cfg
}

// simHost serves a simulator on a loopback port of the bench process, so PushEvent and the
// receipt of the event are timed with one monotonic clock.
type simHost struct {
	sim *gatewaysim.Sim
	srv *http.Server
	url string
}

func startSim(cfg gatewaysim.Config) (*simHost, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &simHost{sim: gatewaysim.New(cfg), url: "http://" + lis.Addr().String()}
	h.srv = &http.Server{Handler: h.sim, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := h.srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logf("simulator stopped: %v", err)
		}
	}()
	return h, nil
}

// parked counts the agents among ids whose poll is parked at the simulator: the sign that they
// are idle-polling.
func (h *simHost) parked(ids []string) int {
	n := 0
	for _, id := range ids {
		if st, err := h.sim.AgentState(id); err == nil && st.PollParked {
			n++
		}
	}
	return n
}

// close releases parked polls first so the server's shutdown does not wait for them.
func (h *simHost) close() {
	h.sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		_ = h.srv.Close()
	}
}
