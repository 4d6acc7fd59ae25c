package core_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func TestCallInnerSkillAwait(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	ctx := ctxT(t, 5*time.Second)

	// Queue 2 (Billing) has no signed-in agent: the gateway still returns a call id, then fails it.
	res, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.CallID == "" || res.Outcome != core.CallFailed || res.Event.Type != "AgentEvent_Inside_Call_Fail" || res.Event.CallID != res.CallID {
		t.Fatalf("failed call: %+v", res)
	}
	res, err = h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 1, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.CallID == "" || res.Outcome != core.CallConnected || res.Event == nil || res.Event.Type != "AgentEvent_Talking" || res.Event.CallID != res.CallID {
		t.Fatalf("connected call: %+v", res)
	}
}

func TestAwaitReturnsPendingBeforeDeadline(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	// Events stop arriving (polls hang), so the outcome cannot be seen in time. Wait until a poll
	// is held: one parked before the fault would still deliver the outcome.
	id, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool {
		for _, f := range h.sim.Faults() {
			if f.ID == id && f.Hits > 0 {
				return true
			}
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	res, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.CallID == "" || res.Outcome != core.CallPending {
		t.Fatalf("want a call id with a pending outcome, got %+v", res)
	}
	h.sim.ClearFaults()
}

func TestIdempotentRequestID(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	ctx := ctxT(t, 5*time.Second)
	p := core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{RequestID: "req-1"}}

	const n = 8
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.core.CallInnerSkill(ctx, p)
			ids[i], errs[i] = r.CallID, err
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] == "" || ids[i] != ids[0] {
			t.Fatalf("duplicate %d: id %q err %v (first %q)", i, ids[i], errs[i], ids[0])
		}
	}
	if got := h.calls.op("callInnerSkill"); got != 1 {
		t.Fatalf("gateway saw %d calls for one request id", got)
	}
	other := p
	other.SkillID = 1
	if _, err := h.core.CallInnerSkill(ctx, other); !errors.Is(err, core.ErrRequestIDReused) {
		t.Fatalf("same id, other payload: %v", err)
	}
	// The same id for another agent is another request.
	h.signIn(t, "1002")
	p2 := p
	p2.AgentID = "1002"
	if _, err := h.core.CallInnerSkill(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if got := h.calls.op("callInnerSkill"); got != 2 {
		t.Fatalf("gateway calls = %d, want 2", got)
	}
}

func TestIdempotentReplaysErrors(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	ctx := ctxT(t, 5*time.Second)
	if _, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "100-007", Count: 1}); err != nil {
		t.Fatal(err)
	}
	p := core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{RequestID: "fails-once"}}
	for i := range 2 {
		_, err := h.core.CallInnerSkill(ctx, p)
		var ge *gatewayclient.Error
		if !errors.As(err, &ge) || ge.Retcode != "100-007" {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if got := h.calls.op("callInnerSkill"); got != 1 {
		t.Fatalf("gateway calls = %d, want 1", got)
	}
}

func TestTransferOutcomes(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	h.signIn(t, "1002") // queue 2 (1003, 1004) stays without a signed-in agent
	ctx := ctxT(t, 10*time.Second)
	chat := func(agent string) string {
		t.Helper()
		c, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: agent})
		if err != nil {
			t.Fatal(err)
		}
		return c.CallID
	}
	await := core.CommandOptions{Await: true}
	tests := []struct {
		name string
		p    core.TransferParams
		want core.TransferOutcome
	}{
		{"release-after to an agent", core.TransferParams{AgentID: "1001", Target: core.TargetAgent, TargetAgentID: "1002",
			Mode: gatewayclient.ModeReleaseAfterTransfer, CommandOptions: await}, core.TransferSucceeded},
		{"release-after to an empty queue", core.TransferParams{AgentID: "1001", Target: core.TargetSkillQueue, SkillID: 2,
			Mode: gatewayclient.ModeReleaseAfterTransfer, CommandOptions: await}, core.TransferFailed},
		{"blind to a queue", core.TransferParams{AgentID: "1001", Target: core.TargetSkillQueue, SkillID: 1,
			Mode: gatewayclient.ModeBlind, CommandOptions: await}, core.TransferReleased},
		{"blind to an access code", core.TransferParams{AgentID: "1001", Target: core.TargetAccessCode, AccessCode: "4001",
			Mode: gatewayclient.ModeBlind, CommandOptions: await}, core.TransferReleased},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.CallID = chat(tc.p.AgentID)
			res, err := h.core.TransferSession(ctx, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.want || res.Event == nil || res.Event.CallID != tc.p.CallID {
				t.Fatalf("outcome %v (event %+v), want %v", res.Outcome, res.Event, tc.want)
			}
		})
	}
	// A call id the agent does not hold is refused by the gateway.
	_, err := h.core.TransferSession(ctx, core.TransferParams{AgentID: "1001", CallID: "1-1", Target: core.TargetAgent,
		TargetAgentID: "1002", Mode: gatewayclient.ModeBlind})
	var ge *gatewayclient.Error
	if !errors.As(err, &ge) {
		t.Fatalf("transfer of an unknown call: %v", err)
	}
}

func TestCommandWithoutSession(t *testing.T) {
	h := newHarness(t, setup{})
	ctx := ctxT(t, 5*time.Second)
	if _, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 1}); !errors.Is(err, core.ErrNotSignedIn) {
		t.Fatalf("no session: %v", err)
	}
	// Pass-through: the session is held by a direct client; the caller supplies its GUID.
	direct, err := gatewayclient.New(gatewayclient.Config{BaseURL: h.url})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	s, _, err := direct.SignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{PassThroughGUID: s.GUID()}})
	if err != nil || res.CallID == "" {
		t.Fatalf("pass-through call: %+v %v", res, err)
	}
	_, err = h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 2, CommandOptions: core.CommandOptions{PassThroughGUID: s.GUID(), Await: true}})
	if !errors.Is(err, core.ErrAwaitNeedsFeed) {
		t.Fatalf("pass-through await: %v", err)
	}
	_ = s.SignOut(ctx)
}
