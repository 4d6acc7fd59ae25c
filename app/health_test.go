package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// health asks the gRPC health service about one service name.
func (b *bridge) health(t *testing.T, service string) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	res, err := healthpb.NewHealthClient(b.conn).Check(ctxT(t, 2*time.Second), &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatalf("health of %q: %v", service, err)
	}
	return res.GetStatus()
}

// healthz GETs /healthz and returns its status code and body.
func (b *bridge) healthz(t *testing.T) (int, map[string]any) {
	t.Helper()
	res, err := http.Get(b.httpBase + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, body
}

func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// Honest health (issue 9 item 14): a gateway outage longer than its heartbeat window leaves
// the bridge live (gRPC health "" SERVING, /healthz 200), reports the gateway unreachable
// separately (health service ccgw.v1.Gateway, /healthz "gateway", ccgw_gateway_up), and turns
// the agents it could not poll LOST with a reason that says so. The gateway's two minutes are
// scaled down to 800 ms on both sides.
func TestGatewayOutageIsReportedApartFromLiveness(t *testing.T) {
	sim, use := externalSim(t, nil)
	b := startBridge(t, use, func(c *app.Config) {
		c.GatewayPollTimeout, c.GatewayHeartbeat = 150*time.Millisecond, 800*time.Millisecond
	})
	b.signIn(t, "1001")
	b.signIn(t, "1002")
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	next()
	if st := b.health(t, "ccgw.v1.Gateway"); st != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("gateway health before the outage: %v", st)
	}
	if v := b.metric(t, "ccgw_gateway_up"); v != "1" {
		t.Fatalf("ccgw_gateway_up before the outage: %q", v)
	}

	outage, err := sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang}) // every gateway route hangs
	if err != nil {
		t.Fatal(err)
	}
	until(t, "the gateway reported unreachable", func() bool {
		return b.health(t, "ccgw.v1.Gateway") == healthpb.HealthCheckResponse_NOT_SERVING
	})
	if v := b.metric(t, "ccgw_gateway_up"); v != "0" {
		t.Fatalf("ccgw_gateway_up during the outage: %q", v)
	}
	ch := waitChange(t, next, "1001")
	if ch.GetSessionState() != ccgwv1.SessionState_SESSION_STATE_LOST || ch.GetReason() != ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_HEARTBEAT_EXPIRED {
		t.Fatalf("change during the outage: %v", ch)
	}
	until(t, "both sessions lost", func() bool {
		return b.metric(t, `ccgw_sessions{state="active"}`) == "0" && b.metric(t, `ccgw_sessions{state="lost"}`) == "2"
	})
	for _, id := range []string{"1001", "1002"} {
		s, err := b.sessions.GetSession(ctxT(t, time.Second), &ccgwv1.GetSessionRequest{AgentId: id})
		if err != nil || s.GetSession().GetSessionState() != ccgwv1.SessionState_SESSION_STATE_LOST ||
			!strings.Contains(s.GetSession().GetLostReason(), "heartbeat window") {
			t.Fatalf("session %s during the outage: %v %v", id, s, err)
		}
	}
	// The bridge itself is fine: liveness says so.
	if st := b.health(t, ""); st != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("liveness during the outage: %v", st)
	}
	code, body := b.healthz(t)
	if gw, _ := body["gateway"].(map[string]any); code != http.StatusOK || body["status"] != "SERVING" || gw["status"] != "NOT_SERVING" || gw["since"] == nil {
		t.Fatalf("/healthz during the outage: %d %v", code, body)
	}

	// The gateway comes back, having signed the agents out meanwhile; signing in again works and
	// the gateway is reported reachable again.
	if err := sim.ClearFault(outage); err != nil {
		t.Fatal(err)
	}
	_ = sim.SignOutAgent("1001")
	_ = sim.SignOutAgent("1002")
	b.signIn(t, "1001")
	if st := b.health(t, "ccgw.v1.Gateway"); st != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("gateway health after the outage: %v", st)
	}
	if _, body := b.healthz(t); body["gateway"].(map[string]any)["last_answer"] == nil {
		t.Fatalf("/healthz after the outage: %v", body)
	}
}
