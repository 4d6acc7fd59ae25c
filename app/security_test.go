package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

const opsKey = "ops-key-4f1c2a9be07d" // an API key; the policy holds only its SHA-256

// securityPolicy: alice may do everything to agents 1001-1004, bob everything to 1002 only,
// carol holds a grant that on its own allows nothing, the ops key may do everything, and the
// client certificate spiffe://test/crm may read agent 1003's session.
func securityPolicy(aliceReadsEvents bool) string {
	all := "[sign_in, sign_out, force, read_sessions, call, transfer, read_events, pass_through]"
	alice := all
	if !aliceReadsEvents {
		alice = "[sign_in, sign_out, force, read_sessions, call, transfer, pass_through]"
	}
	return fmt.Sprintf(`api_keys:
  - {name: ops, sha256: %s}
callers:
  - name: alice
    match: {subject: alice}
    allow: [{actions: %s, agents: ["1001-1004"]}]
  - name: bob
    match: {subject: bob}
    allow: [{actions: %s, agents: ["1002"]}]
  - name: carol
    match: {subject: carol}
    allow: [{actions: [pass_through], agents: ["*"]}]
  - name: ops
    match: {api_key: ops}
    allow: [{actions: %s, agents: ["*"]}]
  - name: crm
    match: {cert: "spiffe://test/crm"}
    allow: [{actions: [read_sessions], agents: ["1003"]}]
`, sha256Hex(opsKey), alice, all, all)
}

// secureBridge is a bridge with TLS, optional client certificates, a JWKS issuer and a policy.
type secureBridge struct {
	*bridge
	pki        *testPKI
	iss        *testIssuer
	policyFile string
	grpcConn   *grpc.ClientConn
	rest       *http.Client
	restBase   string
	spans      *tracetest.SpanRecorder
}

func startSecureBridge(t *testing.T, mutate ...func(*app.Config)) *secureBridge {
	t.Helper()
	pki, iss := newTestPKI(t), newTestIssuer(t)
	policyFile := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(securityPolicy(true)), 0o600); err != nil {
		t.Fatal(err)
	}
	spans := tracetest.NewSpanRecorder()
	b := startBridge(t, append([]func(*app.Config){func(c *app.Config) {
		c.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
		c.TLSCertFile, c.TLSKeyFile, c.TLSClientCAFile = pki.CertFile, pki.KeyFile, pki.CAFile
		c.AuthPolicyFile, c.AuthPolicyReload = policyFile, 50*time.Millisecond
		c.AuthJWTIssuer, c.AuthJWTAudience, c.AuthJWKSURL = iss.Issuer, "ccgw-bridge", iss.URL
	}}, mutate...)...)
	s := &secureBridge{bridge: b, pki: pki, iss: iss, policyFile: policyFile, restBase: "https://" + b.app.HTTPAddr(), spans: spans}
	s.grpcConn = s.dial(t, "")
	s.rest = s.httpClient("")
	return s
}

func (s *secureBridge) dial(t *testing.T, clientCert string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(s.app.GRPCAddr(), grpc.WithTransportCredentials(credentials.NewTLS(s.pki.clientTLS(clientCert))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func (s *secureBridge) httpClient(clientCert string) *http.Client {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: s.pki.clientTLS(clientCert), ForceAttemptHTTP2: true}, Timeout: 10 * time.Second}
	s.bridge.t().Cleanup(c.CloseIdleConnections)
	return c
}

// rpcCase is one RPC, callable over gRPC and over REST, about agent 1001.
type rpcCase struct {
	name               string
	grpc               func(ctx context.Context, conn *grpc.ClientConn) error
	method, path, body string
	// filtered: a caller allowed only other agents gets an answer with agent 1001 left out,
	// rather than PERMISSION_DENIED.
	filtered bool
}

func firstMessage(s grpc.ServerStreamingClient[ccgwv1.StreamEventsResponse], err error) error {
	if err != nil {
		return err
	}
	_, err = s.Recv()
	return err
}

var rpcCases = []rpcCase{
	{name: "SignIn", method: "PUT", path: "/v1/agents/1001/session", body: `{"password":"demo-1001","phoneNumber":"71001","initialState":"INITIAL_STATE_IDLE"}`,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := ccgwv1.NewAgentSessionServiceClient(c).SignIn(ctx, &ccgwv1.SignInRequest{AgentId: "1001", Password: "demo-1001", PhoneNumber: "71001", InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE})
			return err
		}},
	{name: "SignInForce", method: "PUT", path: "/v1/agents/1001/session", body: `{"password":"demo-1001","phoneNumber":"71001","initialState":"INITIAL_STATE_IDLE","force":true}`,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := ccgwv1.NewAgentSessionServiceClient(c).SignIn(ctx, &ccgwv1.SignInRequest{AgentId: "1001", Password: "demo-1001", PhoneNumber: "71001", InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE, Force: true})
			return err
		}},
	{name: "GetSession", method: "GET", path: "/v1/agents/1001/session",
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := ccgwv1.NewAgentSessionServiceClient(c).GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "1001"})
			return err
		}},
	{name: "ListSessions", method: "GET", path: "/v1/sessions", filtered: true,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			res, err := ccgwv1.NewAgentSessionServiceClient(c).ListSessions(ctx, &ccgwv1.ListSessionsRequest{})
			return leaked(res.GetSessions(), err)
		}},
	{name: "CallInnerSkill", method: "POST", path: "/v1/agents/1001/voice:callInnerSkill", body: `{"skillId":"1"}`,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := ccgwv1.NewCallControlServiceClient(c).CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1})
			return err
		}},
	{name: "CallInnerSkillPassThrough", method: "POST", path: "/v1/agents/1001/voice:callInnerSkill", body: `{"skillId":"1"}`,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			ctx = metadata.AppendToOutgoingContext(ctx, "x-ccgw-guid", "guid-from-elsewhere")
			_, err := ccgwv1.NewCallControlServiceClient(c).CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1})
			return err
		}},
	{name: "TransferSession", method: "POST", path: "/v1/agents/1001/media/c1:transfer", body: `{"skillQueue":{"skillId":"1"},"mode":"TRANSFER_MODE_BLIND"}`,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := ccgwv1.NewCallControlServiceClient(c).TransferSession(ctx, &ccgwv1.TransferSessionRequest{AgentId: "1001", CallId: "c1",
				Target: &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 1}}, Mode: ccgwv1.TransferMode_TRANSFER_MODE_BLIND})
			return err
		}},
	{name: "StreamEventsOneAgent", method: "GET", path: "/v1/agents/1001/events",
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			return firstMessage(ccgwv1.NewAgentEventServiceClient(c).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: "1001"}))
		}},
	{name: "StreamEventsNamedAgents", method: "GET", path: "/v1/events?agentIds=1001",
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			return firstMessage(ccgwv1.NewAgentEventServiceClient(c).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentIds: []string{"1001"}}))
		}},
	{name: "StreamEventsAllAgents", method: "GET", path: "/v1/events", filtered: true,
		grpc: func(ctx context.Context, c *grpc.ClientConn) error {
			s, err := ccgwv1.NewAgentEventServiceClient(c).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{})
			if err != nil {
				return err
			}
			m, err := s.Recv()
			if err != nil {
				return err
			}
			for _, a := range m.GetSnapshot().GetAgents() {
				if a.GetAgentId() == "1001" {
					return status.Error(codes.DataLoss, "agent 1001 leaked into a filtered stream")
				}
			}
			return nil
		}},
}

// leaked turns a session list that shows agent 1001 into an error, for the filtered callers.
func leaked(list []*ccgwv1.Session, err error) error {
	for _, s := range list {
		if s.GetAgentId() == "1001" {
			return status.Error(codes.DataLoss, "agent 1001 leaked into a filtered list")
		}
	}
	return err
}

type credCase struct {
	name  string
	authz func(s *secureBridge, t *testing.T) string // the authorization value; "" sends none
	want  codes.Code                                 // codes.OK: allowed (any answer but a refusal)
	other bool                                       // the caller is allowed other agents only
}

var credCases = []credCase{
	{"no credentials", func(*secureBridge, *testing.T) string { return "" }, codes.Unauthenticated, false},
	{"bad token", func(s *secureBridge, t *testing.T) string { return "Bearer " + foreignToken(t, s.iss, "alice") }, codes.Unauthenticated, false},
	{"garbage token", func(*secureBridge, *testing.T) string { return "Bearer not.a.jwt" }, codes.Unauthenticated, false},
	{"unknown API key", func(*secureBridge, *testing.T) string { return "Bearer " + opsKey + "x" }, codes.Unauthenticated, false},
	{"expired token", func(s *secureBridge, t *testing.T) string {
		return "Bearer " + s.iss.token(t, "alice", func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })
	}, codes.Unauthenticated, false},
	{"wrong audience", func(s *secureBridge, t *testing.T) string {
		return "Bearer " + s.iss.token(t, "alice", func(c jwt.MapClaims) { c["aud"] = "another-service" })
	}, codes.Unauthenticated, false},
	{"wrong issuer", func(s *secureBridge, t *testing.T) string {
		return "Bearer " + s.iss.token(t, "alice", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })
	}, codes.Unauthenticated, false},
	{"caller without the permission", func(s *secureBridge, t *testing.T) string { return "Bearer " + s.iss.token(t, "carol", nil) }, codes.PermissionDenied, false},
	{"caller for another agent", func(s *secureBridge, t *testing.T) string { return "Bearer " + s.iss.token(t, "bob", nil) }, codes.PermissionDenied, true},
	{"allowed (JWT)", func(s *secureBridge, t *testing.T) string { return "Bearer " + s.iss.token(t, "alice", nil) }, codes.OK, false},
	{"allowed (API key)", func(*secureBridge, *testing.T) string { return "Bearer " + opsKey }, codes.OK, false},
}

// restCode maps a REST answer back to the gRPC code of a refusal by the guard, or OK.
func restCode(httpStatus int, body string) codes.Code {
	if !strings.Contains(body, `"reason":"AUTH_`) {
		return codes.OK
	}
	switch httpStatus {
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	}
	return codes.Unknown
}

// TestEveryRPCRefusesWhomItMust runs every RPC, over gRPC and REST, with every kind of
// credential, and counts unauthorised requests that got through: that count must be 0.
func TestEveryRPCRefusesWhomItMust(t *testing.T) {
	s := startSecureBridge(t)
	secrets := []string{opsKey, "demo-1001", "guid-from-elsewhere"}
	accepted, total := 0, 0
	for _, cc := range credCases {
		authz := cc.authz(s, t)
		if authz != "" {
			secrets = append(secrets, strings.TrimPrefix(authz, "Bearer "))
		}
		for _, rc := range rpcCases {
			want := cc.want
			if cc.other && rc.filtered {
				want = codes.OK // answered, with agent 1001 left out (checked by the case)
			}
			t.Run(cc.name+"/gRPC/"+rc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if authz != "" {
					ctx = metadata.AppendToOutgoingContext(ctx, "authorization", authz)
				}
				err := rc.grpc(ctx, s.grpcConn)
				got := guardCode(status.Code(err), authReason(err))
				total++
				if !refusalMatches(want, got, cc.other) {
					if want != codes.OK {
						accepted++
					}
					t.Errorf("got %v (%v), want %v", got, err, want)
				}
				if want != codes.OK {
					checkAuthErrorInfo(t, err)
				}
				if token := strings.TrimPrefix(authz, "Bearer "); token != "" && err != nil && strings.Contains(err.Error()+fmt.Sprint(status.Convert(err).Details()), token) {
					t.Error("the error carries the credential")
				}
			})
			t.Run(cc.name+"/REST/"+rc.name, func(t *testing.T) {
				code, body := s.restCall(t, rc, authz)
				got := restCode(code, body)
				if token := strings.TrimPrefix(authz, "Bearer "); token != "" && strings.Contains(body, token) {
					t.Error("the answer carries the credential")
				}
				total++
				if !refusalMatches(want, got, cc.other) || strings.Contains(body, `"1001"`) && cc.other {
					if want != codes.OK {
						accepted++
					}
					t.Errorf("got HTTP %d %s, want %v", code, body, want)
				}
			})
		}
	}
	t.Logf("%d requests, unauthorised requests accepted: %d", total, accepted)
	if accepted != 0 {
		t.Errorf("unauthorised requests accepted: %d, want 0", accepted)
	}
	assertNoSecrets(t, s, secrets)
	// Every denial and every privileged action left an audit line naming caller, action and
	// agent, and REST callers are logged by their address, not the in-memory loopback.
	logs := s.logs.String()
	for _, want := range []string{
		`"audit":true,"caller":"anonymous","action":"authenticate","agent":"","result":"denied"`,
		`"audit":true,"caller":"jwt:bob","action":"sign_in","agent":"1001","result":"denied"`,
		`"audit":true,"caller":"jwt:alice","action":"force","agent":"1001","result":"OK"`,
		`"audit":true,"caller":"apikey:ops","action":"pass_through","agent":"1001","result":`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("no audit line %s", want)
		}
	}
	if strings.Contains(logs, `"peer.address":"bufconn"`) {
		t.Error("a REST call was logged with the loopback as its peer")
	}
}

// refusalMatches: a refusal must be the one wanted; an allowed call must not be refused, and
// for a caller allowed other agents only, must not show agent 1001 (DataLoss).
func refusalMatches(want, got codes.Code, other bool) bool {
	if want == codes.OK {
		return got == codes.OK || got == codes.DataLoss && !other
	}
	return got == want
}

// guardCode is the code of a refusal by the bridge's guard (an AUTH_* reason), DataLoss for
// a leak, and OK for any other answer (the gateway's own errors included).
func guardCode(code codes.Code, reason string) codes.Code {
	if code == codes.DataLoss || strings.HasPrefix(reason, "AUTH_") {
		return code
	}
	return codes.OK
}

func authReason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

// checkAuthErrorInfo: a refusal carries ErrorInfo with an AUTH_* reason in the bridge's domain.
func checkAuthErrorInfo(t *testing.T, err error) {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			if !strings.HasPrefix(info.GetReason(), "AUTH_") || info.GetDomain() != "ccgw-bridge" {
				t.Errorf("ErrorInfo %v", info)
			}
			return
		}
	}
	t.Errorf("no ErrorInfo in %v", err)
}

// restCall makes rc over REST and returns the status and the body (the first line of a stream).
func (s *secureBridge) restCall(t *testing.T, rc rpcCase, authz string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var body io.Reader
	if rc.body != "" {
		body = strings.NewReader(rc.body)
	}
	req, _ := http.NewRequestWithContext(ctx, rc.method, s.restBase+rc.path, body)
	if rc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if strings.HasSuffix(rc.name, "PassThrough") {
		req.Header.Set("X-Ccgw-Guid", "guid-from-elsewhere")
	}
	res, err := s.rest.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	line, _ := bufio.NewReader(res.Body).ReadString('\n')
	return res.StatusCode, line
}

// assertNoSecrets: no token, key, password or GUID in logs or metrics.
func assertNoSecrets(t *testing.T, s *secureBridge, secrets []string) {
	t.Helper()
	res, err := s.rest.Get(s.restBase + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	logs := s.logs.String()
	var spans strings.Builder
	for _, sp := range s.spans.Ended() {
		fmt.Fprintf(&spans, "%s %v %v %v\n", sp.Name(), sp.Attributes(), sp.Events(), sp.Status())
	}
	if spans.Len() == 0 {
		t.Fatal("no spans recorded")
	}
	for _, sec := range secrets {
		if strings.Contains(logs, sec) || strings.Contains(string(metrics), sec) || strings.Contains(spans.String(), sec) {
			t.Errorf("a secret (%d bytes, starting %.6q) appears in logs, metrics or traces", len(sec), sec)
		}
	}
}

func (b *bridge) t() testing.TB { return b.tb }

// mTLS: a client certificate identifies its caller over gRPC and REST; a certificate the
// policy does not name is refused; a connection without one can still use a token.
func TestClientCertificateIdentifiesCaller(t *testing.T) {
	s := startSecureBridge(t)
	crm := s.dial(t, "spiffe://test/crm")
	stranger := s.dial(t, "spiffe://test/stranger")
	ctx := ctxT(t, 5*time.Second)
	get := func(conn *grpc.ClientConn, agent string) codes.Code {
		_, err := ccgwv1.NewAgentSessionServiceClient(conn).GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: agent})
		return status.Code(err)
	}
	if got := get(crm, "1003"); got != codes.NotFound {
		t.Errorf("crm reads 1003: %v, want NOT_FOUND (allowed; no session)", got)
	}
	if got := get(crm, "1001"); got != codes.PermissionDenied {
		t.Errorf("crm reads 1001: %v, want PERMISSION_DENIED", got)
	}
	if got := get(stranger, "1003"); got != codes.PermissionDenied {
		t.Errorf("unlisted certificate: %v, want PERMISSION_DENIED", got)
	}
	rest := s.httpClient("spiffe://test/crm")
	for agent, want := range map[string]int{"1003": http.StatusNotFound, "1001": http.StatusForbidden} {
		res, err := rest.Get(s.restBase + "/v1/agents/" + agent + "/session")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("REST crm reads %s: %d, want %d", agent, res.StatusCode, want)
		}
	}
	// A REST client cannot forge the forwarded certificate or address.
	req, _ := http.NewRequest("GET", s.restBase+"/v1/agents/1003/session", nil)
	req.Header.Set("Grpc-Metadata-X-Ccgw-Rest-Client-Cert", "AAAA")
	req.Header.Set("X-Ccgw-Rest-Peer", "10.9.9.9:1")
	res, err := s.rest.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged forwarded headers: %d, want 401", res.StatusCode)
	}
	if strings.Contains(s.logs.String(), "10.9.9.9") {
		t.Error("a forged peer address reached the logs")
	}
}

// A plaintext client cannot talk to the TLS listeners at all.
func TestTLSListenersRefusePlaintext(t *testing.T) {
	s := startSecureBridge(t)
	res, err := http.Get("http://" + s.app.HTTPAddr() + "/healthz")
	if err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Fatal("plaintext HTTP was served")
		}
	}
	_, err = s.sessions.GetSession(ctxT(t, 2*time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if status.Code(err) != codes.Unavailable {
		t.Errorf("plaintext gRPC: %v, want UNAVAILABLE", err)
	}
}

// A stream over an agent ends with PERMISSION_DENIED when the policy stops granting it; the
// unfiltered stream of another caller, and a stream over all agents, keep only what is allowed.
func TestPolicyChangeEndsStreams(t *testing.T) {
	s := startSecureBridge(t)
	ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+s.iss.token(t, "alice", nil)), 10*time.Second)
	defer cancel()
	st, err := ccgwv1.NewAgentEventServiceClient(s.grpcConn).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.policyFile, []byte(securityPolicy(false)+"\n# revoked\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := st.Recv()
		if err != nil {
			if status.Code(err) != codes.PermissionDenied {
				t.Fatalf("stream ended with %v, want PERMISSION_DENIED", err)
			}
			break
		}
	}
	if !strings.Contains(s.logs.String(), `"why":"revoked by a policy change"`) {
		t.Error("no audit line for the revoked stream")
	}
}

// A caller allowed agent 1002 only, following every agent, sees 1002's events and never 1001's.
func TestStreamOverAllAgentsCarriesOnlyAllowedAgents(t *testing.T) {
	s := startSecureBridge(t)
	bob := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+s.iss.token(t, "bob", nil))
	ops := metadata.AppendToOutgoingContext(ctxT(t, 10*time.Second), "authorization", "Bearer "+opsKey)
	ctx, cancel := context.WithTimeout(bob, 10*time.Second)
	defer cancel()
	st, err := ccgwv1.NewAgentEventServiceClient(s.grpcConn).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != nil {
		t.Fatal(err)
	}
	cl := ccgwv1.NewAgentSessionServiceClient(s.grpcConn)
	for _, id := range []string{"1001", "1002"} {
		if _, err := cl.SignIn(ops, &ccgwv1.SignInRequest{AgentId: id, Password: "demo-" + id, PhoneNumber: "7" + id, InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE}); err != nil {
			t.Fatal(err)
		}
	}
	for seen1002 := false; !seen1002; {
		m, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if ev := m.GetEvent(); ev != nil {
			if ev.GetAgentId() == "1001" {
				t.Fatal("an event of agent 1001 reached a caller allowed 1002 only")
			}
			seen1002 = ev.GetAgentId() == "1002"
		}
	}
}

// decodeStatus reads a REST error body.
func decodeStatus(t *testing.T, body []byte) (code int, reason string) {
	t.Helper()
	var e struct {
		Code    int `json:"code"`
		Details []struct {
			Reason string `json:"reason"`
		} `json:"details"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	for _, d := range e.Details {
		if d.Reason != "" {
			return e.Code, d.Reason
		}
	}
	return e.Code, ""
}
