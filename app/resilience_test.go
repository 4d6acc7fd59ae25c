package app_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// externalSim runs a simulator the test controls, reached by the bridge as a configured gateway
// (the path a real CC-Gateway takes), with timings shrunk to milliseconds.
func externalSim(t *testing.T, mutate func(*gatewaysim.Config)) (*gatewaysim.Sim, func(*app.Config)) {
	t.Helper()
	cfg := gatewaysim.DemoConfig()
	cfg.PollWait = 50 * time.Millisecond
	if mutate != nil {
		mutate(&cfg)
	}
	sim := gatewaysim.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		sim.Close()
		srv.CloseClientConnections()
		srv.Close()
	})
	return sim, func(c *app.Config) {
		c.GatewayURL = srv.URL
		c.GatewayPollTimeout = 300 * time.Millisecond
	}
}

func TestGUIDRotationWithZeroAuthFailures(t *testing.T) {
	_, use := externalSim(t, func(c *gatewaysim.Config) {
		// Rotation every 30 ms (the gateway's 60 s scaled down) with a poll wait well inside it. A
		// replaced GUID lives 370 ms more, so that a command delayed by a starved scheduler (two
		// cores, -race) is not mistaken for a bridge that failed to adopt the new GUID.
		c.GUIDInterval, c.GUIDTimeout, c.PollWait = 30*time.Millisecond, 400*time.Millisecond, 10*time.Millisecond
	})
	b := startBridge(t, use)
	b.signIn(t, "1001")
	b.signIn(t, "1002")
	ctx := ctxT(t, 10*time.Second)
	n := 0
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); n++ { // ~50 rotations
		if _, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 2}); err != nil {
			t.Fatalf("call %d: %v", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, rc := range []string{"000-003", "100-006"} {
		for _, op := range []string{"getAgentEvent", "callInnerSkill"} {
			if v := b.metric(t, fmt.Sprintf(`ccgw_gateway_calls_total{op=%q,retcode=%q}`, op, rc)); v != "" {
				t.Fatalf("%s answered %s %s times during rotation", op, rc, v)
			}
		}
	}
	s, err := b.sessions.GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "1002"})
	if err != nil || s.GetSession().GetSessionState() != ccgwv1.SessionState_SESSION_STATE_ACTIVE {
		t.Fatalf("session after rotation: %v %v", s, err)
	}
}

func TestGatewayOutageAndRecovery(t *testing.T) {
	sim, use := externalSim(t, nil)
	b := startBridge(t, use)
	b.signIn(t, "1001")
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001", EventTypes: []string{"AgentState_SetNotReady_Success"}})
	next()
	id, err := sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.metric(t, "ccgw_poll_errors_total") == "" || b.metric(t, "ccgw_poll_errors_total") == "0" {
		if time.Now().After(deadline) {
			t.Fatal("the outage was never noticed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "7"})
	if err := sim.ClearFault(id); err != nil {
		t.Fatal(err)
	}
	if ev := waitEvent(t, next, "1001", "AgentState_SetNotReady_Success"); ev.GetReason() != "7" {
		t.Fatalf("event after recovery: %v", ev)
	}
	s, err := b.sessions.GetSession(ctxT(t, time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil || s.GetSession().GetSessionState() != ccgwv1.SessionState_SESSION_STATE_ACTIVE {
		t.Fatalf("session after the outage: %v %v", s, err)
	}
}

func TestAwaitOutcomeDeadlineReturnsPending(t *testing.T) {
	sim, use := externalSim(t, nil)
	b := startBridge(t, use)
	b.signIn(t, "1001")
	hangPolls(t, sim)
	// A late answer would reach the client as DEADLINE_EXCEEDED: getting PENDING proves the bridge
	// answered inside the deadline.
	res, err := b.calls.CallInnerSkill(ctxT(t, time.Second), &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1, AwaitOutcome: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.GetCallId() == "" || res.GetOutcome() != ccgwv1.CallOutcome_CALL_OUTCOME_PENDING {
		t.Fatalf("got %v", res)
	}
	sim.ClearFaults()
}

// hangPolls makes the simulator hold every event poll, and returns once the poller's next poll is
// held: a poll parked before the fault would still deliver events.
func hangPolls(t *testing.T, sim *gatewaysim.Sim) {
	t.Helper()
	id, err := sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		for _, f := range sim.Faults() {
			if f.ID == id && f.Hits > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no poll reached the hang fault")
		}
	}
}

func TestGapMarkerOverGRPC(t *testing.T) {
	sim, use := externalSim(t, nil)
	b := startBridge(t, use, func(c *app.Config) { c.RetentionEvents = 3 })
	next, cancel := b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	next()
	b.signIn(t, "1001")
	first := waitEvent(t, next, "1001", "AgentOther_InService")
	for i := range 8 {
		_ = sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": strconv.Itoa(i)})
	}
	for {
		if ev := next().GetEvent(); ev.GetReason() == "7" {
			break
		}
	}
	cancel()
	next, _ = b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001", ResumeAfter: first.GetCursor()})
	next()
	gap := next().GetGap()
	if gap == nil || gap.GetReason() != ccgwv1.GapReason_GAP_REASON_EXPIRED || gap.GetToSequence() == 0 {
		t.Fatalf("want a gap marker, got %v", gap)
	}
	if ev := next().GetEvent(); ev.GetSequence() != gap.GetToSequence()+1 {
		t.Fatalf("after the gap: %v", ev)
	}
}

func TestSlowSubscriberOverGRPC(t *testing.T) {
	sim, use := externalSim(t, func(c *gatewaysim.Config) { c.MaxQueuedEvents = 5000 })
	b := startBridge(t, use, func(c *app.Config) { c.SubscriberBuffer = 1 })
	b.signIn(t, "1001")
	s, err := b.events.StreamEvents(ctxT(t, 30*time.Second), &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	// The client reads nothing while events pile up: gRPC flow control stalls the server's sends,
	// the one-event buffer overflows, and the stream must end with a resume cursor.
	for i := range 3000 {
		_ = sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": strconv.Itoa(i)})
	}
	var last string
	for {
		m, err := s.Recv()
		if err == io.EOF {
			t.Fatal("stream ended cleanly; want RESOURCE_EXHAUSTED")
		}
		if err != nil {
			st := status.Convert(err)
			if st.Code() != codes.ResourceExhausted {
				t.Fatalf("stream ended with %v", err)
			}
			cur := errorInfo(st).GetMetadata()["resume_after"]
			if cur == "" || (last != "" && cur != last) {
				t.Fatalf("resume cursor %q, last delivered %q", cur, last)
			}
			return
		}
		if ev := m.GetEvent(); ev != nil {
			last = ev.GetCursor()
		}
	}
}
