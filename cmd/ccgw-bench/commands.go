package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// cmdResult is one closed-loop measurement of the internal call command.
type cmdResult struct {
	Path        string // direct, grpc, rest
	Concurrency int
	Ops         int
	Errors      int
	Elapsed     time.Duration
	Lat         latency

	samples [][]time.Duration // per worker and window, until summarised

	// CPU seconds each process spent over the windows (warm-ups included) and the calls that
	// completed in that time, for the CPU cost of one call; a negative figure is not known.
	allOps                      int
	cpuBench, cpuSim, cpuBridge float64
}

// cpuPerCall is a process's CPU microseconds per completed call.
func (r cmdResult) cpuPerCall(sec float64) string {
	if sec < 0 || r.allOps == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", sec*1e6/float64(r.allOps))
}

func (r cmdResult) throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// runCommands measures PUT voicecall/{id}/callinnerskill to a queue nobody serves: straight
// at the simulator, through the bridge over gRPC, and through the bridge over REST; and, as
// the floor of any bridge path, a gRPC health check through the same server. The
// simulator runs in a process of its own, so the direct path crosses one process boundary and
// the bridge paths two, as they would in production. Every
// worker has an agent of its own so the gateway's per-agent handling does not serialise them.
// Agents of both paths are long-polled (by the bridge, or by a direct poller per agent), as
// any real client must to keep its session alive; each call's Inside_Call_Fail event is
// therefore collected on both paths.
func runCommands(ctx context.Context, o *options, launch *bridgeLauncher) ([]cmdResult, error) {
	maxConc := 0
	for _, c := range o.concurrency {
		maxConc = max(maxConc, c)
	}
	sim, err := startSimChild(ctx, o.simEnv, maxConc, 0)
	if err != nil {
		return nil, err
	}
	defer sim.close()
	br, err := launch.start(ctx, "commands-bridge", sim.url)
	if err != nil {
		return nil, err
	}
	defer br.Close()

	gc, err := gatewayclient.New(gatewayclient.Config{BaseURL: sim.url})
	if err != nil {
		return nil, err
	}
	defer gc.Close()
	direct, err := signInDirect(ctx, gc, ids(directCallerBase, maxConc))
	if err != nil {
		return nil, err
	}
	pollCtx, stopPolls := context.WithCancel(ctx)
	var polls sync.WaitGroup
	defer func() { stopPolls(); polls.Wait() }()
	for _, s := range direct {
		polls.Go(func() { directPoller(pollCtx, s, nil) })
	}

	conn, err := dialGRPC(br.GRPCAddr())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	bridgeIDs := ids(bridgeCallerBase, maxConc)
	if err := signInBridge(ctx, ccgwv1.NewAgentSessionServiceClient(conn), bridgeIDs, 8); err != nil {
		return nil, err
	}
	calls := ccgwv1.NewCallControlServiceClient(conn)
	health := healthpb.NewHealthClient(conn)
	hc := restClient(2 * maxConc)
	defer hc.CloseIdleConnections()
	restBase := "http://" + br.HTTPAddr()

	paths := []struct {
		name string
		op   func(worker int) func(context.Context) error
	}{
		{"direct", func(w int) func(context.Context) error {
			s := direct[w]
			return func(ctx context.Context) error {
				id, err := s.CallInnerSkill(ctx, queueNobody)
				if err == nil && id == "" {
					err = errors.New("no call id")
				}
				return err
			}
		}},
		{"grpc", func(w int) func(context.Context) error {
			req := &ccgwv1.CallInnerSkillRequest{AgentId: bridgeIDs[w], SkillId: queueNobody}
			return func(ctx context.Context) error {
				res, err := calls.CallInnerSkill(ctx, req)
				if err == nil && res.GetCallId() == "" {
					err = errors.New("no call id")
				}
				return err
			}
		}},
		// The floor of any bridge path: one gRPC round trip through the same server and
		// interceptors, with no gateway call behind it.
		{"grpc-health", func(int) func(context.Context) error {
			req := &healthpb.HealthCheckRequest{}
			return func(ctx context.Context) error {
				res, err := health.Check(ctx, req)
				if err == nil && res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
					err = fmt.Errorf("health %v", res.GetStatus())
				}
				return err
			}
		}},
		{"rest", func(w int) func(context.Context) error {
			url := restBase + "/v1/agents/" + bridgeIDs[w] + "/voice:callInnerSkill"
			body := []byte(`{"skillId":"` + strconv.FormatInt(queueNobody, 10) + `"}`)
			return func(ctx context.Context) error { return restCall(ctx, hc, url, body) }
		}},
	}
	// Paths take turns in short windows (-rounds of them), so a change in the machine's load
	// during the run (it is shared) falls on every path alike instead of on whichever ran then.
	var out []cmdResult
	window := o.duration / time.Duration(o.rounds)
	for _, c := range o.concurrency {
		byPath := map[string]*cmdResult{}
		var order []string
		for round := range o.rounds {
			for _, p := range paths {
				if !slices.Contains(o.paths, p.name) {
					continue
				}
				workers := make([]func(context.Context) error, c)
				for w := range workers {
					workers[w] = p.op(w)
				}
				before := sampleCPU(sim.pid(), br.PID())
				r, err := closedLoop(ctx, workers, o.warmup, window, o.maxOps)
				if err != nil {
					return out, fmt.Errorf("%s at concurrency %d: %w", p.name, c, err)
				}
				r.cpuBench, r.cpuSim, r.cpuBridge = sampleCPU(sim.pid(), br.PID()).since(before)
				acc := byPath[p.name]
				if acc == nil {
					acc = &cmdResult{Path: p.name, Concurrency: c}
					byPath[p.name] = acc
					order = append(order, p.name)
				}
				acc.add(r)
				if round == o.rounds-1 {
					acc.Lat = summarize(acc.samples...)
					logf("commands %-11s c=%-3d %8.0f ops/s  p50 %s  p99 %s  (%d ops, %d errors)", p.name, c, acc.throughput(), ms(acc.Lat.P50), ms(acc.Lat.P99), acc.Ops, acc.Errors)
				}
			}
		}
		for _, name := range order {
			out = append(out, *byPath[name])
		}
	}
	return out, nil
}

// add merges another window of the same path and concurrency.
func (r *cmdResult) add(w cmdResult) {
	r.allOps += w.allOps
	r.cpuBench += w.cpuBench
	r.cpuSim += w.cpuSim
	r.cpuBridge += w.cpuBridge
	r.Ops += w.Ops
	r.Errors += w.Errors
	r.Elapsed += w.Elapsed
	r.samples = append(r.samples, w.samples...)
}

func restCall(ctx context.Context, hc *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("REST call answered %s: %.200s", res.Status, data)
	}
	var out struct {
		CallID string `json:"callId"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.CallID == "" {
		return fmt.Errorf("REST answer without a call id: %.200s", data)
	}
	return nil
}

// closedLoop runs each worker's op back to back: warm-up first (not recorded), then the
// measured window. It stops at the window's end, when maxOps have been measured, or when ctx
// ends. Every op gets a 10 s deadline.
func closedLoop(ctx context.Context, workers []func(context.Context) error, warmup, window time.Duration, maxOps int) (cmdResult, error) {
	const (
		phaseWarm = iota
		phaseMeasure
		phaseStop
	)
	var phase atomic.Int32
	var measured, failed, completed atomic.Int64
	samples := make([][]time.Duration, len(workers))
	var firstErr atomic.Pointer[error]
	var wg sync.WaitGroup
	for w, op := range workers {
		wg.Go(func() {
			for {
				ph := phase.Load()
				if ph == phaseStop || ctx.Err() != nil {
					return
				}
				opCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				start := time.Now()
				err := op(opCtx)
				d := time.Since(start)
				cancel()
				if err == nil {
					completed.Add(1)
				}
				if ph != phaseMeasure || phase.Load() != phaseMeasure {
					continue // only ops that start and end inside the window count
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, &err)
					continue
				}
				samples[w] = append(samples[w], d)
				if measured.Add(1) >= int64(maxOps) {
					phase.Store(phaseStop)
				}
			}
		})
	}
	sleepCtx(ctx, warmup)
	phase.Store(phaseMeasure)
	start := time.Now()
	deadline := time.NewTimer(window)
	tick := time.NewTicker(10 * time.Millisecond)
	for phase.Load() == phaseMeasure && ctx.Err() == nil {
		select {
		case <-deadline.C:
			// A window in which no op both started and ended measures nothing: on a loaded
			// host (or under -race) one op can outlast a short window. Extend it until one
			// does, within the ops' own 10 s deadline, instead of reporting nothing.
			if measured.Load() == 0 && failed.Load() == 0 && time.Since(start) < 10*time.Second {
				deadline.Reset(window)
				continue
			}
			phase.Store(phaseStop)
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	elapsed := time.Since(start)
	phase.Store(phaseStop)
	deadline.Stop()
	tick.Stop()
	wg.Wait()
	r := cmdResult{Ops: int(measured.Load()), Errors: int(failed.Load()), Elapsed: elapsed, samples: samples, allOps: int(completed.Load())}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if r.Ops == 0 {
		if e := firstErr.Load(); e != nil {
			return r, fmt.Errorf("every call failed: %w", *e)
		}
		return r, errors.New("no call completed in the window")
	}
	if e := firstErr.Load(); e != nil {
		logf("%d calls failed; first: %v", r.Errors, *e)
	}
	return r, nil
}
