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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

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
	allOps                               int
	cpuBench, cpuSim, cpuBridge, cpuNATS float64
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
	maxConc := slices.Max(o.concurrency)
	sim, err := startSimChild(ctx, o.simEnv, maxConc, 0, len(o.stores), o.gatewayWait)
	if err != nil {
		return nil, err
	}
	defer sim.close()
	br, err := launch.start(ctx, "commands-bridge", o.stores[0], sim.url)
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
	bridgeIDs := ids(callerBase(0), maxConc)
	if err := signInBridge(ctx, ccgwv1.NewAgentSessionServiceClient(conn), bridgeIDs, 8); err != nil {
		return nil, err
	}
	calls := ccgwv1.NewCallControlServiceClient(conn)
	health := healthpb.NewHealthClient(conn)
	ap, err := startAuthPath(ctx, o, launch, sim.url, maxConc)
	if err != nil {
		return nil, err
	}
	defer ap.close()
	others, err := startStorePaths(ctx, o, launch, sim.url, maxConc)
	defer func() {
		for _, sp := range others {
			sp.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	hc := restClient(2 * maxConc)
	defer hc.CloseIdleConnections()
	restBase := "http://" + br.HTTPAddr()

	type path struct {
		name string
		pid  int   // the bridge's process
		nats []int // the NATS processes behind it
		op   func(worker int) func(context.Context) error
	}
	paths := []path{
		{"direct", 0, nil, func(w int) func(context.Context) error {
			s := direct[w]
			return func(ctx context.Context) error {
				id, err := s.CallInnerSkill(ctx, queueNobody)
				if err == nil && id == "" {
					err = errors.New("no call id")
				}
				return err
			}
		}},
		{"grpc", br.PID(), launch.stores.natsPIDs(o.stores[0]), callOp(calls, bridgeIDs)},
		// The grpc path through a bridge that authenticates (a bearer JWT, verified every call)
		// and authorizes (a policy) each call: the difference to grpc is their cost.
		{"grpc-auth", ap.pid, nil, func(w int) func(context.Context) error {
			req := &ccgwv1.CallInnerSkillRequest{AgentId: ap.ids[w], SkillId: queueNobody}
			return func(ctx context.Context) error {
				res, err := ap.calls.CallInnerSkill(metadata.NewOutgoingContext(ctx, ap.md), req)
				if err == nil && res.GetCallId() == "" {
					err = errors.New("no call id")
				}
				return err
			}
		}},
		// The floor of any bridge path: one gRPC round trip through the same server and
		// interceptors, with no gateway call behind it.
		{"grpc-health", br.PID(), nil, func(int) func(context.Context) error {
			req := &healthpb.HealthCheckRequest{}
			return func(ctx context.Context) error {
				res, err := health.Check(ctx, req)
				if err == nil && res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
					err = fmt.Errorf("health %v", res.GetStatus())
				}
				return err
			}
		}},
		{"rest", br.PID(), launch.stores.natsPIDs(o.stores[0]), func(w int) func(context.Context) error {
			url := restBase + "/v1/agents/" + bridgeIDs[w] + "/voice:callInnerSkill"
			body := []byte(`{"skillId":"` + strconv.FormatInt(queueNobody, 10) + `"}`)
			return func(ctx context.Context) error { return restCall(ctx, hc, url, body) }
		}},
	}
	// The grpc path through a bridge on each further store: the difference to grpc is what
	// the store costs a command.
	for _, sp := range others {
		paths = append(paths, path{"grpc@" + sp.store, sp.br.PID(), launch.stores.natsPIDs(sp.store), callOp(sp.calls, sp.ids)})
	}
	measured := func(name string) bool {
		if store, ok := strings.CutPrefix(name, "grpc@"); ok {
			return slices.Contains(o.paths, "grpc") && slices.Contains(o.stores, store)
		}
		return slices.Contains(o.paths, name)
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
				if !measured(p.name) {
					continue
				}
				workers := make([]func(context.Context) error, c)
				for w := range workers {
					workers[w] = p.op(w)
				}
				before := sampleCPU(sim.pid(), p.pid, p.nats...)
				r, err := closedLoop(ctx, workers, o.warmup, window, o.maxOps)
				if err != nil {
					return out, fmt.Errorf("%s at concurrency %d: %w", p.name, c, err)
				}
				r.cpuBench, r.cpuSim, r.cpuBridge, r.cpuNATS = sampleCPU(sim.pid(), p.pid, p.nats...).since(before)
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

// callOp is the grpc path's operation for worker w: an internal call by agent ids[w].
func callOp(calls ccgwv1.CallControlServiceClient, ids []string) func(w int) func(context.Context) error {
	return func(w int) func(context.Context) error {
		req := &ccgwv1.CallInnerSkillRequest{AgentId: ids[w], SkillId: queueNobody}
		return func(ctx context.Context) error {
			res, err := calls.CallInnerSkill(ctx, req)
			if err == nil && res.GetCallId() == "" {
				err = errors.New("no call id")
			}
			return err
		}
	}
}

// storePath is the bridge of a grpc@<store> path, with its agents signed in.
type storePath struct {
	store string
	br    bridge
	conn  *grpc.ClientConn
	calls ccgwv1.CallControlServiceClient
	ids   []string
}

func (sp *storePath) close() {
	_ = sp.conn.Close()
	sp.br.Close()
}

// startStorePaths starts a bridge on each store after the first (when the grpc path is
// measured) and signs in its agents. It returns the bridges started so far with any error.
func startStorePaths(ctx context.Context, o *options, launch *bridgeLauncher, simURL string, n int) ([]*storePath, error) {
	if !slices.Contains(o.paths, "grpc") {
		return nil, nil
	}
	var out []*storePath
	for i, store := range o.stores[1:] {
		br, err := launch.start(ctx, "commands-bridge", store, simURL)
		if err != nil {
			return out, err
		}
		conn, err := dialGRPC(br.GRPCAddr())
		if err != nil {
			br.Close()
			return out, err
		}
		sp := &storePath{store: store, br: br, conn: conn, calls: ccgwv1.NewCallControlServiceClient(conn), ids: ids(callerBase(i+1), n)}
		out = append(out, sp)
		if err := signInBridge(ctx, ccgwv1.NewAgentSessionServiceClient(conn), sp.ids, 8); err != nil {
			return out, fmt.Errorf("signing in through the %s bridge: %w", store, err)
		}
	}
	return out, nil
}

// authPath is the second bridge of the grpc-auth path, with its agents signed in.
type authPath struct {
	calls ccgwv1.CallControlServiceClient
	ids   []string
	md    metadata.MD // the bearer token
	pid   int
	close func()
}

// startAuthPath starts the grpc-auth path's bridge (only when that path is measured) and signs
// its agents in with the token.
func startAuthPath(ctx context.Context, o *options, launch *bridgeLauncher, simURL string, n int) (*authPath, error) {
	ap := &authPath{close: func() {}}
	if !slices.Contains(o.paths, "grpc-auth") {
		return ap, nil
	}
	flags, bearer, err := authSetup(launch.logDir, n)
	if err != nil {
		return ap, err
	}
	br, err := launch.start(ctx, "commands-bridge-auth", storeMemory, simURL, flags...)
	if err != nil {
		return ap, err
	}
	conn, err := dialGRPC(br.GRPCAddr())
	if err != nil {
		br.Close()
		return ap, err
	}
	ap.close = func() { _ = conn.Close(); br.Close() }
	ap.calls, ap.ids, ap.md, ap.pid = ccgwv1.NewCallControlServiceClient(conn), ids(authCallerBase, n), metadata.Pairs("authorization", bearer), br.PID()
	if err := signInBridge(metadata.NewOutgoingContext(ctx, ap.md), ccgwv1.NewAgentSessionServiceClient(conn), ap.ids, 8); err != nil {
		ap.close() // the caller defers close only on success
		return &authPath{close: func() {}}, err
	}
	return ap, nil
}

// add merges another window of the same path and concurrency.
func (r *cmdResult) add(w cmdResult) {
	r.allOps += w.allOps
	r.cpuBench += w.cpuBench
	r.cpuSim += w.cpuSim
	r.cpuBridge += w.cpuBridge
	r.cpuNATS += w.cpuNATS
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
// maxWindowExtension bounds how long closedLoop waits for the first call of a window.
const maxWindowExtension = 10 * time.Second

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
			// A window in which no call finished measures nothing: on a loaded machine (the
			// smoke test's 150 ms windows on a shared runner) it is extended, within a bound,
			// until one does, so the figures come late rather than not at all.
			if measured.Load() == 0 && failed.Load() == 0 && time.Since(start) < maxWindowExtension {
				deadline.Reset(window)
			} else {
				phase.Store(phaseStop)
			}
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
