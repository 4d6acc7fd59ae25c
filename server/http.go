package server

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/gen/openapi"
)

// PassThroughGUIDHeader lets a call-control request name the GUID of an agent whose session is
// held outside this bridge (gRPC metadata key; over REST send it as the HTTP header of the same
// name). Such a call has no event feed, so it cannot await its outcome; for an agent the bridge
// holds it is refused.
const PassThroughGUIDHeader = "x-ccgw-guid"

// errBadPassThroughGUID: the pass-through header is present but not one well-formed GUID.
var errBadPassThroughGUID = errors.New("x-ccgw-guid must be one GUID of 1 to 256 printable ASCII characters without spaces")

func (s *Server) newHTTPHandler() (http.Handler, error) {
	dialOpts := []grpc.DialOption{
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return s.loop.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// Refuse unknown query parameters and text that is not UTF-8 before the request is
		// marshalled (restinput.go).
		grpc.WithChainUnaryInterceptor(restUnaryCheck),
		grpc.WithChainStreamInterceptor(restStreamCheck),
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
		// Strict input and one error shape for REST (restinput.go).
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newStrictJSON()),
		runtime.WithErrorHandler(restError),
		runtime.WithRoutingErrorHandler(restRoutingError),
		runtime.WithStreamErrorHandler(restStreamError),
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
	var rest http.Handler = s.refuseBadPassThrough(gw, sseStreams(strictREST(ndjsonStreams(gw))))
	if tp := s.cfg.TracerProvider; tp != nil {
		rest = otelhttp.NewHandler(rest, "rest", otelhttp.WithTracerProvider(tp),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.Pattern }))
	}
	mux.Handle("/v1/", rest)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapi.Spec)
	})
	return mux, nil
}

// serveHealth reports the bridge's liveness in status and code (200 while serving, whatever the
// gateway does) and the gateway's reachability separately, under "gateway".
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	body := map[string]any{"status": "SERVING", "details": s.cfg.Details}
	if s.cfg.Core != nil {
		gw := s.cfg.Core.Gateway()
		reach := map[string]any{"status": gatewayHealth[gw.State].String()}
		if !gw.Since.IsZero() {
			reach["since"] = gw.Since.UTC().Format(time.RFC3339Nano)
		}
		if !gw.LastAnswer.IsZero() {
			reach["last_answer"] = gw.LastAnswer.UTC().Format(time.RFC3339Nano)
		}
		body["gateway"] = reach
	}
	code := http.StatusOK
	if !s.isReady() {
		body["status"], code = "NOT_SERVING", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// refuseBadPassThrough answers a REST request whose X-Ccgw-Guid header the gRPC metadata could
// not carry faithfully (not printable ASCII, or repeated) with INVALID_ARGUMENT, in the REST
// error shape: grpc-gateway would otherwise drop the header and the command would run on the
// session the bridge holds.
func (s *Server) refuseBadPassThrough(gw *runtime.ServeMux, next http.Handler) http.Handler {
	key := textproto.CanonicalMIMEHeaderKey(PassThroughGUIDHeader)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := r.Header[key]; ok && (len(v) != 1 || !validPassThroughGUID(v[0])) {
			_, out := runtime.MarshalerForRequest(gw, r)
			runtime.HTTPError(r.Context(), gw, out, w, r, toStatus(r.Context(), s.log, errBadPassThroughGUID))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ndjsonStreams labels the event streams as NDJSON: grpc-gateway already writes one
// {"result": …} object per line and flushes each, but announces application/json.
func ndjsonStreams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isEventStream(r) {
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
