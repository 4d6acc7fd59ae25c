package server

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/gen/openapiv2"
)

// PassThroughGUIDHeader lets a call-control request name the GUID of an agent whose session is
// held outside this bridge (gRPC metadata key; over REST send it as the HTTP header of the same
// name). Such a call has no event feed, so it cannot await its outcome.
const PassThroughGUIDHeader = "x-ccgw-guid"

func (s *Server) newHTTPHandler() (http.Handler, error) {
	dialOpts := []grpc.DialOption{
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return s.loop.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	}
	if tp := s.cfg.TracerProvider; tp != nil {
		// Carries the REST request's trace context into the gRPC server's span.
		dialOpts = append(dialOpts, grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(tp))))
	}
	conn, err := grpc.NewClient("passthrough:///in-process", dialOpts...)
	if err != nil {
		return nil, err
	}
	s.loopConn = conn
	gw := runtime.NewServeMux(
		runtime.WithIncomingHeaderMatcher(func(k string) (string, bool) {
			switch strings.ToLower(k) {
			case RequestIDHeader, PassThroughGUIDHeader:
				return strings.ToLower(k), true
			}
			return runtime.DefaultHeaderMatcher(k)
		}),
		runtime.WithOutgoingHeaderMatcher(func(k string) (string, bool) {
			if k == RequestIDHeader {
				return "X-Request-Id", true
			}
			return "", false
		}),
	)
	ctx := context.Background()
	for _, reg := range []func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
		ccgwv1.RegisterAgentSessionServiceHandler,
		ccgwv1.RegisterCallControlServiceHandler,
		ccgwv1.RegisterAgentEventServiceHandler,
	} {
		if err := reg(ctx, gw, conn); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	var rest http.Handler = ndjsonStreams(gw)
	if tp := s.cfg.TracerProvider; tp != nil {
		rest = otelhttp.NewHandler(rest, "rest", otelhttp.WithTracerProvider(tp),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.Pattern }))
	}
	mux.Handle("/v1/", rest)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapiv2.Spec)
	})
	return mux, nil
}

func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	body := map[string]any{"status": "SERVING", "details": s.cfg.Details}
	if s.cfg.Core != nil {
		// A store outage does not stop this replica (pollers buffer); it is reported, not fatal.
		st := s.cfg.Core.StoreStatus()
		store := map[string]any{"up": st.Up, "buffered_events": st.BufferedEvents}
		if !st.Up {
			store["down_since"] = st.DownSince.UTC().Format(time.RFC3339Nano)
		}
		body["store"] = store
	}
	code := http.StatusOK
	if !s.isReady() {
		body["status"], code = "NOT_SERVING", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// ndjsonStreams labels the event streams as NDJSON: grpc-gateway already writes one
// {"result": …} object per line and flushes each, but announces application/json.
func ndjsonStreams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && (r.URL.Path == "/v1/events" || strings.HasSuffix(r.URL.Path, "/events")) {
			w = &ndjsonWriter{ResponseWriter: w}
		}
		next.ServeHTTP(w, r)
	})
}

type ndjsonWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *ndjsonWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if code == http.StatusOK {
			w.Header().Set("Content-Type", "application/x-ndjson")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *ndjsonWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *ndjsonWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *ndjsonWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
