package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// scaleLevel is the bridge with Agents signed in and idle-polling.
type scaleLevel struct {
	Agents     int
	NATS       procStats     // the NATS cluster's processes summed (cluster store only)
	SignIn     time.Duration // signing in the agents added for this level
	Parked     int           // agents whose poll was parked at the simulator before the window
	Stats      procStats     // at the end of the idle window
	IdleCPU    float64       // CPU seconds per second over the idle window (1 = one core)
	IdleWindow time.Duration
	// NATSIdleCPU is the NATS cluster's CPU seconds per second over the same window.
	NATSIdleCPU float64
}

type scaleResult struct {
	Store     string
	InProcess bool
	Base      procStats // before any sign-in
	NATSBase  procStats // the NATS cluster's processes summed, before any sign-in (cluster store only)
	natsPIDs  []int
	Levels    []scaleLevel
	Delivery  []deliveryResult // event delivery at the largest level
	// Floor is the same number of agents kept signed in by bare gatewayclient pollers in a
	// process of their own: what idle-polling costs without the bridge.
	Floor *floorResult
}

type floorResult struct {
	Agents     int
	Base       procStats // before sign-in
	Stats      procStats // end of the idle window
	IdleCPU    float64
	IdleWindow time.Duration
}

// perAgent is the increase over the baseline divided by the agents.
func (l scaleLevel) perAgent(base procStats, f func(procStats) float64) float64 {
	return (f(l.Stats) - f(base)) / float64(l.Agents)
}

// runScale runs the scale measurement on each store in turn, each with a simulator and a
// bridge of its own, and measures the floor once, after the first.
func runScale(ctx context.Context, o *options, launch *bridgeLauncher) ([]*scaleResult, error) {
	var out []*scaleResult
	for i, store := range o.stores {
		res, err := scaleOnStore(ctx, o, launch, store, i)
		if res != nil {
			out = append(out, res)
		}
		if err != nil {
			return out, fmt.Errorf("%s store: %w", store, err)
		}
	}
	return out, nil
}

// scaleOnStore signs agents in through a bridge on store, level by level, and reads the
// bridge's own /metrics while they idle-poll a simulator in the bench process. At the largest
// level it also measures event delivery; for the first store, the floor.
func scaleOnStore(ctx context.Context, o *options, launch *bridgeLauncher, store string, i int) (*scaleResult, error) {
	top := slices.Max(o.scaleAgents)
	// Twice the agents: the second half is for the direct pollers of the floor measurement.
	sim, err := startSim(benchSimConfig(0, 2*top, len(o.stores), o.gatewayWait))
	if err != nil {
		return nil, err
	}
	defer sim.close()
	br, err := launch.start(ctx, "scale-bridge", store, sim.url)
	if err != nil {
		return nil, err
	}
	defer br.Close()
	hc := restClient(4)
	defer hc.CloseIdleConnections()
	res := &scaleResult{Store: store, InProcess: br.InProcess(), natsPIDs: launch.stores.natsPIDs(store)}

	sleepCtx(ctx, o.settle)
	if res.Base, err = scrape(ctx, hc, br.HTTPAddr()); err != nil {
		return nil, err
	}
	res.NATSBase = procSum(res.natsPIDs)
	conn, err := dialGRPC(br.GRPCAddr())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	sessions := ccgwv1.NewAgentSessionServiceClient(conn)
	all := ids(scaleAgentBase, 2*top)
	signed := 0
	for _, n := range o.scaleAgents {
		lvl := scaleLevel{Agents: n, IdleWindow: o.idleWindow}
		start := time.Now()
		if err := signInBridge(ctx, sessions, all[signed:n], o.signInConc); err != nil {
			return res, err
		}
		lvl.SignIn = time.Since(start)
		logf("scale %s: %d agents signed in (%.0f/s)", store, n, float64(n-signed)/max(lvl.SignIn.Seconds(), 1e-9))
		signed = n
		lvl.Parked = awaitMostParked(ctx, sim, all[:n])
		sleepCtx(ctx, o.settle)
		s0, err := scrape(ctx, hc, br.HTTPAddr())
		if err != nil {
			return res, err
		}
		n0 := procSum(res.natsPIDs)
		stopProfile, err := idleProfile(o, br, n == top && i == 0)
		if err != nil {
			return res, err
		}
		sleepCtx(ctx, o.idleWindow)
		stopProfile()
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if lvl.Stats, err = scrape(ctx, hc, br.HTTPAddr()); err != nil {
			return res, err
		}
		lvl.NATS = procSum(res.natsPIDs)
		lvl.IdleCPU = (lvl.Stats.CPUSeconds - s0.CPUSeconds) / lvl.Stats.At.Sub(s0.At).Seconds()
		lvl.NATSIdleCPU = (lvl.NATS.CPUSeconds - n0.CPUSeconds) / max(lvl.NATS.At.Sub(n0.At).Seconds(), 1e-9)
		logf("scale %s: %d agents: RSS %.1f MiB, heap in use %.1f MiB, %.0f goroutines, idle CPU %.1f%% of a core",
			store, n, lvl.Stats.RSS/(1<<20), lvl.Stats.HeapInuse/(1<<20), lvl.Stats.Goroutines, 100*lvl.IdleCPU)
		res.Levels = append(res.Levels, lvl)
	}
	if o.memProfile != "" && br.InProcess() && i == 0 {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return res, err
		}
	}

	gc, err := gatewayclient.New(gatewayclient.Config{BaseURL: sim.url})
	if err != nil {
		return res, err
	}
	defer gc.Close()
	agent, direct, err := eventAgents(ctx, br, gc, i)
	if err != nil {
		return res, err
	}
	caseName := fmt.Sprintf("1 subscriber, %s agents", thousands(top))
	r, err := measureDirect(ctx, sim, direct, caseName, o.events, o.eventInterval)
	if err != nil {
		return res, err
	}
	r.Store = store
	res.Delivery = append(res.Delivery, r)
	if r, err = measureBridge(ctx, sim, br, agent, caseName, 1, o.events, o.eventInterval); err != nil {
		return res, err
	}
	r.Store = store
	res.Delivery = append(res.Delivery, r)
	if i > 0 {
		return res, nil
	}

	// The bridge goes first: the bench's descriptors hold one side of every poll, and the
	// floor's pollers need as many again.
	br.Close()
	res.Floor, err = measureFloor(ctx, o, sim, all[top:], scaleAgentBase+top)
	return res, err
}

// procSum adds up the CPU time and resident memory of processes (the NATS cluster's nodes);
// the zero figures when there are none.
func procSum(pids []int) procStats {
	sum := procStats{At: time.Now()}
	for _, pid := range pids {
		if p, err := procSample(pid); err == nil {
			sum.CPUSeconds += p.CPUSeconds
			sum.RSS += p.RSS
		}
	}
	return sum
}

// measureFloor runs `ccgw-bench pollers` for the agents and reads its CPU and RSS from /proc
// over the same idle window as the bridge's.
func measureFloor(ctx context.Context, o *options, sim *simHost, agents []string, base int) (*floorResult, error) {
	c, err := startPollersChild(o.simEnv, sim.url, base, len(agents))
	if err != nil {
		return nil, err
	}
	defer c.close(20 * time.Second)
	f := &floorResult{Agents: len(agents), IdleWindow: o.idleWindow}
	if _, err := c.await(ctx, "STARTED", 30*time.Second); err != nil {
		return nil, err
	}
	if f.Base, err = procSample(c.pid()); err != nil {
		return nil, err
	}
	if _, err := c.await(ctx, "POLLING", 2*time.Minute); err != nil {
		return nil, err
	}
	awaitMostParked(ctx, sim, agents)
	sleepCtx(ctx, o.settle)
	s0, err := procSample(c.pid())
	if err != nil {
		return nil, err
	}
	sleepCtx(ctx, o.idleWindow)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f.Stats, err = procSample(c.pid()); err != nil {
		return nil, err
	}
	f.IdleCPU = (f.Stats.CPUSeconds - s0.CPUSeconds) / f.Stats.At.Sub(s0.At).Seconds()
	logf("scale: %d direct pollers (floor): RSS %.1f MiB, idle CPU %.1f%% of a core", f.Agents, f.Stats.RSS/(1<<20), 100*f.IdleCPU)
	return f, nil
}

// awaitMostParked waits (up to 60 s) until nearly every agent's poll is parked at the
// simulator. A few are always between polls (the bridge waits 200 ms after each empty 10 s
// poll, so about 2 % at any instant), hence the 95 % threshold.
func awaitMostParked(ctx context.Context, sim *simHost, agents []string) int {
	deadline := time.Now().Add(60 * time.Second)
	for {
		n := sim.parked(agents)
		if n*100 >= 95*len(agents) || time.Now().After(deadline) || ctx.Err() != nil {
			return n
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

// idleProfile starts the -idle-cpuprofile of an in-process bridge's idle window at the largest
// level; the returned function stops it.
func idleProfile(o *options, br bridge, top bool) (stop func(), err error) {
	if o.idleProfile == "" || !br.InProcess() || !top {
		return func() {}, nil
	}
	f, err := os.Create(o.idleProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
