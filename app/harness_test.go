package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// bridge is a whole ccgw-bridge process in-process: real listeners on loopback, the embedded
// simulator, and gRPC clients of each service.
type bridge struct {
	tb       testing.TB
	app      *app.App
	logs     *syncBuffer
	conn     *grpc.ClientConn
	sessions ccgwv1.AgentSessionServiceClient
	calls    ccgwv1.CallControlServiceClient
	events   ccgwv1.AgentEventServiceClient
	httpBase string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startBridge(t *testing.T, mutate ...func(*app.Config)) *bridge {
	t.Helper()
	var cfg app.Config
	if err := cfg.Parse("test", []string{"-grpc-listen=127.0.0.1:0", "-http-listen=127.0.0.1:0", "-sim-listen=127.0.0.1:0",
		"-poll-pause=5ms", "-log-level=debug"}, func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	for _, m := range mutate {
		m(&cfg)
	}
	logs := &syncBuffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	a.Serve()
	conn, err := grpc.NewClient(a.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		a.Shutdown()
	})
	return &bridge{
		tb: t, app: a, logs: logs, conn: conn,
		sessions: ccgwv1.NewAgentSessionServiceClient(conn),
		calls:    ccgwv1.NewCallControlServiceClient(conn),
		events:   ccgwv1.NewAgentEventServiceClient(conn),
		httpBase: "http://" + a.HTTPAddr(),
	}
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (b *bridge) signIn(t *testing.T, id string) *ccgwv1.Session {
	t.Helper()
	res, err := b.sessions.SignIn(ctxT(t, 5*time.Second), &ccgwv1.SignInRequest{
		AgentId: id, Password: "demo-" + id, PhoneNumber: "7" + id, InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE,
	})
	if err != nil {
		t.Fatalf("sign in %s: %v", id, err)
	}
	return res.GetSession()
}

// stream opens a gRPC event stream and returns a function reading its next message.
func (b *bridge) stream(t *testing.T, req *ccgwv1.StreamEventsRequest) (next func() *ccgwv1.StreamEventsResponse, cancel func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := b.events.StreamEvents(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	msgs := make(chan *ccgwv1.StreamEventsResponse, 10000)
	errc := make(chan error, 1)
	go func() {
		for {
			m, err := s.Recv()
			if err != nil {
				errc <- err
				close(msgs)
				return
			}
			msgs <- m
		}
	}()
	return func() *ccgwv1.StreamEventsResponse {
		t.Helper()
		select {
		case m, ok := <-msgs:
			if !ok {
				t.Fatalf("stream ended: %v", <-errc)
			}
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no stream message within 5s")
			return nil
		}
	}, cancel
}

// waitEvent reads until an event of the type for the agent arrives.
func waitEvent(t *testing.T, next func() *ccgwv1.StreamEventsResponse, agent, typ string) *ccgwv1.AgentEvent {
	t.Helper()
	for {
		if ev := next().GetEvent(); ev != nil && ev.GetAgentId() == agent && ev.GetEventType() == typ {
			return ev
		}
	}
}
