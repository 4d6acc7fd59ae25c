package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// restError is a REST error body: the google.rpc.Status as JSON.
type restError struct {
	Code    int               `json:"code"`
	Message string            `json:"message"`
	Details []json.RawMessage `json:"details"`
}

type restDetail struct {
	Type            string            `json:"@type"`
	Reason          string            `json:"reason"`
	Domain          string            `json:"domain"`
	Metadata        map[string]string `json:"metadata"`
	FieldViolations []struct {
		Field       string `json:"field"`
		Description string `json:"description"`
	} `json:"fieldViolations"`
}

func (e restError) detail(t *testing.T, typ string) *restDetail {
	t.Helper()
	for _, raw := range e.Details {
		var d restDetail
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("detail %s: %v", raw, err)
		}
		if d.Type == "type.googleapis.com/"+typ {
			return &d
		}
	}
	return nil
}

// rest sends a request and decodes its error body; a stream endpoint's error is its one line
// {"error": …}, unwrapped.
func (b *bridge) rest(t *testing.T, method, path, body string) (int, restError) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t, 10*time.Second), method, b.httpBase+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var e restError
	if strings.Contains(path, "/events") {
		var line struct {
			Error *restError `json:"error"`
		}
		if err := json.Unmarshal(raw, &line); err != nil || line.Error == nil {
			t.Fatalf("%s %s: stream error is not one {\"error\": …} line: %s", method, path, raw)
		}
		return res.StatusCode, *line.Error
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%s %s: error body is not JSON: %s", method, path, raw)
	}
	return res.StatusCode, e
}

const validTransfer = `{"skillQueue":{"skillId":"1"},"mode":"TRANSFER_MODE_BLIND"}`

// Bodies and parameters the bridge does not understand are INVALID_ARGUMENT naming the field,
// with a BadRequest and an ErrorInfo (never HTTP 500, never silently ignored).
func TestRESTRefusesWhatItDoesNotUnderstand(t *testing.T) {
	b := startBridge(t)
	signIn := func(extra string) string {
		return `{"password":"demo-1001","phoneNumber":"71001"` + extra + `}`
	}
	tests := []struct {
		name, method, path, body, field string
	}{
		{"body not JSON", "PUT", "/v1/agents/1001/session", "hello", ""},
		{"body an array", "POST", "/v1/agents/1001/voice:callInnerSkill", `[1]`, ""},
		{"skill id not a number", "POST", "/v1/agents/1001/voice:callInnerSkill", `{"skillId":"abc"}`, "skill_id"},
		{"skill id a fraction", "POST", "/v1/agents/1001/voice:callInnerSkill", `{"skillId":1.5}`, "skill_id"},
		{"unknown enum name", "PUT", "/v1/agents/1001/session", signIn(`,"initialState":"FOO"`), "initial_state"},
		{"short enum name", "PUT", "/v1/agents/1001/session", signIn(`,"initialState":"BUSY"`), "initial_state"},
		{"misspelt field", "POST", "/v1/agents/1001/voice:callInnerSkill", `{"skillId":"1","awaitOutcom":true}`, "awaitOutcom"},
		{"wrong-case field", "POST", "/v1/agents/1001/media/c-1:transfer", validTransfer[:len(validTransfer)-1] + `,"requestID":"r1"}`, "requestID"},
		{"nested wrong type", "POST", "/v1/agents/1001/media/c-1:transfer", `{"skillQueue":{"skillId":"x"},"mode":"TRANSFER_MODE_BLIND"}`, "skill_queue.skill_id"},
		{"path not UTF-8", "GET", "/v1/agents/%FF%FE/session", "", "agent_id"},
		{"call id not UTF-8", "POST", "/v1/agents/1001/media/%FF%FE:transfer", validTransfer, "call_id"},
		{"event type not UTF-8", "GET", "/v1/events?event_types=%FF%FE", "", "event_types[0]"},
		{"cursor not UTF-8", "GET", "/v1/agents/1001/events?resume_after=%FF", "", "resume_after"},
		{"page token not UTF-8", "GET", "/v1/sessions?page_token=%FF%FE", "", "page_token"},
		{"unknown query parameter", "GET", "/v1/sessions?page_sise=3", "", "page_sise"},
		{"unknown query parameter on a stream", "GET", "/v1/events?agent=1001", "", "agent"},
		{"query value of the wrong type", "GET", "/v1/sessions?page_size=abc", "", "page_size"},
		{"validation rule", "GET", "/v1/agents/42/session", "", "agent_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, e := b.rest(t, tc.method, tc.path, tc.body)
			if code != http.StatusBadRequest || e.Code != int(codes.InvalidArgument) {
				t.Fatalf("HTTP %d, status %+v", code, e)
			}
			info := e.detail(t, "google.rpc.ErrorInfo")
			if info == nil || info.Reason != "INVALID_REQUEST" || info.Domain != "ccgw-bridge" {
				t.Fatalf("ErrorInfo %+v in %+v", info, e)
			}
			br := e.detail(t, "google.rpc.BadRequest")
			if br == nil || len(br.FieldViolations) == 0 || br.FieldViolations[0].Field != tc.field {
				t.Fatalf("BadRequest %+v, want field %q", br, tc.field)
			}
		})
	}
	// Nothing reached the gateway: the misspelt await did not place a call.
	if calls := b.metric(t, `ccgw_gateway_calls_total{op="callInnerSkill",retcode="0"}`); calls != "" {
		t.Errorf("a refused request reached the gateway: %s", calls)
	}
}

// Every REST error has the same shape and an ErrorInfo, routing errors and stream errors
// included; a stream wraps it as {"error": …}.
func TestRESTErrorShape(t *testing.T) {
	b := startBridge(t)
	tests := []struct {
		name, method, path string
		http               int
		reason             string
	}{
		{"no session", "GET", "/v1/agents/1001/session", 404, "SESSION_NOT_FOUND"},
		{"command without session", "POST", "/v1/agents/1001/voice:callInnerSkill", 400, "CCGW_AGENT_NOT_SIGNED_IN"},
		{"unknown path", "GET", "/v1/nothing", 404, "ROUTE_NOT_FOUND"},
		{"wrong method", "PATCH", "/v1/agents/1001/session", 405, "METHOD_NOT_ALLOWED"},
		{"bad cursor on a stream", "GET", "/v1/agents/1001/events?resume_after=garbage", 400, "INVALID_CURSOR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := ""
			if tc.method == "POST" {
				body = `{"skillId":"1"}`
			}
			code, e := b.rest(t, tc.method, tc.path, body)
			info := e.detail(t, "google.rpc.ErrorInfo")
			if code != tc.http || info == nil || info.Reason != tc.reason || info.Domain != "ccgw-bridge" || e.Message == "" {
				t.Fatalf("HTTP %d %+v, ErrorInfo %+v; want %d %s", code, e, info, tc.http, tc.reason)
			}
		})
	}
}

// A stream that the bridge ends at shutdown says so with an ErrorInfo.
func TestShutdownErrorHasErrorInfo(t *testing.T) {
	b := startBridge(t)
	req, _ := http.NewRequestWithContext(ctxT(t, 10*time.Second), http.MethodGet, b.httpBase+"/v1/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	if !sc.Scan() {
		t.Fatal("no snapshot line")
	}
	s, err := b.events.StreamEvents(ctxT(t, 10*time.Second), &ccgwv1.StreamEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); err != nil {
		t.Fatal(err)
	}
	go b.app.Shutdown()
	if _, err := s.Recv(); status.Code(err) == codes.Unavailable {
		if info := errorInfo(status.Convert(err)); info.GetReason() != "SHUTTING_DOWN" {
			t.Fatalf("gRPC shutdown error without ErrorInfo: %v", err)
		}
	}
	var last string
	for sc.Scan() {
		last = sc.Text()
	}
	if last != "" && !strings.Contains(last, `"snapshot"`) && !strings.Contains(last, `"heartbeat"`) {
		var line struct {
			Error *restError `json:"error"`
		}
		if err := json.Unmarshal([]byte(last), &line); err != nil || line.Error == nil || line.Error.detail(t, "google.rpc.ErrorInfo").Reason != "SHUTTING_DOWN" {
			t.Fatalf("REST stream ended with %s", last)
		}
	}
}

// rawCodec sends bytes as they are, so the test can send what no protobuf library would.
type rawCodec struct{}

type rawMsg struct{ b []byte }

func (rawCodec) Marshal(v any) ([]byte, error) { return v.(*rawMsg).b, nil }
func (rawCodec) Unmarshal(b []byte, v any) error {
	v.(*rawMsg).b = append([]byte(nil), b...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

// marshalWith marshals m with placeholder text that is then swapped for invalid UTF-8 of the
// same length, as a client in a language without UTF-8 checks could send it.
func marshalWith(t *testing.T, m proto.Message, placeholder string) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Repeat([]byte{0xFF}, len(placeholder))
	bad[1] = 0xFE
	return bytes.Replace(b, []byte(placeholder), bad, 1)
}

// gRPC requests that are not valid protobuf are INVALID_ARGUMENT naming the field, not INTERNAL.
func TestMalformedGRPCRequests(t *testing.T) {
	b := startBridge(t)
	valid, _ := proto.Marshal(&ccgwv1.SignInRequest{AgentId: "1001", Password: "demo-1001", PhoneNumber: "71001"})
	tests := []struct {
		name, method string
		body         []byte
		field        string
		stream       bool
	}{
		{"string not UTF-8", "/ccgw.v1.AgentSessionService/GetSession",
			marshalWith(t, &ccgwv1.GetSessionRequest{AgentId: "PH"}, "PH"), "agent_id", false},
		{"nested string not UTF-8", "/ccgw.v1.CallControlService/TransferSession",
			marshalWith(t, &ccgwv1.TransferSessionRequest{AgentId: "1001", CallId: "c-1", Mode: ccgwv1.TransferMode_TRANSFER_MODE_BLIND,
				Target: &ccgwv1.TransferSessionRequest_AccessCode{AccessCode: &ccgwv1.AccessCodeTarget{Code: "PHPH"}}}, "PHPH"), "access_code.code", false},
		{"truncated", "/ccgw.v1.AgentSessionService/SignIn", valid[:len(valid)-3], "", false},
		{"stream request not UTF-8", "/ccgw.v1.AgentEventService/StreamEvents",
			marshalWith(t, &ccgwv1.StreamEventsRequest{EventTypes: []string{"AgentState_Ready", "PHPH"}}, "PHPH"), "event_types[1]", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t, 5*time.Second)
			var err error
			if tc.stream {
				var cs grpc.ClientStream
				cs, err = b.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, tc.method, grpc.ForceCodec(rawCodec{}))
				if err == nil {
					if err = cs.SendMsg(&rawMsg{tc.body}); err == nil {
						_ = cs.CloseSend()
						err = cs.RecvMsg(&rawMsg{})
					}
				}
			} else {
				err = b.conn.Invoke(ctx, tc.method, &rawMsg{tc.body}, &rawMsg{}, grpc.ForceCodec(rawCodec{}))
			}
			st := status.Convert(err)
			if st.Code() != codes.InvalidArgument || errorInfo(st).GetReason() != "INVALID_REQUEST" {
				t.Fatalf("got %v %v", st.Code(), st.Message())
			}
			br := badRequest(st)
			if br == nil || len(br.GetFieldViolations()) == 0 || br.GetFieldViolations()[0].GetField() != tc.field {
				t.Fatalf("violations %v, want field %q", br, tc.field)
			}
		})
	}
}

// A gateway the bridge cannot connect to gives UNAVAILABLE: nothing was sent, so it is safe to
// retry.
func TestUnreachableGatewayIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b := startBridge(t, func(c *app.Config) { c.GatewayURL = "http://" + addr })
	_, err = b.sessions.SignIn(ctxT(t, 10*time.Second), &ccgwv1.SignInRequest{AgentId: "1001", Password: "demo-1001", PhoneNumber: "71001"})
	st := status.Convert(err)
	if st.Code() != codes.Unavailable || errorInfo(st).GetReason() != "GATEWAY_UNAVAILABLE" || strings.Contains(st.Message(), addr) {
		t.Fatalf("got %v: %v %v", st.Code(), st.Message(), st.Details())
	}
}

// The gateway's text reaches the client in ErrorInfo metadata with the session's GUID and cookie
// removed, even when the gateway quotes them.
func TestGatewayTextReachesClientWithoutSecrets(t *testing.T) {
	const guid = "0c0ffee0-1111-2222-3333-444455556666.AgentGateway0"
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		msg := "no right for guid " + r.Header.Get("Guid") + " (uuid " + strings.TrimSuffix(r.Header.Get("Guid"), ".AgentGateway0") + ")"
		_ = json.NewEncoder(w).Encode(map[string]string{"retcode": "100-007", "message": msg})
	}))
	defer gw.Close()
	b := startBridge(t, func(c *app.Config) { c.GatewayURL = gw.URL })
	ctx := metadata.AppendToOutgoingContext(ctxT(t, 5*time.Second), "x-ccgw-guid", guid)
	_, err := b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1004", SkillId: 1})
	st := status.Convert(err)
	info := errorInfo(st)
	if st.Code() != codes.Unknown || info.GetMetadata()["retcode"] != "100-007" || !strings.HasPrefix(info.GetMetadata()["message"], "no right for guid") {
		t.Fatalf("got %v %v", st.Code(), st.Details())
	}
	all := st.Message() + info.String()
	for _, secret := range []string{guid, "0c0ffee0-1111-2222-3333-444455556666"} {
		if strings.Contains(all, secret) {
			t.Fatalf("the client sees the GUID: %s", all)
		}
	}
}

// A command for an agent whose session the bridge found LOST is FAILED_PRECONDITION with the
// same reason as one for an agent never signed in: either way the client signs the agent in.
func TestCommandOnLostSession(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1002")
	if err := b.app.Simulator().SignOutAgent("1002"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := b.sessions.GetSession(ctxT(t, time.Second), &ccgwv1.GetSessionRequest{AgentId: "1002"})
		if err == nil && res.GetSession().GetSessionState() == ccgwv1.SessionState_SESSION_STATE_LOST {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("session not LOST after the gateway signed the agent out: %v %v", res, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, err := b.calls.CallInnerSkill(ctxT(t, 5*time.Second), &ccgwv1.CallInnerSkillRequest{AgentId: "1002", SkillId: 1})
	st := status.Convert(err)
	info := errorInfo(st)
	if st.Code() != codes.FailedPrecondition || info.GetReason() != "CCGW_AGENT_NOT_SIGNED_IN" {
		t.Fatalf("got %v %v", st.Code(), st.Details())
	}
	// Refused by the bridge (it knows the session is lost) or by the gateway (100-006).
	if md := info.GetMetadata(); md["session_state"] != "SESSION_STATE_LOST" && md["retcode"] == "" {
		t.Fatalf("metadata %v says neither", md)
	}
}
