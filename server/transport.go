package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
)

// gRPC keepalive: clients may ping at most every keepaliveMinTime (more often is a GOAWAY, so a
// ping flood cannot keep the server busy); the server pings an idle connection after
// keepaliveTime and drops it if no answer comes within keepaliveTimeout, which finds dead peers
// (a client or replica killed behind a NAT or load balancer) that TCP alone notices only after
// minutes.
const (
	keepaliveMinTime = 10 * time.Second
	keepaliveTime    = 30 * time.Second
	keepaliveTimeout = 10 * time.Second
)

// transportOptions are the gRPC server's TLS, size and connection limits.
func transportOptions(cfg Config) []grpc.ServerOption {
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(int(cfg.Limits.MaxBodyBytes)),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: keepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: cfg.Limits.IdleTimeout, Time: keepaliveTime, Timeout: keepaliveTimeout,
			MaxConnectionAge: cfg.MaxConnectionAge, MaxConnectionAgeGrace: cfg.MaxConnectionAgeGrace,
		}),
		grpc.ConnectionTimeout(cfg.Limits.ReadHeaderTimeout), // the TLS and HTTP/2 handshakes
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(newListenerCreds(cfg.TLS)))
	}
	return opts
}

// newHTTPServer bounds headers and idle keep-alives; bodies are bounded per request by
// restGuard. There is no write timeout: event streams are long-lived responses.
func (s *Server) newHTTPServer() *http.Server {
	hs := &http.Server{
		Handler:           s.http,
		ReadHeaderTimeout: s.cfg.Limits.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.Limits.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if s.cfg.TLS != nil {
		hs.TLSConfig = s.cfg.TLS.Clone()
	}
	return hs
}

func newGuard(cfg Config, log *slog.Logger) *guard {
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ccgw_requests_refused_total",
		Help: "Requests refused by a limit: rate_limit (commands per caller), streams_total and streams_per_caller (event stream caps).",
	}, []string{"reason"})
	cfg.Registry.MustRegister(refused)
	for _, r := range []string{"rate_limit", "streams_total", "streams_per_caller"} {
		refused.WithLabelValues(r)
	}
	return &guard{
		auth: cfg.Auth, audit: auth.Audit{Log: log.With("component", "audit")},
		limits: newLimiter(cfg.Limits, refused), streams: newStreamCaps(cfg.Limits, refused),
	}
}
