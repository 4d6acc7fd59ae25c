package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// probes pushes numbered probe events for the agent at the simulator.
func probes(t *testing.T, sim *gatewaysim.Sim, agent string, from, to int) {
	t.Helper()
	for n := from; n <= to; n++ {
		if err := sim.PushEvent(agent, "Probe", map[string]int{"n": n}); err != nil {
			t.Fatal(err)
		}
	}
}

// probeCounts reads the stream until every probe in 1..want arrived (or 5 s pass) and returns how
// often each number was delivered.
func probeCounts(t *testing.T, r *recorder, agent string, want int) map[int]int {
	t.Helper()
	seen := map[int]int{}
	deadline := time.After(10 * time.Second)
	for len(seen) < want {
		select {
		case m := <-r.msgs:
			if m.Event == nil || m.Event.AgentID != agent || m.Event.Type != "Probe" {
				continue
			}
			var c struct{ N int }
			if err := json.Unmarshal(m.Event.Content, &c); err != nil {
				t.Fatal(err)
			}
			seen[c.N]++
		case <-deadline:
			t.Fatalf("probes seen %v, want 1..%d", seen, want)
		}
	}
	// Anything delivered twice arrives right behind; give it a moment.
	for {
		select {
		case m := <-r.msgs:
			if m.Event != nil && m.Event.Type == "Probe" {
				var c struct{ N int }
				_ = json.Unmarshal(m.Event.Content, &c)
				seen[c.N]++
			}
		case <-time.After(100 * time.Millisecond):
			return seen
		}
	}
}

// liveStream starts a stream of the agent's events and returns once it is live (its snapshot
// arrived), so nothing appended afterwards can precede the subscription.
func liveStream(t *testing.T, c *core.Core, agent string) *recorder {
	t.Helper()
	rec := startStream(t, c, core.StreamParams{AgentIDs: []string{agent}})
	if m := rec.next(t); m.Snapshot == nil {
		t.Fatalf("first stream message %+v, want the snapshot", m)
	}
	return rec
}

func assertEachOnce(t *testing.T, seen map[int]int, want int) {
	t.Helper()
	for n := 1; n <= want; n++ {
		if seen[n] != 1 {
			t.Fatalf("probe %d delivered %d times (all: %v)", n, seen[n], seen)
		}
	}
}

func TestCrashedReplicasAgentsAreTakenOverWithoutSignIn(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]
	r0.signIn(t, "1001")
	rec := liveStream(t, r1.core, "1001")
	probes(t, cl.sim, "1001", 1, 5)
	// Stored before the crash: an event the gateway hands to a poll in the instant before a
	// kill -9 dies with the process (the gateway has no acknowledgement to wait for).
	first := probeCounts(t, rec, "1001", 5)
	if cl.polls.count("1001", "r1") != 0 {
		t.Fatal("r1 polled an agent r0 holds the lease of")
	}

	crashed := time.Now()
	cl.crash(r0)
	took := waitFor(t, testLeaseTTL+2*time.Second, "takeover by r1", func() bool { return cl.polledAfter("1001", "r1", crashed) })
	t.Logf("takeover %v after the crash (lease ttl %v)", took.Round(time.Millisecond), testLeaseTTL)
	if took > testLeaseTTL+500*time.Millisecond {
		t.Fatalf("takeover took %v, want <= lease ttl + 0.5 s", took)
	}
	probes(t, cl.sim, "1001", 6, 10)
	seen := probeCounts(t, rec, "1001", 5)
	for n, k := range first {
		seen[n] += k
	}
	assertEachOnce(t, seen, 10)
	if n := r0.calls.op("login") + r1.calls.op("login") + r1.calls.op("forceLogin"); n != 1 {
		t.Fatalf("gateway sign-ins = %d, want the 1 original (adoption resumes the stored GUID)", n)
	}
	if o := cl.polls.overlaps("1001"); o != "" {
		t.Fatalf("two replicas polled at once: %s", o)
	}
	if st, err := cl.sim.AgentState("1001"); err != nil || !st.SignedIn {
		t.Fatalf("agent at the gateway: %+v %v", st, err)
	}
}

func TestGracefulShutdownHandsAgentsOverAtOnce(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]
	r0.signIn(t, "1001")
	r0.signIn(t, "1002")
	stopped := time.Now()
	cl.close(r0)
	for _, a := range []string{"1001", "1002"} {
		took := waitFor(t, testLeaseTTL, "takeover of "+a, func() bool { return cl.polledAfter(a, "r1", stopped) })
		// The stopping replica lets its poll in flight be answered (the simulator's 200 ms wait),
		// then releases the lease; an expiring lease would take the whole ttl.
		if took >= testLeaseTTL {
			t.Fatalf("%s taken over after %v: the released lease should not have to expire", a, took)
		}
	}
	if got := testCounter(t, r1.m.Adoptions); got != 2 {
		t.Fatalf("adoptions on r1 = %v, want 2", got)
	}
}

func TestRestartedReplicaTakesBackItsLeasesAtOnce(t *testing.T) {
	cl := newCluster(t, 1, nil, nil)
	cl.reps[0].signIn(t, "1001")
	cl.crash(cl.reps[0])
	restarted := time.Now()
	cl.start(t, "r0") // same replica id: its own unexpired lease is its to renew
	took := waitFor(t, testLeaseTTL, "adoption", func() bool { return cl.polledAfter("1001", "r0", restarted) })
	if took > testLeaseTTL/2 {
		t.Fatalf("adopted after %v; the replica's own lease should not have to expire", took)
	}
}

func TestPartitionedReplicaStopsPollingBeforeItsLeaseExpiresAndStoresWhatItPolled(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]
	r0.signIn(t, "1001")
	rec := liveStream(t, r1.core, "1001")
	waitFor(t, 5*time.Second, "r0 polls", func() bool { return cl.polls.count("1001", "r0") > 0 })

	cut := time.Now()
	r0.conn.setCut(true)
	probes(t, cl.sim, "1001", 1, 2) // r0 still holds the lease: it takes these and must buffer them
	waitFor(t, 5*time.Second, "r0 buffers", func() bool { return r0.core.StoreStatus().BufferedEvents >= 2 })
	if st := r0.core.StoreStatus(); st.Up || st.DownSince.IsZero() {
		t.Fatalf("r0 store status during the cut: %+v", st)
	}
	took := waitFor(t, testLeaseTTL+2*time.Second, "takeover by r1", func() bool { return cl.polledAfter("1001", "r1", cut) })
	t.Logf("takeover %v after the partition began", took.Round(time.Millisecond))
	probes(t, cl.sim, "1001", 3, 4)
	if o := cl.polls.overlaps("1001"); o != "" {
		t.Fatalf("two replicas polled at once: %s", o)
	}
	r0.conn.setCut(false) // r0 stores the two events it polled under its lease: late, not lost
	assertEachOnce(t, probeCounts(t, rec, "1001", 4), 4)
	waitFor(t, 5*time.Second, "r0 reports the store up", func() bool { st := r0.core.StoreStatus(); return st.Up && st.BufferedEvents == 0 })
	if o := cl.polls.overlaps("1001"); o != "" {
		t.Fatalf("two replicas polled at once: %s", o)
	}
	// r0 does not take the agent back while r1 holds it.
	time.Sleep(testLeaseTTL / 2)
	if cl.polledAfter("1001", "r0", time.Now().Add(-testLeaseTTL/4)) {
		t.Fatal("r0 polls again although r1 holds the lease")
	}
}

func TestShortStoreOutageDoesNotStopPolling(t *testing.T) {
	cl := newCluster(t, 2, func(c *gatewaysim.Config) { c.HeartbeatTimeout = 1500 * time.Millisecond },
		func(o *core.Options) { o.LeaseTTL = 5 * time.Second })
	r0 := cl.reps[0]
	r0.signIn(t, "1001")
	rec := liveStream(t, r0.core, "1001")
	waitFor(t, 5*time.Second, "r0 polls", func() bool { return cl.polls.count("1001", "r0") > 0 })
	cut := time.Now()
	r0.conn.setCut(true)
	probes(t, cl.sim, "1001", 1, 3)
	// Longer than the gateway's heartbeat timeout: only polls keep the agent signed in.
	time.Sleep(2 * time.Second)
	if !cl.polledAfter("1001", "r0", cut.Add(time.Second)) {
		t.Fatal("r0 stopped polling during a store outage shorter than its lease")
	}
	if st := r0.core.StoreStatus(); st.Up || st.BufferedEvents < 3 {
		t.Fatalf("store status during the outage: %+v (want down, the 3 probes buffered)", st)
	}
	r0.conn.setCut(false)
	assertEachOnce(t, probeCounts(t, rec, "1001", 3), 3)
	if st, err := cl.sim.AgentState("1001"); err != nil || !st.SignedIn {
		t.Fatalf("agent at the gateway after the outage: %+v %v", st, err)
	}
	if cl.polls.count("1001", "r1") != 0 {
		t.Fatal("r1 took over an agent whose lease r0 kept")
	}
}

func TestSignInSignOutAcrossReplicas(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]

	// Concurrent sign-ins of one agent through both replicas: one gateway login, one session.
	var wg sync.WaitGroup
	for _, r := range []*replica{r0, r1} {
		wg.Add(1)
		go func() { defer wg.Done(); r.signIn(t, "1001") }()
	}
	wg.Wait()
	if n := r0.calls.op("login") + r1.calls.op("login"); n != 1 {
		t.Fatalf("gateway logins = %d, want 1 (the second sign-in finds the held session in the store)", n)
	}

	// Sign-out through the replica that does not poll the agent.
	waitFor(t, 5*time.Second, "a poller", func() bool { return testGauge(t, r0.m.Pollers)+testGauge(t, r1.m.Pollers) == 1 })
	poller, other := r0, r1
	if testGauge(t, r1.m.Pollers) == 1 {
		poller, other = r1, r0
	}
	if err := other.core.SignOut(ctxT(t, 5*time.Second), "1001", false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the poller stops", func() bool { return testGauge(t, poller.m.Pollers) == 0 })
	time.Sleep(testLeaseTTL) // long enough for any late write or takeover to show
	for _, r := range []*replica{r0, r1} {
		if _, err := r.core.GetSession(ctxT(t, time.Second), "1001"); !errors.Is(err, core.ErrNoSession) {
			t.Fatalf("session after sign-out, seen from %s: %v (a poller brought it back?)", r.id, err)
		}
		if testGauge(t, r.m.Pollers) != 0 {
			t.Fatalf("%s polls a signed-out agent", r.id)
		}
	}
	if st, _ := cl.sim.AgentState("1001"); st.SignedIn {
		t.Fatal("agent still signed in at the gateway")
	}
}

func TestStoredSessionTheGatewayRefusesBecomesLost(t *testing.T) {
	cl := newCluster(t, 0, nil, nil)
	ctx := ctxT(t, 5*time.Second)
	if _, err := cl.st.PutSession(ctx, store.Session{AgentID: "1001", GUID: "no-longer-valid", State: store.SessionActive}); err != nil {
		t.Fatal(err)
	}
	r := cl.start(t, "r0")
	waitFor(t, 5*time.Second, "LOST", func() bool {
		s, err := r.core.GetSession(ctx, "1001")
		return err == nil && s.State == store.SessionLost
	})
	s, _ := r.core.GetSession(ctx, "1001")
	if !strings.Contains(s.LostReason, "not signed in") {
		t.Fatalf("lost reason %q", s.LostReason)
	}
	// The loss is on the agent's stream, as a session change.
	evs, err := cl.st.Read(ctx, []string{"1001"}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var change *core.SessionChange
	for i := range evs {
		l := core.Logged{Event: evs[i]}
		if ch, ok := l.SessionChange(); ok {
			change = &ch
		}
	}
	if change == nil || change.State != store.SessionLost || change.Reason != core.ChangeNotSignedIn {
		t.Fatalf("session change in the log: %+v (events %d)", change, len(evs))
	}
	if n := r.calls.op("login") + r.calls.op("forceLogin"); n != 0 {
		t.Fatalf("adoption signed in %d times; it must only resume", n)
	}
}

func TestIdempotencyAcrossReplicas(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]
	r0.signIn(t, "1001")
	ctx := ctxT(t, 10*time.Second)
	p := core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{RequestID: "done-on-r0"}}
	first, err := r0.core.CallInnerSkill(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r1.core.CallInnerSkill(ctx, p)
	if err != nil || again.CallID != first.CallID {
		t.Fatalf("retry on r1: %+v %v, want call %s", again, err, first.CallID)
	}
	calls := func() int { return r0.calls.op("callInnerSkill") + r1.calls.op("callInnerSkill") }
	if calls() != 1 {
		t.Fatalf("gateway calls = %d, want 1", calls())
	}

	// The first replica dies with the command in flight: the retry gets OUTCOME_UNKNOWN within
	// a bound, and the command is never sent twice.
	if _, err := cl.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultLatency, Route: gatewayclient.OpCallInnerSkill, Count: 1, Latency: 700 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	p.RequestID = "in-flight-when-r0-died"
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = r0.core.CallInnerSkill(context.Background(), p)
	}()
	// A count-1 fault is dropped once a request took it.
	waitFor(t, 5*time.Second, "the call reaches the gateway", func() bool { return len(cl.sim.Faults()) == 0 })
	died := time.Now()
	cl.crash(r0)
	_, err = r1.core.CallInnerSkill(ctx, p)
	took := time.Since(died)
	if !errors.Is(err, core.ErrOutcomeUnknown) {
		t.Fatalf("retry after the first replica died: %v, want OUTCOME_UNKNOWN", err)
	}
	t.Logf("OUTCOME_UNKNOWN %v after the first replica died", took.Round(time.Millisecond))
	if took > testLeaseTTL+3*time.Second {
		t.Fatalf("answer took %v", took)
	}
	<-done
	if calls() != 2 {
		t.Fatalf("gateway calls = %d, want 2 (one per request id)", calls())
	}
	// A later retry gets the same definite answer.
	if _, err := r1.core.CallInnerSkill(ctx, p); !errors.Is(err, core.ErrOutcomeUnknown) || calls() != 2 {
		t.Fatalf("second retry: %v, calls %d", err, calls())
	}
}

func TestStreamsSurviveAStoreWatchFailure(t *testing.T) {
	cl := newCluster(t, 2, nil, nil)
	r0, r1 := cl.reps[0], cl.reps[1]
	r0.signIn(t, "1001")
	rec := liveStream(t, r1.core, "1001")
	probes(t, cl.sim, "1001", 1, 1)
	waitFor(t, 5*time.Second, "first probe", func() bool { return len(probeCounts(t, rec, "1001", 1)) == 1 })
	r1.conn.setCut(true) // r1's watch fails
	probes(t, cl.sim, "1001", 2, 3)
	time.Sleep(200 * time.Millisecond)
	r1.conn.setCut(false) // the watch restarts and r1's hub catches up
	probes(t, cl.sim, "1001", 4, 5)
	seen := probeCounts(t, rec, "1001", 4)
	for n := 2; n <= 5; n++ {
		if seen[n] != 1 {
			t.Fatalf("after the watch failed, probe %d delivered %d times (%v)", n, seen[n], seen)
		}
	}
}
