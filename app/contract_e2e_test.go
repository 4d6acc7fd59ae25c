package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

// restJSON sends a JSON request to the bridge or the simulator and decodes a 2xx answer.
func restJSON(t *testing.T, method, url, body string) map[string]any {
	t.Helper()
	res, err := http.DefaultClient.Do(mustRequest(t, method, url, body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s: HTTP %d", method, url, res.StatusCode)
	}
	if res.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestLateTransferResultOverREST replays the report of issue 9 item 1 and 2 over REST: a
// success-mode transfer to a queue nobody serves ends with Connect_Fail and reports its
// SuccTransResult {result:1} only after the next transfer of the chat was sent. The second
// transfer answers its own outcome, and the failed one left the chat with the agent.
func TestLateTransferResultOverREST(t *testing.T) {
	b := startBridge(t)
	restJSON(t, http.MethodPut, b.app.SimulatorURL()+"/sim/v1/transfer-failure", `{"mode":"connect_fail_late_result","lateResultDelayMs":60000}`)
	b.signIn(t, "1001")
	b.signIn(t, "1002")
	chat := b.startChat(t, "1001")
	transfer := func(queue string) map[string]any {
		return restJSON(t, http.MethodPost, b.httpBase+"/v1/agents/1001/media/"+chat+":transfer",
			`{"skillQueue":{"skillId":"`+queue+`"},"mode":"TRANSFER_MODE_RELEASE_AFTER_TRANSFER","awaitOutcome":true}`)
	}
	if got := transfer("7"); got["outcome"] != "TRANSFER_OUTCOME_CONNECT_FAILED" {
		t.Fatalf("first transfer: %v", got)
	}
	session := restJSON(t, http.MethodGet, b.httpBase+"/v1/agents/1001/session", "")["session"].(map[string]any)
	if calls, _ := session["activeCallIds"].([]any); !slices.Contains(calls, any(chat)) {
		t.Fatalf("after the failed transfer activeCallIds = %v, want the chat %s", session["activeCallIds"], chat)
	}
	got := transfer("1")
	ev, _ := got["outcomeEvent"].(map[string]any)
	if got["outcome"] != "TRANSFER_OUTCOME_SUCCEEDED" || fmt.Sprint(got["resultCode"]) != "0" || ev["result"] != "0" {
		t.Fatalf("second transfer: %v, want SUCCEEDED with its own result 0", got)
	}
}

// TestGapMessagesOverREST replays item 6 over REST with -retention-events 3: resuming after
// sequence 2 names the agent and sequences 3 on, and the gap's resume cursor does not report
// the gap again.
func TestGapMessagesOverREST(t *testing.T) {
	b := startBridge(t, func(c *app.Config) { c.RetentionEvents = 3 })
	lines, stop := b.restStream(t, "/v1/agents/1001/events")
	<-lines             // snapshot
	b.signIn(t, "1001") // sequences 1-3: the session change, AgentOther_InService, AgentState_Ready
	second := readEvent(t, lines)["cursor"].(string)
	readEvent(t, lines)
	for range 4 {
		if err := b.app.Simulator().PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "200"}); err != nil {
			t.Fatal(err)
		}
		readEvent(t, lines)
	}
	stop() // sequences 1-7 logged, 5-7 kept

	resumed, _ := b.restStream(t, "/v1/agents/1001/events?resume_after="+url.QueryEscape(second))
	snap := (<-resumed)["snapshot"].(map[string]any)
	gap := (<-resumed)["gap"].(map[string]any)
	if gap["agentId"] != "1001" || gap["fromSequence"] != "3" || gap["toSequence"] != "4" || gap["reason"] != "GAP_REASON_EXPIRED" {
		t.Fatalf("gap %v, want 1001 3-4", gap)
	}
	if ev := readEvent(t, resumed); ev["sequence"] != "5" {
		t.Fatalf("after the gap %v, want sequence 5", ev)
	}
	agents := snap["agents"].([]any)
	if last := agents[0].(map[string]any)["lastSequence"]; last != "7" || snap["cursor"] == "" {
		t.Fatalf("snapshot %v, want last sequence 7", snap)
	}
	again, _ := b.restStream(t, "/v1/agents/1001/events?resume_after="+url.QueryEscape(gap["resumeCursor"].(string)))
	<-again // snapshot
	if m := <-again; m["event"] == nil || m["event"].(map[string]any)["sequence"] != "5" {
		t.Fatalf("resumed from the gap's resume cursor: %v, want sequence 5 and no second gap", m)
	}
}
