package gatewaysim_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// TestLateTransferResult pins the "connect_fail_late_result" ordering: a failed success-mode
// transfer reports Connect_Fail at once and its SuccTransResult only just before the agent's
// next event, here the events of the next transfer of the same chat, or after the delay.
func TestLateTransferResult(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) {
		c.TransferFailure = gatewaysim.TransferFailureConnectFailLateResult
		c.LateResultDelay = time.Minute
	})
	c := h.client()
	src := h.session(c, "1001")
	h.session(c, "1002")
	started, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	h.drain(src)
	transfer := func(queue string) {
		t.Helper()
		err := src.Transfer(ctx(t), gatewayclient.TransferRequest{CallID: started.CallID, DeviceType: gatewayclient.DeviceSkillQueue,
			Mode: gatewayclient.ModeReleaseAfterTransfer, Address: queue})
		if err != nil {
			t.Fatal(err)
		}
	}
	transfer("7") // no such queue: nobody can take it
	if got := types(h.drain(src)); !slices.Equal(got, []string{"AgentEvent_Connect_Fail"}) {
		t.Fatalf("first transfer's events %v, want only Connect_Fail (result held back)", got)
	}
	transfer("1") // 1002 is idle in queue 1
	evs := h.drain(src)
	if got := types(evs); !slices.Equal(got, []string{"AgentEvent_SuccTransResult", "AgentEvent_SuccTransResult", "AgentEvent_Call_Release", "AgentState_Ready"}) {
		t.Fatalf("second transfer's events %v", got)
	}
	if evs[0].Result != "1" || evs[1].Result != "0" || evs[0].CallID != started.CallID || evs[1].CallID != started.CallID {
		t.Fatalf("results %q then %q, want the first transfer's late 1 before the second's 0", evs[0].Result, evs[1].Result)
	}

	// Without a next event, the held result comes once the delay has passed.
	other, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	h.drain(src)
	err = src.Transfer(ctx(t), gatewayclient.TransferRequest{CallID: other.CallID, DeviceType: gatewayclient.DeviceAgent,
		Mode: gatewayclient.ModeReleaseAfterTransfer, Address: "1004"}) // not signed in
	if err != nil {
		t.Fatal(err)
	}
	if got := types(h.drain(src)); !slices.Equal(got, []string{"AgentEvent_Connect_Fail"}) {
		t.Fatalf("events %v", got)
	}
	h.clock.Advance(time.Minute)
	if got := types(h.drain(src)); !slices.Equal(got, []string{"AgentEvent_SuccTransResult"}) {
		t.Fatalf("after the delay %v", got)
	}
}

func TestSetTransferFailureControl(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		body string
		want int
	}{
		{`{"mode":"connect_fail_late_result","lateResultDelayMs":500}`, http.StatusNoContent},
		{`{"mode":"result"}`, http.StatusNoContent},
		{`{"mode":"sometimes"}`, http.StatusBadRequest},
		{`{}`, http.StatusBadRequest},
		{`{"mode":"result","lateResultDelayMs":-1}`, http.StatusBadRequest},
	}
	for _, tc := range tests {
		if got := h.ctl(http.MethodPut, "transfer-failure", tc.body, nil); got != tc.want {
			t.Errorf("PUT %s: status %d, want %d", tc.body, got, tc.want)
		}
	}
}
