//go:build linux

// Package failover proves that a set of bridge replicas on a NATS JetStream cluster loses no
// agent, event or command when replicas or NATS nodes fail. Everything runs as real processes
// on loopback: a 3-node nats-server cluster, a standalone ccgw-sim, three ccgw-bridge replicas.
package failover

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

const (
	numAgents   = 200
	leaseTTL    = 6 * time.Second
	probePeriod = 4 * time.Second // per agent: 50 probe events a second in all
	// Events older than this leave the log. A starting replica replays the retained log (its
	// agent views), and store/nats reads it one request per event, so retention bounds restart
	// time; it is still well above the longest a client stays behind (the cut-off case).
	retentionAge = 45 * time.Second
	// The simulator signs out an agent nobody polled for this long. Far shorter than the real
	// gateway's 2 minutes, so a replica that stopped polling without a takeover shows up.
	gwHeartbeat = 20 * time.Second
	// A replica cut off from NATS for this long: long enough for its leases to expire and its
	// agents to be taken over (6 s) with room to spare; the 30 s would add 15 s of
	// waiting and prove nothing more (the cut replica's state is the same after 7 s as after 30).
	cutFor = 15 * time.Second
)

type caseResult struct {
	name         string
	start, end   time.Time
	agentsMoved  int
	takeover     time.Duration
	note         string
	lost, dups   []int // per client
	maxLatency   time.Duration
	secondCalls  int
	unknownAfter time.Duration
}

func TestFailover(t *testing.T) {
	if os.Getenv("CCGW_FAILOVER") == "" {
		t.Skip("runs real NATS, simulator and bridge processes for a few minutes: make failover (CCGW_FAILOVER=1)")
	}
	began := time.Now()
	bins := buildBinaries(t)
	nc := natstest.StartCluster(t, bins["nats-server"], 3, natstest.NoAdvertise())
	simURL := startSim(t, bins["ccgw-sim"], numAgents, gwHeartbeat)
	key := writeKey(t)
	var direct, viaProxy []string
	var proxies []*proxy
	for _, nd := range nc.Nodes {
		direct = append(direct, nd.ClientURL)
		p := startProxy(t, strings.TrimPrefix(nd.ClientURL, "nats://"))
		proxies = append(proxies, p)
		viaProxy = append(viaProxy, "nats://"+p.addr())
	}
	f := &fleet{t: t, bin: bins["ccgw-bridge"]}
	f.add("r0", bridgeArgs(t, simURL, key, direct))
	f.add("r1", bridgeArgs(t, simURL, key, direct))
	r2 := f.add("r2", bridgeArgs(t, simURL, key, viaProxy)) // the one the test cuts off
	t.Logf("setup (builds, 3 NATS nodes, simulator, 3 replicas) took %v", time.Since(began).Round(time.Millisecond))

	agents := make([]string, numAgents)
	for i := range agents {
		agents[i] = agentID(i)
	}
	signInAll(t, f, agents)
	before := simAgents(t, simURL)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	clients := make([]*streamClient, len(f.reps))
	for i := range clients {
		clients[i] = &streamClient{home: i, f: f, got: map[probeKey]int{}, recvAt: map[probeKey]time.Time{}}
		wg.Add(1)
		go func() { defer wg.Done(); clients[i].run(ctx) }()
	}
	warm := &caseResult{name: "steady state (before the cases)", start: time.Now()}
	pr := &prober{simURL: simURL, agents: agents, next: map[string]int{}, pushedAt: map[probeKey]time.Time{}}
	wg.Add(1)
	go func() { defer wg.Done(); pr.run(ctx, probePeriod) }()
	time.Sleep(3 * time.Second)
	warm.end = time.Now()

	results := []*caseResult{warm}
	run := func(name string, body func(c *caseResult)) {
		c := &caseResult{name: name, start: time.Now()}
		body(c)
		c.end = time.Now()
		results = append(results, c)
		t.Logf("case %q: %d agents moved, takeover %v %s", name, c.agentsMoved, c.takeover.Round(time.Millisecond), c.note)
	}

	run("kill -9 of one replica", func(c *caseResult) {
		r0 := f.reps[0]
		idemDone := callInnerSkill(t, r0, agents[numAgents-1], "idem-completed-on-r0")
		if idemDone.err != nil {
			t.Fatalf("call on r0: %v", idemDone.err)
		}
		// A second command is on its way to the gateway (held there 3 s) when r0 dies.
		if code, err := simPost(simURL, "/sim/v1/faults", map[string]any{"kind": "latency", "route": "callInnerSkill", "count": 1, "latencyMs": 3000}); err != nil || code != 201 {
			t.Fatalf("fault: %d %v", code, err)
		}
		inflight := make(chan callResult, 1)
		go func() { inflight <- callInnerSkill(t, r0, agents[numAgents-2], "idem-in-flight-on-r0") }()
		waitFaultTaken(t, simURL)
		held := pollers(t, r0)
		// An event the gateway has handed to r0's poll but r0 has not stored yet dies with it:
		// the gateway protocol has no acknowledgement. Probes pause for a second so none is in
		// that window at the kill, and resume at once: every probe pushed while r0's agents
		// wait for their takeover must arrive.
		pr.pause(true)
		time.Sleep(time.Second)
		t0 := time.Now()
		r0.proc.kill()
		pr.pause(false)
		<-inflight
		base := callInnerSkillCalls(t, f)
		retry := callInnerSkill(t, f.reps[1], agents[numAgents-1], "idem-completed-on-r0")
		if retry.err != nil || retry.callID != idemDone.callID {
			t.Errorf("completed request retried on r1: %+v, want call %s", retry, idemDone.callID)
		}
		unknown := callInnerSkill(t, f.reps[2], agents[numAgents-2], "idem-in-flight-on-r0")
		c.unknownAfter = time.Since(t0)
		if unknown.reason != "OUTCOME_UNKNOWN" {
			t.Errorf("in-flight request retried on r2: %+v, want OUTCOME_UNKNOWN", unknown)
		}
		c.secondCalls = callInnerSkillCalls(t, f) - base
		c.agentsMoved, c.takeover = waitTakeover(f, t0, held)
		c.note = fmt.Sprintf("(r0 polled %d; OUTCOME_UNKNOWN for the in-flight request %v after the kill)", held, c.unknownAfter.Round(time.Millisecond))
		f.start(r0)
		time.Sleep(2 * time.Second)
	})

	run("a replica cut off from NATS", func(c *caseResult) {
		held := pollers(t, r2)
		t0 := time.Now()
		for _, p := range proxies {
			p.setCut(true)
		}
		c.agentsMoved, c.takeover = waitTakeover(f, t0, held)
		time.Sleep(time.Until(t0.Add(cutFor)))
		for _, p := range proxies {
			p.setCut(false)
		}
		time.Sleep(5 * time.Second) // r2 reconnects and stores what it polled before it stopped
		c.note = fmt.Sprintf("(r2 polled %d; cut for %v)", held, cutFor)
	})

	run("kill -9 of one NATS node", func(c *caseResult) {
		t0 := time.Now()
		nc.Kill(1)
		time.Sleep(8 * time.Second)
		c.agentsMoved, c.takeover = takeover(f.adoptedBetween(t0, time.Now()), t0)
		nc.Start(t, 1)
		nc.WaitReady(t, 1)
		time.Sleep(2 * time.Second)
		c.note = "(agents moved only if a replica could not renew its leases while NATS elected new leaders)"
	})

	run("rolling restart of all three", func(c *caseResult) {
		var notes []string
		for _, b := range f.reps {
			held := pollers(t, b)
			t0 := time.Now()
			if err := b.proc.stop(15 * time.Second); err != nil {
				t.Error(err)
			}
			moved, took := waitTakeover(f, t0, held)
			c.agentsMoved += moved
			c.takeover = max(c.takeover, took)
			notes = append(notes, fmt.Sprintf("%s: %d in %v", b.id, moved, took.Round(time.Millisecond)))
			f.start(b)
			time.Sleep(time.Second)
		}
		c.note = "(" + strings.Join(notes, ", ") + ")"
	})

	// Drain: no new probes; every client must end up with every probe pushed.
	pr.pause(true)
	drainUntil := time.Now().Add(20 * time.Second)
	for time.Now().Before(drainUntil) && !allDelivered(pr, clients) {
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	wg.Wait()

	after := simAgents(t, simURL)
	signedOut, relogged, displaced, dropped := 0, 0, 0, 0
	for _, a := range agents {
		if !after[a].SignedIn {
			signedOut++
		}
		if after[a].LoginTimeMs != before[a].LoginTimeMs {
			relogged++
		}
		displaced += after[a].DisplacedPolls
		dropped += after[a].DroppedEvents
	}
	pushed := attribute(pr, clients, results)

	t.Logf("FAILOVER %d agents, 3 replicas, 3 NATS nodes (stream replicas 3), lease ttl %v, %d probes pushed (%d refused by the gateway), run %v",
		numAgents, leaseTTL, pushed, pr.refused, time.Since(began).Round(time.Second))
	t.Logf("FAILOVER %-30s %7s %10s %12s %12s %13s %12s", "case", "moved", "takeover", "lost/client", "dup/client", "max latency", "2nd calls")
	for _, c := range results {
		t.Logf("FAILOVER %-30s %7d %10v %12v %12v %13v %12d", c.name, c.agentsMoved, c.takeover.Round(time.Millisecond), c.lost, c.dups,
			c.maxLatency.Round(time.Millisecond), c.secondCalls)
	}
	var gaps, reconnects, elsewhere []int
	for _, cl := range clients {
		gaps, reconnects, elsewhere = append(gaps, cl.gaps), append(reconnects, cl.reconnects), append(elsewhere, cl.elsewhere)
	}
	t.Logf("FAILOVER gateway: signed out %d, signed in again %d, displaced polls (two pollers at once) %d, dropped events %d; streams: gaps %v, reconnects %v, resumed on another replica %v",
		signedOut, relogged, displaced, dropped, gaps, reconnects, elsewhere)

	for _, c := range results {
		if (c.name == "kill -9 of one replica" || c.name == "a replica cut off from NATS") && c.takeover > leaseTTL+2*time.Second {
			t.Errorf("%s: takeover %v > lease ttl + 2 s", c.name, c.takeover)
		}
		if c.agentsMoved > 0 && c.takeover > leaseTTL+2*time.Second {
			t.Errorf("%s: takeover %v > lease ttl + 2 s", c.name, c.takeover)
		}
		for i := range c.lost {
			if c.lost[i] != 0 || c.dups[i] != 0 {
				t.Errorf("%s: client %d lost %d and duplicated %d probes", c.name, i, c.lost[i], c.dups[i])
			}
		}
		if c.secondCalls != 0 {
			t.Errorf("%s: %d second gateway calls for retried request ids", c.name, c.secondCalls)
		}
	}
	if signedOut+relogged+displaced+dropped != 0 || pr.refused != 0 {
		t.Errorf("gateway: signed out %d, signed in again %d, displaced polls %d, dropped %d, probes refused %d; want all 0",
			signedOut, relogged, displaced, dropped, pr.refused)
	}
	for i, g := range gaps {
		if g != 0 {
			t.Errorf("client %d saw %d gap markers", i, g)
		}
	}
}

// signInAll signs the agents in, spread over the replicas, 16 at a time.
func signInAll(t *testing.T, f *fleet, agents []string) {
	t.Helper()
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	errs := make(chan error, len(agents))
	for i, a := range agents {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := ccgwv1.NewAgentSessionServiceClient(f.reps[i%len(f.reps)].client()).SignIn(ctx, &ccgwv1.SignInRequest{
				AgentId: a, Password: "pw-" + a, PhoneNumber: "7" + a, InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE,
			})
			if err != nil {
				errs <- fmt.Errorf("sign in %s: %w", a, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

type callResult struct {
	callID string
	reason string
	err    error
}

func callInnerSkill(t *testing.T, b *bridge, agent, requestID string) callResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := b.client()
	if conn == nil {
		return callResult{err: errors.New(b.id + " is down")}
	}
	res, err := ccgwv1.NewCallControlServiceClient(conn).CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: agent, SkillId: 1, RequestId: requestID})
	out := callResult{err: err}
	if err == nil {
		out.callID = res.GetCallId()
	}
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			out.reason = info.GetReason()
		}
	}
	return out
}

// waitFaultTaken waits until a request took the installed count-1 fault (spent faults are
// dropped from the list).
func waitFaultTaken(t *testing.T, simURL string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := getJSONLen(simURL+"/sim/v1/faults", &n); err == nil && n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the command did not reach the gateway")
}

// waitTakeover waits until want agents were adopted after t0 (or lease ttl + 5 s passed) and
// returns how many were, and when the last was.
func waitTakeover(f *fleet, t0 time.Time, want int) (int, time.Duration) {
	deadline := t0.Add(leaseTTL + 5*time.Second)
	for {
		n, last := takeover(f.adoptedBetween(t0, time.Now().Add(time.Hour)), t0)
		if n >= want || time.Now().After(deadline) {
			return n, last
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func allDelivered(pr *prober, clients []*streamClient) bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for _, c := range clients {
		c.mu.Lock()
		for k := range pr.pushedAt {
			if c.got[k] == 0 {
				c.mu.Unlock()
				return false
			}
		}
		c.mu.Unlock()
	}
	return true
}

// attribute assigns each pushed probe to the case during which it was pushed and counts, per
// client, the probes never delivered and those delivered more than once; it returns how many
// probes were pushed in all.
func attribute(pr *prober, clients []*streamClient, results []*caseResult) int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	keys := make([]probeKey, 0, len(pr.pushedAt))
	for k := range pr.pushedAt {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return pr.pushedAt[keys[i]].Before(pr.pushedAt[keys[j]]) })
	for _, c := range results {
		c.lost, c.dups = make([]int, len(clients)), make([]int, len(clients))
	}
	for _, k := range keys {
		at := pr.pushedAt[k]
		var c *caseResult
		for _, r := range results {
			if !at.Before(r.start) && at.Before(r.end) {
				c = r
			}
		}
		if c == nil {
			continue
		}
		for i, cl := range clients {
			cl.mu.Lock()
			switch n := cl.got[k]; {
			case n == 0:
				c.lost[i]++
			case n > 1:
				c.dups[i]++
			}
			if rt, ok := cl.recvAt[k]; ok {
				c.maxLatency = max(c.maxLatency, rt.Sub(at))
			}
			cl.mu.Unlock()
		}
	}
	return len(keys)
}
