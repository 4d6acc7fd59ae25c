package core_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// TestLateTransferResultStaysWithItsTransfer: the first transfer of a chat ends with
// Connect_Fail and reports its SuccTransResult {result:1} only after the second transfer of the
// same chat was sent. That late result belongs to the first transfer; the second one's outcome
// is its own SuccTransResult {result:0}.
func TestLateTransferResultStaysWithItsTransfer(t *testing.T) {
	h := newHarness(t, setup{sim: func(c *gatewaysim.Config) {
		c.TransferFailure = gatewaysim.TransferFailureConnectFailLateResult
		c.LateResultDelay = time.Minute
	}})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	chat, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t, 10*time.Second)
	transfer := func(queue int64) core.TransferResult {
		t.Helper()
		res, err := h.core.TransferSession(ctx, core.TransferParams{AgentID: "1001", CallID: chat.CallID,
			Target: core.TargetSkillQueue, SkillID: queue, Mode: gatewayclient.ModeReleaseAfterTransfer,
			CommandOptions: core.CommandOptions{Await: true}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := transfer(7); res.Outcome != core.TransferConnectFailed || res.Event.Type != "AgentEvent_Connect_Fail" {
		t.Fatalf("first transfer: %v %+v, want CONNECT_FAILED", res.Outcome, res.Event)
	}
	// The failed transfer left the chat with the agent.
	if si, err := h.core.GetSession(ctx, "1001"); err != nil || !slices.Contains(si.View.ActiveCalls, chat.CallID) {
		t.Fatalf("after the failed transfer the agent's calls are %v (%v), want the chat %s", si.View.ActiveCalls, err, chat.CallID)
	}
	res := transfer(1)
	if res.Outcome != core.TransferSucceeded || res.ResultCode != 0 || res.Event.Result != "0" {
		t.Fatalf("second transfer: %v code %d (event %+v), want SUCCEEDED with its own result 0", res.Outcome, res.ResultCode, res.Event)
	}
	// The first transfer's late result was logged before the second's result.
	evs, err := h.store.Read(ctx, []string{"1001"}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, e := range evs {
		if e.Type == "AgentEvent_SuccTransResult" {
			results = append(results, e.Result)
		}
	}
	if len(results) != 2 || results[0] != "1" || results[1] != "0" || res.Event.Pos <= 0 {
		t.Fatalf("logged results %v", results)
	}
	eventually(t, func() bool {
		si, err := h.core.GetSession(ctx, "1001")
		return err == nil && !slices.Contains(si.View.ActiveCalls, chat.CallID)
	})
}

// TestCallOutcomeBeforeTheGatewaysAnswer: the call's AgentEvent_Talking is logged before the
// gateway's answer (with the call id) reaches the bridge, behind many Talking events of other
// calls. The outcome is still the call's own event, found in the log once the id is known.
func TestCallOutcomeBeforeTheGatewaysAnswer(t *testing.T) {
	var h *harness
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := strings.HasSuffix(r.URL.Path, "/callinnerskill")
		if call {
			for i := range 100 {
				if err := h.sim.PushEvent("1001", "AgentEvent_Talking", map[string]string{"callid": fmt.Sprint("other-", i)}); err != nil {
					t.Error(err)
				}
			}
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, h.url+r.URL.RequestURI(), r.Body)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if call { // hold the answer until the bridge has logged the call's outcome
			var env struct{ Result string }
			_ = json.Unmarshal(body, &env)
			eventually(t, func() bool {
				evs, _ := h.store.Read(r.Context(), []string{"1001"}, 0, 10000)
				return slices.ContainsFunc(evs, func(e store.Event) bool { return e.Type == "AgentEvent_Talking" && e.CallID == env.Result })
			})
		}
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	t.Cleanup(proxy.Close)
	// The proxy holds the call's answer while 100 events are polled and logged: give the
	// request room for that on a loaded machine, so only a wrong outcome fails the test.
	h = newHarness(t, setup{gw: func(c *gatewayclient.Config) { c.BaseURL, c.RequestTimeout = proxy.URL, 10*time.Second }})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	res, err := h.core.CallInnerSkill(ctxT(t, 15*time.Second), core.CallParams{AgentID: "1001", SkillID: 1, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != core.CallConnected || res.Event == nil || res.Event.CallID != res.CallID || res.Event.Cursor == "" {
		t.Fatalf("call %+v, want CONNECTED with the call's own Talking", res)
	}
}
