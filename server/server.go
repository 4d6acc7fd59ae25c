// Package server exposes the core over gRPC and, through grpc-gateway, over REST/JSON. There is
// one gRPC server holding every interceptor; the REST gateway reaches it through an in-memory
// client connection, so REST calls pass the same request-id, logging, metrics, validation and
// recovery interceptors as gRPC calls, and REST can stream.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"buf.build/go/protovalidate"
	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/test/bufconn"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// GatewayHealthService is the gRPC health service name that reports the CC-Gateway's
// reachability, apart from the bridge's own liveness ("" and the API services): an
// orchestrator should not restart a healthy bridge because the gateway is down.
const GatewayHealthService = "ccgw.v1.Gateway"

// streamWorkers is the size of the gRPC server's pool of handler goroutines.
const streamWorkers = 64

// Config is what the server needs; cmd/ccgw-bridge fills it from flags and environment.
type Config struct {
	Core     *core.Core
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// Details are reported by /healthz (e.g. "gateway": "embedded simulator").
	Details map[string]string
	// ShutdownTimeout bounds graceful shutdown before in-flight RPCs and streams are cut.
	ShutdownTimeout time.Duration
	// TracerProvider receives a span per RPC (REST calls included); nil turns tracing off.
	TracerProvider trace.TracerProvider
}

// Server is the gRPC server plus the HTTP handler that serves REST, /healthz, /metrics and
// /openapi.json.
type Server struct {
	cfg    Config
	log    *slog.Logger
	grpc   *grpc.Server
	health *health.Server
	http   http.Handler

	loop     *bufconn.Listener // the REST gateway's private way into the gRPC server
	loopConn *grpc.ClientConn

	mu       sync.Mutex
	ready    bool
	wg       sync.WaitGroup
	stopping context.Context
	stop     context.CancelFunc
}

// New builds the server; call Serve to start and Shutdown to stop.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, health: health.NewServer()}
	s.stopping, s.stop = context.WithCancel(context.Background())
	validator, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("building the request validator: %w", err)
	}
	rpcMetrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	cfg.Registry.MustRegister(rpcMetrics)

	logOpts := []logging.Option{
		logging.WithLogOnEvents(logging.FinishCall),
		logging.WithFieldsFromContext(func(ctx context.Context) logging.Fields {
			if id := RequestID(ctx); id != "" {
				return logging.Fields{"request_id", id}
			}
			return nil
		}),
	}
	logger := logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		s.log.Log(ctx, slog.Level(lvl), msg, fields...)
	})
	rec := recovery.WithRecoveryHandlerContext(recoverPanic(s.log))
	opts := []grpc.ServerOption{
		grpc.ForceServerCodecV2(newWireCodec()),
		// Reused handler goroutines keep the stack the interceptor chain (validation's CEL
		// evaluation above all) grew them to; a fresh goroutine per RPC grew it again every
		// time (runtime.morestack, 7 % of CPU under load). Handlers block for a gateway round
		// trip, so the pool is sized for concurrent calls rather than cores; RPCs beyond it,
		// and long event streams, get a goroutine of their own as before.
		grpc.NumStreamWorkers(streamWorkers),
		grpc.ChainUnaryInterceptor(
			recovery.UnaryServerInterceptor(rec), // outermost: also catches interceptor panics
			unaryRequestID,
			rpcMetrics.UnaryServerInterceptor(),
			logging.UnaryServerInterceptor(logger, logOpts...),
			unaryValidate(validator, s.log),
		),
		grpc.ChainStreamInterceptor(
			recovery.StreamServerInterceptor(rec),
			streamDecode, // first to wrap the stream: the wrappers after it see decoded requests
			streamRequestID,
			rpcMetrics.StreamServerInterceptor(),
			logging.StreamServerInterceptor(logger, logOpts...),
			streamValidate(validator, s.log),
		),
	}
	if cfg.TracerProvider != nil {
		// Spans carry method, status code and peer, never payloads or metadata, so no secret
		// reaches a trace. Without a provider there is no handler at all, so no cost per RPC.
		opts = append(opts, grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(cfg.TracerProvider))))
	}
	s.grpc = grpc.NewServer(opts...)
	svc := &services{core: cfg.Core, log: s.log, stopping: s.stopping}
	// Every service decodes its own requests (decodingService), so that a malformed one is
	// INVALID_ARGUMENT rather than gRPC's INTERNAL.
	s.grpc.RegisterService(decodingService(&ccgwv1.AgentSessionService_ServiceDesc), &sessionService{services: svc})
	s.grpc.RegisterService(decodingService(&ccgwv1.CallControlService_ServiceDesc), &callService{services: svc})
	s.grpc.RegisterService(decodingService(&ccgwv1.AgentEventService_ServiceDesc), &eventService{services: svc})
	s.grpc.RegisterService(decodingService(&healthpb.Health_ServiceDesc), s.health)
	reflection.Register(s.grpc)
	rpcMetrics.InitializeMetrics(s.grpc)
	s.health.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	for name := range s.grpc.GetServiceInfo() {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_NOT_SERVING)
	}
	if cfg.Core != nil {
		cfg.Core.WatchGateway(func(st core.GatewayStatus) {
			s.health.SetServingStatus(GatewayHealthService, gatewayHealth[st.State]) // ignored once shut down
		})
	}

	s.loop = bufconn.Listen(1 << 20)
	if s.http, err = s.newHTTPHandler(); err != nil {
		return nil, err
	}
	return s, nil
}

// GRPCServer exposes the underlying server (for tests that serve it on their own listener).
func (s *Server) GRPCServer() *grpc.Server { return s.grpc }

// HTTPHandler serves REST, /healthz, /metrics and /openapi.json.
func (s *Server) HTTPHandler() http.Handler { return s.http }

// Serve serves gRPC on grpcLis and HTTP on httpLis (either may be nil) until Shutdown, then
// marks the server ready. It returns once both listeners are being served.
func (s *Server) Serve(grpcLis, httpLis net.Listener) *http.Server {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.grpc.Serve(s.loop)
	}()
	if grpcLis != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.grpc.Serve(grpcLis); err != nil {
				s.log.Error("gRPC server stopped", "err", err)
			}
		}()
	}
	var hs *http.Server
	if httpLis != nil {
		hs = &http.Server{Handler: s.http, ReadHeaderTimeout: 10 * time.Second}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := hs.Serve(httpLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("HTTP server stopped", "err", err)
			}
		}()
	}
	s.setReady(true)
	return hs
}

func (s *Server) setReady(ready bool) {
	s.mu.Lock()
	s.ready = ready
	s.mu.Unlock()
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ready {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.health.SetServingStatus("", st)
	for name := range s.grpc.GetServiceInfo() {
		s.health.SetServingStatus(name, st)
	}
}

var gatewayHealth = map[core.GatewayState]healthpb.HealthCheckResponse_ServingStatus{
	core.GatewayUnknown:     healthpb.HealthCheckResponse_UNKNOWN,
	core.GatewayReachable:   healthpb.HealthCheckResponse_SERVING,
	core.GatewayUnreachable: healthpb.HealthCheckResponse_NOT_SERVING,
}

func (s *Server) isReady() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready
}

// Shutdown reports NOT_SERVING first (so load balancers stop sending), then stops gracefully
// within the configured timeout, then forcibly. hs may be nil.
func (s *Server) Shutdown(hs *http.Server) {
	s.setReady(false)
	s.health.Shutdown()
	s.stop()
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if hs != nil {
		// Streams over REST are long-lived; the HTTP server's graceful path would wait for them,
		// so its connections are closed once the gRPC side has drained or timed out.
		defer hs.Close()
	}
	done := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("graceful shutdown timed out; stopping in-flight RPCs")
		s.grpc.Stop()
		<-done
	}
	if s.loopConn != nil {
		_ = s.loopConn.Close()
	}
	if hs != nil {
		_ = hs.Close()
	}
	s.wg.Wait()
}
