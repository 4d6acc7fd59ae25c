package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/buildinfo"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

func TestCallAndTransferOverGRPC(t *testing.T) {
	b := startBridge(t)
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{})
	if next().GetSnapshot() == nil {
		t.Fatal("first message must be a snapshot")
	}
	b.signIn(t, "1001")
	b.signIn(t, "1002")
	ctx := ctxT(t, 10*time.Second)

	call, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1, AwaitOutcome: true})
	if err != nil {
		t.Fatal(err)
	}
	if call.GetCallId() == "" || call.GetOutcome() != ccgwv1.CallOutcome_CALL_OUTCOME_CONNECTED || call.GetOutcomeEvent().GetEventType() != "AgentEvent_Talking" {
		t.Fatalf("call: %v", call)
	}
	talking := waitEvent(t, next, "1001", "AgentEvent_Talking")
	if talking.GetCallId() != call.GetCallId() || talking.GetContent().GetStructValue() == nil || talking.GetCursor() == "" {
		t.Fatalf("talking event %v", talking)
	}

	// A chat started on 1003 through the simulator's control API, then transferred to queue 2,
	// where 1004 is idle.
	b.signIn(t, "1003")
	b.signIn(t, "1004")
	chat := b.startChat(t, "1003")
	tr, err := b.calls.TransferSession(ctx, &ccgwv1.TransferSessionRequest{
		AgentId: "1003", CallId: chat, Mode: ccgwv1.TransferMode_TRANSFER_MODE_RELEASE_AFTER_TRANSFER, AwaitOutcome: true,
		Target: &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr.GetOutcome() != ccgwv1.TransferOutcome_TRANSFER_OUTCOME_SUCCEEDED || tr.GetResultCode() != 0 {
		t.Fatalf("transfer: %v", tr)
	}
	waitEvent(t, next, "1003", "AgentEvent_SuccTransResult")

	got, err := b.sessions.GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil || got.GetSession().GetAgentState() != ccgwv1.AgentState_AGENT_STATE_TALKING || len(got.GetSession().GetActiveCallIds()) != 1 {
		t.Fatalf("session: %v %v", got, err)
	}
	list, err := b.sessions.ListSessions(ctx, &ccgwv1.ListSessionsRequest{PageSize: 2})
	if err != nil || len(list.GetSessions()) != 2 || list.GetNextPageToken() == "" {
		t.Fatalf("list page 1: %v %v", list, err)
	}
	list, err = b.sessions.ListSessions(ctx, &ccgwv1.ListSessionsRequest{PageSize: 2, PageToken: list.GetNextPageToken()})
	if err != nil || len(list.GetSessions()) != 2 || list.GetNextPageToken() != "" {
		t.Fatalf("list page 2: %v %v", list, err)
	}
	if _, err := b.sessions.SignOut(ctx, &ccgwv1.SignOutRequest{AgentId: "1001", Force: true}); err != nil {
		t.Fatal(err)
	}
}

// startChat uses the simulator's HTTP control API, as the README's walk-through does.
func (b *bridge) startChat(t *testing.T, agent string) string {
	t.Helper()
	res, err := http.Post(b.app.SimulatorURL()+"/sim/v1/chats", "application/json", strings.NewReader(`{"agentId":"`+agent+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var started struct{ CallID string }
	if err := json.NewDecoder(res.Body).Decode(&started); err != nil || started.CallID == "" {
		t.Fatalf("start chat: %d %v", res.StatusCode, err)
	}
	return started.CallID
}

func TestRESTStreamIsNDJSONAndResumes(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1001")
	lines, stop := b.restStream(t, "/v1/agents/1001/events?event_types=AgentState_SetNotReady_Success")
	if snap := (<-lines)["snapshot"]; snap == nil {
		t.Fatal("first line must be a snapshot")
	}
	sim := b.app.Simulator()
	for i := range 3 {
		if err := sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": string(rune('0' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	var cursor string
	for i := range 2 {
		ev := readEvent(t, lines)
		if ev["reason"] != string(rune('0'+i)) {
			t.Fatalf("event %d: %v", i, ev)
		}
		cursor = ev["cursor"].(string)
	}
	stop()
	lines, _ = b.restStream(t, "/v1/agents/1001/events?event_types=AgentState_SetNotReady_Success&resume_after="+url.QueryEscape(cursor))
	<-lines // snapshot
	if ev := readEvent(t, lines); ev["reason"] != "2" {
		t.Fatalf("resumed with %v, want the third event only", ev)
	}
}

// restStream GETs an NDJSON stream and delivers each line's "result" object.
func (b *bridge) restStream(t *testing.T, path string) (<-chan map[string]any, func()) {
	t.Helper()
	res, cancel := b.openStream(t, path, nil, "application/x-ndjson")
	out := make(chan map[string]any, 1000)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			var line struct {
				Result map[string]any `json:"result"`
				Error  map[string]any `json:"error"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Errorf("line is not JSON: %q", sc.Text())
				return
			}
			if line.Result != nil {
				out <- line.Result
			}
		}
	}()
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return out, stop
}

func readEvent(t *testing.T, lines <-chan map[string]any) map[string]any {
	t.Helper()
	return readMessage(t, lines, "event")
}

// readMessage returns the next NDJSON message of the kind (its oneof field, e.g. "event" or
// "sessionChange"), skipping others.
func readMessage(t *testing.T, lines <-chan map[string]any, kind string) map[string]any {
	t.Helper()
	for {
		select {
		case m := <-lines:
			if msg, ok := m[kind].(map[string]any); ok {
				return msg
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no NDJSON %s within 5s", kind)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1002")
	sim := b.app.Simulator()
	ctx := ctxT(t, 20*time.Second)
	fault := func(f gatewaysim.Fault) {
		t.Helper()
		if _, err := sim.SetFault(f); err != nil {
			t.Fatal(err)
		}
	}
	call := func() error {
		_, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 2})
		return err
	}
	tests := []struct {
		name    string
		run     func() error
		code    codes.Code
		reason  string
		retcode string
	}{
		{"validation", func() error {
			_, err := b.sessions.SignIn(ctx, &ccgwv1.SignInRequest{AgentId: "100", Password: "x", PhoneNumber: "1"})
			return err
		}, codes.InvalidArgument, "INVALID_REQUEST", ""},
		{"wrong password", func() error {
			_, err := b.sessions.SignIn(ctx, &ccgwv1.SignInRequest{AgentId: "1001", Password: "nope", PhoneNumber: "71001"})
			return err
		}, codes.FailedPrecondition, "CCGW_CREDENTIALS_REJECTED", "100-004"},
		{"no session", func() error {
			_, err := b.sessions.GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "1003"})
			return err
		}, codes.NotFound, "SESSION_NOT_FOUND", ""},
		{"command without a session", func() error {
			_, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1003", SkillId: 1})
			return err
		}, codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", ""},
		{"gateway says not signed in", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "100-006", Count: 1})
			return call()
		}, codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", "100-006"},
		{"invalid parameter", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "000-002", Count: 1})
			return call()
		}, codes.InvalidArgument, "CCGW_INVALID_PARAMETER", "000-002"},
		{"operation failed", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "100-007", Count: 1})
			return call()
		}, codes.Unknown, "CCGW_OPERATION_FAILED", "100-007"},
		{"GUID invalid", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "000-003", Count: 1})
			return call()
		}, codes.FailedPrecondition, "CCGW_GUID_INVALID", "000-003"},
		{"unknown retcode", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "999-999", Count: 1})
			return call()
		}, codes.Unknown, "CCGW_UNKNOWN_RETCODE", "999-999"},
		{"transfer rejected", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpTransfer, Retcode: "106-005", Count: 1})
			_, err := b.calls.TransferSession(ctx, &ccgwv1.TransferSessionRequest{AgentId: "1002", CallId: "1-1",
				Mode:   ccgwv1.TransferMode_TRANSFER_MODE_BLIND,
				Target: &ccgwv1.TransferSessionRequest_AccessCode{AccessCode: &ccgwv1.AccessCodeTarget{Code: "4000"}}})
			return err
		}, codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED", "106-005"},
		{"gateway 5xx", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultHTTPStatus, Route: gatewaysim.OpCallInnerSkill, Status: 503, Count: 1})
			return call()
		}, codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{"gateway 502, replayed by request_id", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultHTTPStatus, Route: gatewaysim.OpCallInnerSkill, Status: 502, Count: 1})
			req := &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 2, RequestId: "replay-502"}
			if _, err := b.calls.CallInnerSkill(ctx, req); status.Code(err) != codes.Unknown {
				return err
			}
			_, err := b.calls.CallInnerSkill(ctx, req) // the stored outcome, not a second call
			return err
		}, codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{"malformed JSON", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultMalformedJSON, Route: gatewaysim.OpCallInnerSkill, Count: 1})
			return call()
		}, codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{"connection closed", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultCloseConnection, Route: gatewaysim.OpCallInnerSkill, Count: 1})
			return call()
		}, codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{"deadline", func() error {
			fault(gatewaysim.Fault{Kind: gatewaysim.FaultLatency, Route: gatewaysim.OpCallInnerSkill, Latency: time.Second, Count: 1})
			short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			_, err := b.calls.CallInnerSkill(short, &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 2})
			return err
		}, codes.DeadlineExceeded, "", ""}, // raised by the client's own gRPC library: no details
		{"request id reused", func() error {
			if _, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 2, RequestId: "r-1"}); err != nil {
				return err
			}
			_, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 1, RequestId: "r-1"})
			return err
		}, codes.InvalidArgument, "REQUEST_ID_REUSED", ""},
		{"bad cursor", func() error {
			s, err := b.events.StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: "1002", ResumeAfter: "garbage"})
			if err != nil {
				return err
			}
			_, err = s.Recv()
			return err
		}, codes.InvalidArgument, "INVALID_CURSOR", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			st, ok := status.FromError(err)
			if !ok || st.Code() != tc.code {
				t.Fatalf("got %v, want code %v", err, tc.code)
			}
			info := errorInfo(st)
			if tc.reason != "" && (info == nil || info.GetReason() != tc.reason || info.GetDomain() != "ccgw-bridge") {
				t.Fatalf("ErrorInfo %v, want reason %s", info, tc.reason)
			}
			if info.GetMetadata()["retcode"] != tc.retcode {
				t.Fatalf("retcode metadata %v, want %q", info.GetMetadata(), tc.retcode)
			}
			if tc.reason == "INVALID_REQUEST" && badRequest(st) == nil {
				t.Fatal("validation error without field violations")
			}
			// Written for the caller: no package, operation or agent id, no HTTP status text.
			for _, internal := range []string{"gatewayclient", "callInnerSkill", "agent 1002", "Bad Gateway", "retcode"} {
				if strings.Contains(st.Message(), internal) {
					t.Fatalf("message %q names %q", st.Message(), internal)
				}
			}
		})
	}
}

func errorInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}

func badRequest(st *status.Status) *errdetails.BadRequest {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			return br
		}
	}
	return nil
}

func TestRESTErrorsAndValidation(t *testing.T) {
	b := startBridge(t)
	res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPut, b.httpBase+"/v1/agents/1000000/session", `{"password":"x","phoneNumber":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "agent_id") {
		t.Fatalf("invalid agent id over REST: %d %s", res.StatusCode, body)
	}
	res, err = http.Get(b.httpBase + "/v1/agents/1001/session")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "SESSION_NOT_FOUND") {
		t.Fatalf("missing session over REST: %d %s", res.StatusCode, body)
	}
	if rid := res.Header.Get("X-Request-Id"); rid == "" {
		t.Fatal("REST response carries no request id")
	}
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestIdempotentRetriesOverGRPC(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1001")
	ctx := ctxT(t, 10*time.Second)
	req := &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 2, RequestId: "retry-me"}
	var wg sync.WaitGroup
	ids := make(chan string, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := b.calls.CallInnerSkill(ctx, req)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- res.GetCallId()
		}()
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("duplicates returned different call ids: %s vs %s", first, id)
		}
	}
	if n := b.metric(t, `ccgw_gateway_calls_total{op="callInnerSkill",retcode="0"}`); n != "1" {
		t.Fatalf("gateway callInnerSkill calls = %s, want 1", n)
	}
}

// metric returns the value of one exposition line from /metrics.
func (b *bridge) metric(t *testing.T, series string) string {
	t.Helper()
	res, err := http.Get(b.httpBase + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			return v
		}
	}
	return ""
}

func TestPassThroughGUID(t *testing.T) {
	b := startBridge(t)
	sim := b.app.Simulator()
	// An agent signed in by another system; the caller knows its GUID.
	res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPut, b.app.SimulatorURL()+"/agentgateway/resource/onlineagent/1004",
		`{"password":"demo-1004","phonenum":"71004"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	guid, _ := strings.CutPrefix(res.Header.Get("Set-GUID"), "JSESSIONID=")
	ctx := metadata.AppendToOutgoingContext(ctxT(t, 5*time.Second), "x-ccgw-guid", guid)
	call, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1004", SkillId: 1})
	if err != nil || call.GetCallId() == "" {
		t.Fatalf("pass-through call: %v %v", call, err)
	}
	_, err = b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1004", SkillId: 1, AwaitOutcome: true})
	if status.Code(err) != codes.InvalidArgument || errorInfo(status.Convert(err)).GetReason() != "AWAIT_NEEDS_SESSION" {
		t.Fatalf("pass-through await: %v", err)
	}
	_ = sim.SignOutAgent("1004")
}

func TestNoSecretsInLogsOrMetrics(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1001")
	ctx := ctxT(t, 10*time.Second)
	_, _ = b.sessions.SignIn(ctx, &ccgwv1.SignInRequest{AgentId: "1002", Password: "not-the-password", PhoneNumber: "71002"})
	sim := b.app.Simulator()
	_, _ = sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpCallInnerSkill, Retcode: "000-003", Count: 1})
	_, _ = b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1})
	_, _ = sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultMalformedJSON, Route: gatewaysim.OpGetAgentEvent, Count: 2})
	time.Sleep(100 * time.Millisecond)
	guid, err := sim.DebugGUID("1001")
	if err != nil || guid == "" {
		t.Fatalf("GUID: %v", err)
	}
	metrics := b.scrape(t)
	for _, secret := range []string{"demo-1001", "not-the-password", guid} {
		if strings.Contains(b.logs.String(), secret) {
			t.Errorf("a secret appears in the logs: %q", secret)
		}
		if strings.Contains(metrics, secret) {
			t.Errorf("a secret appears in /metrics: %q", secret)
		}
	}
	if !strings.Contains(b.logs.String(), "SIMULATOR") {
		t.Error("the log does not warn that the bridge talks to a simulator")
	}
}

func (b *bridge) scrape(t *testing.T) string {
	t.Helper()
	res, err := http.Get(b.httpBase + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return string(body)
}

func TestHealthReflectionOpenAPI(t *testing.T) {
	b := startBridge(t)
	hc, err := healthpb.NewHealthClient(b.conn).Check(ctxT(t, 2*time.Second), &healthpb.HealthCheckRequest{})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", hc, err)
	}
	res, err := http.Get(b.httpBase + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status  string
		Details map[string]string
	}
	_ = json.NewDecoder(res.Body).Decode(&h)
	res.Body.Close()
	if h.Status != "SERVING" || !strings.Contains(h.Details["gateway"], "SIMULATOR") {
		t.Fatalf("/healthz: %+v", h)
	}
	build := buildinfo.Read()
	if h.Details["version"] != build.Version || h.Details["revision"] != build.Revision {
		t.Errorf("/healthz details %v do not name the build %+v", h.Details, build)
	}
	metrics := b.scrape(t)
	want := fmt.Sprintf(`ccgw_build_info{goversion=%q,revision=%q,version=%q} 1`, build.GoVersion, build.Revision, build.Version)
	if !strings.Contains(metrics, want) {
		t.Errorf("/metrics lacks %s", want)
	}
	res, err = http.Get(b.httpBase + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Paths map[string]any }
	_ = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	for _, p := range []string{"/v1/agents/{agentId}/session", "/v1/sessions", "/v1/agents/{agentId}/voice:callInnerSkill",
		"/v1/agents/{agentId}/media/{callId}:transfer", "/v1/agents/{agentId}/events", "/v1/events"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("/openapi.json lacks %s", p)
		}
	}

	// Reflection: grpcurl works without proto files.
	rc, err := reflectionpb.NewServerReflectionClient(b.conn).ServerReflectionInfo(ctxT(t, 2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := rc.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range []string{"ccgw.v1.AgentSessionService", "ccgw.v1.CallControlService", "ccgw.v1.AgentEventService", "grpc.health.v1.Health"} {
		if !slices.Contains(names, want) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	b := startBridge(t)
	s, err := b.events.StreamEvents(ctxT(t, 10*time.Second), &ccgwv1.StreamEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { b.app.Shutdown(); close(done) }()
	_, err = s.Recv()
	if status.Code(err) != codes.Unavailable && !errors.Is(err, io.EOF) {
		t.Fatalf("stream after shutdown: %v", err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown waited on an open stream")
	}
}
