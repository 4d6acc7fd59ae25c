package core

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// TestAgentViewRules checks every rule of viewRules on its own, then event orders the gateway
// produces (protocol reference §4, §6), including the ones the issue found wrong.
func TestAgentViewRules(t *testing.T) {
	start := AgentView{AgentID: "1001", State: StateTalking, ActiveCalls: []string{"c0", "c1"}}
	for _, r := range viewRules {
		t.Run(r.Event, func(t *testing.T) {
			for _, result := range []string{"0", "1"} {
				v := start.clone()
				v.apply(&store.Event{Type: r.Event, CallID: "c1", Result: result, Seq: 9})
				wantState, wantCalls := start.State, []string{"c0", "c1"}
				if r.State != stateKept {
					wantState = r.State
				}
				switch {
				case r.Calls == callsAdd: // c1 already there: no duplicate
				case r.Calls == callsDrop, r.Calls == callsDropOnSuccess && result == "0":
					wantCalls = []string{"c0"}
				case r.Calls == callsClear:
					wantCalls = nil
				}
				if v.State != wantState || !slices.Equal(v.ActiveCalls, wantCalls) || v.LastSeq != 9 {
					t.Errorf("result %s: state %v calls %v seq %d, want %v %v 9", result, v.State, v.ActiveCalls, v.LastSeq, wantState, wantCalls)
				}
			}
		})
	}

	type ev struct{ typ, call, result string }
	tests := []struct {
		name      string
		events    []ev
		wantState AgentState
		wantCalls []string
	}{
		{"sign-in idle", []ev{{"AgentOther_InService", "", ""}, {"AgentState_Ready", "", ""}}, StateIdle, nil},
		{"sign-in starts empty", []ev{{"AgentEvent_Talking", "c1", ""}, {"AgentOther_InService", "", ""}}, StateUnknown, nil},
		{"internal call connects", []ev{{"AgentOther_PhoneAlerting", "", ""}, {"AgentOther_PhoneOffhook", "", ""},
			{"AgentState_Busy", "", ""}, {"AgentEvent_Customer_Alerting", "c1", ""}, {"AgentEvent_Talking", "c1", ""}}, StateTalking, []string{"c1"}},
		{"internal call fails", []ev{{"AgentState_Busy", "", ""}, {"AgentEvent_Customer_Alerting", "c1", ""},
			{"AgentEvent_Inside_Call_Fail", "c1", ""}}, StateIdle, nil},
		{"chat arrives", []ev{{"AgentEvent_Incoming_CallInfo", "c1", ""}, {"AgentEvent_Auto_Answer", "c1", ""},
			{"AgentState_Busy", "", ""}, {"AgentEvent_Talking", "c1", ""}}, StateTalking, []string{"c1"}},
		{"failed transfer keeps the chat (Connect_Fail, late result)", []ev{{"AgentEvent_Talking", "c1", ""},
			{"AgentEvent_Connect_Fail", "c1", ""}, {"AgentEvent_SuccTransResult", "c1", "1"}}, StateTalking, []string{"c1"}},
		{"successful transfer", []ev{{"AgentEvent_Talking", "c1", ""}, {"AgentEvent_SuccTransResult", "c1", "0"},
			{"AgentEvent_Call_Release", "c1", ""}, {"AgentState_Ready", "", ""}}, StateIdle, nil},
		{"one of two chats leaves", []ev{{"AgentEvent_Talking", "c1", ""}, {"AgentEvent_Talking", "c2", ""},
			{"AgentEvent_Call_Release", "c1", ""}}, StateTalking, []string{"c2"}},
		{"customer hangs up", []ev{{"AgentEvent_Talking", "c1", ""}, {"AgentEvent_Customer_Release", "c1", ""},
			{"AgentEvent_Call_Release", "c1", ""}, {"AgentState_Work", "", ""}}, StateWrapUp, nil},
		{"rest timeout keeps the break", []ev{{"AgentState_SetRest_Success", "", ""}, {"AgentState_Rest_Timeout", "", ""}}, StateRest, nil},
		{"forced sign-out mid-call", []ev{{"AgentEvent_Talking", "c1", ""}, {"AgentOther_ShutdownService", "", ""}}, StateSignedOut, nil},
		{"unknown events change nothing", []ev{{"AgentState_SetNotReady_Success", "", ""}, {"AgentEvent_MessageData", "c9", ""},
			{"AgentEvent_Hold", "c9", ""}}, StateBusy, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v AgentView
			for i, e := range tc.events {
				v.apply(&store.Event{Type: e.typ, CallID: e.call, Result: e.result, Seq: uint64(i + 1)})
			}
			if v.State != tc.wantState || !slices.Equal(v.ActiveCalls, tc.wantCalls) {
				t.Fatalf("state %v calls %v, want %v %v", v.State, v.ActiveCalls, tc.wantState, tc.wantCalls)
			}
		})
	}
}

// TestAgentViewTableInREADME keeps README.md's table of the agent view's rules equal to viewRules.
func TestAgentViewTableInREADME(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	want.WriteString("| Event | State | Calls | Why |\n|---|---|---|---|\n")
	for _, r := range viewRules {
		fmt.Fprintf(&want, "| `%s` | %s | %s | %s |\n", r.Event, r.State, r.Calls, r.Why)
	}
	if !strings.Contains(string(readme), want.String()) {
		t.Fatalf("README.md must contain the agent view table exactly as viewRules renders it:\n%s", want.String())
	}
}
