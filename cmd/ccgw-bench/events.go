package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// deliveryResult is the latency from PushEvent at the simulator to the receipt of the event,
// both read from the bench's monotonic clock.
type deliveryResult struct {
	Store    string // where the bridge kept its state (the direct path's row: the store measured next)
	Case     string // what else is going on: subscribers, signed-in agents
	Path     string // "bridge gRPC stream" or "direct long poll"
	Subs     int
	Sent     int
	Received int // receipts over all subscribers; Sent*Subs when nothing was lost
	Lat      latency
	// BridgeCPU is the bridge process's CPU seconds from the first send to the last receipt
	// (negative: not known, in-process bridge or direct path).
	BridgeCPU float64
}

// bridgeCPUPerReceipt is the bridge's CPU microseconds per delivered event and stream.
func (d deliveryResult) bridgeCPUPerReceipt() string {
	if d.BridgeCPU < 0 || d.Received == 0 || d.Path != "bridge gRPC stream" {
		return "—"
	}
	return fmt.Sprintf("%.0f", d.BridgeCPU*1e6/float64(d.Received))
}

// receipt is one event seen by one receiver: its sequence (carried in the content's reason)
// and when it arrived, as an offset from the measurement's base time.
type receipt struct {
	seq int
	at  time.Duration
}

// sender pushes probe events with sequences 0..n-1, one every interval, and records when each
// went out. Receivers only record receipts; latencies are computed after everything stopped,
// so no timestamp is shared between goroutines while they run.
type sender struct {
	sim      *simHost
	agent    string
	n        int
	interval time.Duration
	base     time.Time
	sent     []time.Duration
}

func (s *sender) run(ctx context.Context) error {
	s.sent = make([]time.Duration, 0, s.n)
	next := time.Now()
	for seq := range s.n {
		if d := time.Until(next); d > 0 {
			sleepCtx(ctx, d)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s.sent = append(s.sent, time.Since(s.base))
		if err := s.sim.sim.PushEvent(s.agent, probeType, map[string]string{"reason": strconv.Itoa(seq)}); err != nil {
			return fmt.Errorf("pushing event %d to %s: %w", seq, s.agent, err)
		}
		next = next.Add(s.interval)
	}
	return nil
}

// latencies pairs receipts with send times.
func (s *sender) latencies(recv [][]receipt) ([][]time.Duration, int) {
	out := make([][]time.Duration, len(recv))
	total := 0
	for i, rs := range recv {
		for _, r := range rs {
			if r.seq >= 0 && r.seq < len(s.sent) {
				out[i] = append(out[i], r.at-s.sent[r.seq])
				total++
			}
		}
	}
	return out, total
}

// awaitParked waits until the agent's poll is parked at the simulator, so the first probe
// measures a wake-up like every other one.
func awaitParked(ctx context.Context, sim *simHost, agent string) error {
	deadline := time.Now().Add(15 * time.Second)
	for sim.parked([]string{agent}) == 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("agent %s has no parked poll at the simulator after 15 s", agent)
		}
		sleepCtx(ctx, 5*time.Millisecond)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// measureDirect pushes probes to an agent long-polled straight from the bench: the simulator's
// own wake-up, HTTP round trip and decode, i.e. the floor the bridge builds on.
func measureDirect(ctx context.Context, sim *simHost, sess *gatewayclient.Session, caseName string, n int, interval time.Duration) (deliveryResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	base := time.Now()
	var (
		recv []receipt
		mu   sync.Mutex
		all  = make(chan struct{})
	)
	var wg sync.WaitGroup
	wg.Go(func() {
		directPoller(ctx, sess, func(ev *gatewayclient.Event) {
			at := time.Since(base)
			if ev.Type != probeType {
				return
			}
			seq, err := strconv.Atoi(ev.Reason)
			if err != nil {
				return
			}
			mu.Lock()
			recv = append(recv, receipt{seq, at})
			if len(recv) == n {
				close(all)
			}
			mu.Unlock()
		})
	})
	defer func() { cancel(); wg.Wait() }()
	if err := awaitParked(ctx, sim, sess.AgentID()); err != nil {
		return deliveryResult{}, err
	}
	snd := &sender{sim: sim, agent: sess.AgentID(), n: n, interval: interval, base: base}
	if err := snd.run(ctx); err != nil {
		return deliveryResult{}, err
	}
	waitOrTimeout(ctx, all, 10*time.Second)
	cancel()
	wg.Wait()
	lat, got := snd.latencies([][]receipt{recv})
	r := deliveryResult{Case: caseName, Path: "direct long poll", Subs: 1, Sent: n, Received: got, Lat: summarize(lat...), BridgeCPU: -1}
	logDelivery(r)
	return r, nil
}

// measureBridge opens subs gRPC streams on one agent (filtered to the probe type), pushes
// probes and times each receipt on each stream. Streams are spread over one connection per
// 100 subscribers, as separate client processes would spread them.
func measureBridge(ctx context.Context, sim *simHost, br bridge, agent, caseName string, subs, n int, interval time.Duration) (deliveryResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var conns []*grpc.ClientConn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range (subs + 99) / 100 {
		c, err := dialGRPC(br.GRPCAddr())
		if err != nil {
			return deliveryResult{}, err
		}
		conns = append(conns, c)
	}
	base := time.Now()
	recv := make([][]receipt, subs)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	done := make(chan struct{}, subs)
	subscribed := make(chan error, subs)
	for i := range subs {
		client := ccgwv1.NewAgentEventServiceClient(conns[i%len(conns)])
		wg.Go(func() {
			stream, err := client.StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: agent, EventTypes: []string{probeType}})
			if err == nil {
				_, err = stream.Recv() // the snapshot: from here on the stream is registered
			}
			subscribed <- err
			if err != nil {
				return
			}
			for {
				m, err := stream.Recv()
				if err != nil {
					return
				}
				ev := m.GetEvent()
				if ev == nil {
					continue
				}
				at := time.Since(base)
				if seq, err := strconv.Atoi(ev.GetReason()); err == nil {
					recv[i] = append(recv[i], receipt{seq, at})
				}
				if len(recv[i]) == n {
					done <- struct{}{}
				}
			}
		})
	}
	for range subs {
		select {
		case err := <-subscribed:
			if err != nil {
				return deliveryResult{}, fmt.Errorf("opening a stream on %s: %w", agent, err)
			}
		case <-ctx.Done():
			return deliveryResult{}, ctx.Err()
		case <-time.After(60 * time.Second):
			return deliveryResult{}, errors.New("streams not open within 60 s")
		}
	}
	if err := awaitParked(ctx, sim, agent); err != nil {
		return deliveryResult{}, err
	}
	snd := &sender{sim: sim, agent: agent, n: n, interval: interval, base: base}
	before := sampleCPU(0, br.PID())
	if err := snd.run(ctx); err != nil {
		return deliveryResult{}, err
	}
	all := make(chan struct{})
	go func() {
		defer close(all)
		for range subs {
			select {
			case <-done:
			case <-ctx.Done():
				return
			}
		}
	}()
	waitOrTimeout(ctx, all, 10*time.Second)
	_, _, bridgeCPU, _ := sampleCPU(0, br.PID()).since(before)
	cancel()
	wg.Wait()
	lat, got := snd.latencies(recv)
	r := deliveryResult{Case: caseName, Path: "bridge gRPC stream", Subs: subs, Sent: n, Received: got, Lat: summarize(lat...), BridgeCPU: bridgeCPU}
	logDelivery(r)
	return r, nil
}

func waitOrTimeout(ctx context.Context, ch <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
		logf("not every event arrived within %v of the last send", d)
	case <-ctx.Done():
	}
}

func logDelivery(r deliveryResult) {
	logf("delivery %-28s %-18s subs=%-5d p50 %s  p99 %s  (%d/%d receipts)", r.Case, r.Path, r.Subs, ms(r.Lat.P50), ms(r.Lat.P99), r.Received, r.Sent*r.Subs)
}

// eventAgents signs in the two event agents of the i-th store's measurement: one through the
// bridge, one directly (its direct session is returned).
func eventAgents(ctx context.Context, br bridge, gc *gatewayclient.Client, i int) (bridgeAgent string, direct *gatewayclient.Session, err error) {
	bridgeAgent, directAgent := agentID(eventAgentBase, 2*i+1), agentID(eventAgentBase, 2*i+2)
	conn, err := dialGRPC(br.GRPCAddr())
	if err != nil {
		return "", nil, err
	}
	defer conn.Close()
	if err := signInBridge(ctx, ccgwv1.NewAgentSessionServiceClient(conn), []string{bridgeAgent}, 1); err != nil {
		return "", nil, err
	}
	ss, err := signInDirect(ctx, gc, []string{directAgent})
	if err != nil {
		return "", nil, err
	}
	return bridgeAgent, ss[0], nil
}

// runEvents measures delivery with 1 subscriber and with many subscribers on one agent, and
// the direct path under the same conditions, for a bridge on each store in turn.
func runEvents(ctx context.Context, o *options, launch *bridgeLauncher) ([]deliveryResult, error) {
	sim, err := startSim(benchSimConfig(0, 0, len(o.stores), o.gatewayWait))
	if err != nil {
		return nil, err
	}
	defer sim.close()
	gc, err := gatewayclient.New(gatewayclient.Config{BaseURL: sim.url})
	if err != nil {
		return nil, err
	}
	defer gc.Close()
	var out []deliveryResult
	for i, store := range o.stores {
		rs, err := eventsOnStore(ctx, o, launch, sim, gc, store, i)
		out = append(out, rs...)
		if err != nil {
			return out, fmt.Errorf("%s store: %w", store, err)
		}
	}
	return out, nil
}

// eventsOnStore is runEvents for the i-th store. The direct path is measured again before
// each bridge, so every bridge is compared with a floor taken minutes, not a whole run, apart.
func eventsOnStore(ctx context.Context, o *options, launch *bridgeLauncher, sim *simHost, gc *gatewayclient.Client, store string, i int) ([]deliveryResult, error) {
	br, err := launch.start(ctx, "events-bridge", store, sim.url)
	if err != nil {
		return nil, err
	}
	defer br.Close()
	agent, direct, err := eventAgents(ctx, br, gc, i)
	if err != nil {
		return nil, err
	}
	var out []deliveryResult
	add := func(r deliveryResult, err error) error {
		if err == nil {
			r.Store = store
			out = append(out, r)
		}
		return err
	}
	one := "1 subscriber"
	if err := add(measureDirect(ctx, sim, direct, one, o.events, o.eventInterval)); err != nil {
		return out, err
	}
	if err := add(measureBridge(ctx, sim, br, agent, one, 1, o.events, o.eventInterval)); err != nil {
		return out, err
	}
	many := fmt.Sprintf("%s subscribers", thousands(o.fanoutSubs))
	return out, add(measureBridge(ctx, sim, br, agent, many, o.fanoutSubs, o.fanoutEvents, o.fanoutInterval))
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
