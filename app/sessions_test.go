package app_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// waitChange reads a gRPC stream until a session change for the agent arrives.
func waitChange(t *testing.T, next func() *ccgwv1.StreamEventsResponse, agent string) *ccgwv1.SessionChange {
	t.Helper()
	for {
		if ch := next().GetSessionChange(); ch != nil && ch.GetAgentId() == agent {
			return ch
		}
	}
}

// Session changes reach gRPC and REST streams alike, past an event_types filter, numbered and
// resumable like events (issue 9 item 4).
func TestSessionChangesOnStreams(t *testing.T) {
	b := startBridge(t)
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001", EventTypes: []string{"AgentEvent_Talking"}})
	snap := next().GetSnapshot()
	lines, _ := b.restStream(t, "/v1/agents/1001/events?event_types=AgentEvent_Talking")
	<-lines

	b.signIn(t, "1001")
	in := waitChange(t, next, "1001")
	if in.GetSessionState() != ccgwv1.SessionState_SESSION_STATE_ACTIVE || in.GetReason() != ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_SIGNED_IN ||
		in.GetSequence() == 0 || in.GetCursor() == "" || in.GetTime() == nil {
		t.Fatalf("sign-in change %v", in)
	}
	if ch := readMessage(t, lines, "sessionChange"); ch["sessionState"] != "SESSION_STATE_ACTIVE" || ch["reason"] != "SESSION_CHANGE_REASON_SIGNED_IN" || ch["cursor"] != in.GetCursor() {
		t.Fatalf("REST sign-in change %v", ch)
	}
	if _, err := b.sessions.SignOut(ctxT(t, 5*time.Second), &ccgwv1.SignOutRequest{AgentId: "1001"}); err != nil {
		t.Fatal(err)
	}
	out := waitChange(t, next, "1001")
	if out.GetSessionState() != ccgwv1.SessionState_SESSION_STATE_SIGNED_OUT || out.GetReason() != ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_SIGNED_OUT ||
		out.GetSequence() <= in.GetSequence() {
		t.Fatalf("sign-out change %v", out)
	}
	if ch := readMessage(t, lines, "sessionChange"); ch["sessionState"] != "SESSION_STATE_SIGNED_OUT" {
		t.Fatalf("REST sign-out change %v", ch)
	}

	// Resumed from before the sign-in, both changes are replayed.
	lines, _ = b.restStream(t, "/v1/agents/1001/events?resume_after="+url.QueryEscape(snap.GetCursor()))
	if m := <-lines; m["snapshot"] == nil {
		t.Fatalf("first message %v", m)
	}
	for _, want := range []*ccgwv1.SessionChange{in, out} {
		if ch := readMessage(t, lines, "sessionChange"); ch["sequence"] != strconv.FormatUint(want.GetSequence(), 10) || ch["cursor"] != want.GetCursor() {
			t.Fatalf("replayed %v, want %v", ch, want)
		}
	}
}

// The exact reproduction of item 5: one 000-003 on one poll, injected through the
// simulator's control API, leaves the session ACTIVE and polled (events keep flowing), and the
// gateway still holds the agent.
func TestOneRefusedPollKeepsSession(t *testing.T) {
	sim, use := externalSim(t, nil)
	var gw app.Config
	use(&gw)
	b := startBridge(t, use)
	b.signIn(t, "1001")
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	next()
	res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPost, gw.GatewayURL+"/sim/v1/faults",
		`{"kind":"retcode","route":"getAgentEvent","retcode":"000-003","count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("installing the fault: %s", res.Status)
	}
	for deadline := time.Now().Add(5 * time.Second); len(sim.Faults()) > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no poll met the fault")
		}
	}
	_ = sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "4"})
	for {
		m := next()
		if ch := m.GetSessionChange(); ch != nil {
			t.Fatalf("one refused poll changed the session: %v", ch)
		}
		if m.GetEvent().GetEventType() == "AgentState_SetNotReady_Success" {
			break
		}
	}
	s, err := b.sessions.GetSession(ctxT(t, time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil || s.GetSession().GetSessionState() != ccgwv1.SessionState_SESSION_STATE_ACTIVE {
		t.Fatalf("session after one refused poll: %v %v", s, err)
	}
	if st, err := sim.AgentState("1001"); err != nil || !st.SignedIn {
		t.Fatalf("the gateway no longer holds the agent: %+v %v", st, err)
	}
}

// Pass-through is for agents the bridge does not hold (issue 9 item 13): for a held agent it is
// refused before anything reaches the gateway, and a pass-through header the bridge cannot
// carry faithfully is refused rather than dropped.
func TestPassThroughRefusals(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1001")
	calls := func() string { return b.metric(t, `ccgw_gateway_calls_total{op="callInnerSkill",retcode="0"}`) }

	for _, tc := range []struct {
		name, guid string
		code       codes.Code
		reason     string
	}{
		{"held agent", "0c0ffee0-1111-2222-3333-444455556666.AgentGateway0", codes.FailedPrecondition, "PASS_THROUGH_FOR_HELD_AGENT"},
		{"empty", "", codes.InvalidArgument, "INVALID_REQUEST"},
		{"space", "a b", codes.InvalidArgument, "INVALID_REQUEST"},
	} {
		t.Run("gRPC "+tc.name, func(t *testing.T) {
			ctx := metadata.AppendToOutgoingContext(ctxT(t, 5*time.Second), "x-ccgw-guid", tc.guid)
			_, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 2})
			st := status.Convert(err)
			if st.Code() != tc.code || errorInfo(st).GetReason() != tc.reason || (tc.guid != "" && strings.Contains(st.String(), tc.guid)) {
				t.Fatalf("got %v (%v), want %v %s", st.Code(), st.Message(), tc.code, tc.reason)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		header []string
		status int
		reason string
	}{
		{"held agent", []string{"0c0ffee0-1111-2222-3333-444455556666.AgentGateway0"}, http.StatusBadRequest, "PASS_THROUGH_FOR_HELD_AGENT"},
		{"non-ASCII", []string{"gu\u00efd-0001.AgentGateway0"}, http.StatusBadRequest, "INVALID_REQUEST"},
		{"repeated", []string{"guid-aaaa-0001", "guid-bbbb-0002"}, http.StatusBadRequest, "INVALID_REQUEST"},
	} {
		t.Run("REST "+tc.name, func(t *testing.T) {
			req := mustRequest(t, http.MethodPost, b.httpBase+"/v1/agents/1001/voice:callInnerSkill", `{"skillId":"2"}`)
			req.Header["X-Ccgw-Guid"] = tc.header
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || !strings.Contains(string(body), tc.reason) || strings.Contains(string(body), tc.header[0]) {
				t.Fatalf("got %d %s, want %d %s", res.StatusCode, body, tc.status, tc.reason)
			}
		})
	}
	if n := calls(); n != "" && n != "0" {
		t.Fatalf("%s refused pass-through calls reached the gateway", n)
	}
	for _, secret := range []string{"0c0ffee0-1111-2222-3333-444455556666", "d-0001.AgentGateway0"} {
		if strings.Contains(b.logs.String(), secret) || strings.Contains(b.scrape(t), secret) {
			t.Errorf("a refused pass-through GUID appears in the logs or metrics: %q", secret)
		}
	}
	s, err := b.sessions.GetSession(ctxT(t, time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil || s.GetSession().GetSessionState() != ccgwv1.SessionState_SESSION_STATE_ACTIVE {
		t.Fatalf("held session after refused pass-through: %v %v", s, err)
	}
}
