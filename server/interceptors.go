package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// RequestIDHeader carries a request id in (gRPC metadata or HTTP header) and back out. A client
// that sends one sees it in the bridge's logs; one that does not gets a fresh id.
const RequestIDHeader = "x-request-id"

type requestIDKey struct{}

// RequestID returns the request id of the RPC in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func requestIDFrom(ctx context.Context) (context.Context, string) {
	id := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(RequestIDHeader); len(v) > 0 && validRequestID(v[0]) {
			id = v[0]
		}
	}
	if id == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	return context.WithValue(ctx, requestIDKey{}, id), id
}

// validRequestID keeps client-chosen ids short and printable, so they are safe in logs.
func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return false
		}
	}
	return true
}

func unaryRequestID(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	ctx, id := requestIDFrom(ctx)
	_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, id))
	return h(ctx, req)
}

func streamRequestID(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	ctx, id := requestIDFrom(ss.Context())
	_ = ss.SetHeader(metadata.Pairs(RequestIDHeader, id))
	return h(srv, &wrappedStream{ServerStream: ss, ctx: ctx})
}

type wrappedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (w *wrappedStream) Context() context.Context { return w.ctx }

// recoverPanic turns a handler panic into INTERNAL: the stack goes to the log, never the client.
func recoverPanic(log *slog.Logger) func(ctx context.Context, p any) error {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in handler", "panic", fmt.Sprint(p), "request_id", RequestID(ctx), "stack", string(debug.Stack()))
		return ruleInternal.status(nil)
	}
}
