package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A server without a core panics in every handler that reaches it: the recovery interceptor
// must turn that into INTERNAL without the panic's text, while validation still answers first.
func TestPanicsBecomeInternalAndValidationComesFirst(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(Config{Registry: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(&logs, nil)), ShutdownTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// Until Serve the health service says NOT_SERVING.
	hc, err := s.health.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health before Serve: %v %v", hc, err)
	}
	hs := s.Serve(lis, nil)
	defer s.Shutdown(hs)
	hc, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health after Serve: %v %v", hc, err)
	}

	client := ccgwv1.NewAgentSessionServiceClient(conn)
	_, err = client.GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "99"})
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("invalid request: %v", err)
	}
	_, err = client.GetSession(ctx, &ccgwv1.GetSessionRequest{AgentId: "1001"})
	st := status.Convert(err)
	if st.Code() != codes.Internal || strings.Contains(st.Message(), "nil pointer") {
		t.Fatalf("panic reached the client as %v", st)
	}
	if !strings.Contains(logs.String(), "panic in handler") {
		t.Fatal("the panic was not logged")
	}
}
