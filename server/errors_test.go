package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

func TestToStatus(t *testing.T) {
	gw := func(rc string) error {
		return &gatewayclient.Error{Op: "callInnerSkill", AgentID: "1001", Retcode: rc, Message: "gateway words"}
	}
	tr := func(k gatewayclient.TransportKind, code int) error {
		return &gatewayclient.TransportError{Op: "getAgentEvent", AgentID: "1001", Kind: k, StatusCode: code, Err: errors.New("cause")}
	}
	tests := []struct {
		err     error
		code    codes.Code
		reason  string
		retcode string
	}{
		{gw("000-002"), codes.InvalidArgument, "CCGW_INVALID_PARAMETER", "000-002"},
		// A GUID the gateway refused is not the caller's authentication problem.
		{gw("000-003"), codes.FailedPrecondition, "CCGW_GUID_INVALID", "000-003"},
		{gw("100-002"), codes.AlreadyExists, "CCGW_ALREADY_SIGNED_IN", "100-002"},
		// The agent's credentials are not the caller's permissions.
		{gw("100-004"), codes.FailedPrecondition, "CCGW_CREDENTIALS_REJECTED", "100-004"},
		{gw("110-016"), codes.FailedPrecondition, "CCGW_CREDENTIALS_REJECTED", "110-016"},
		{gw("100-020"), codes.FailedPrecondition, "CCGW_CREDENTIALS_REJECTED", "100-020"},
		{gw("100-006"), codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", "100-006"},
		// The gateway may have acted: never a code retry policies resend.
		{gw("100-007"), codes.Unknown, "CCGW_OPERATION_FAILED", "100-007"},
		{gw("106-004"), codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED", "106-004"},
		{gw("106-009"), codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED", "106-009"},
		{gw("000-007"), codes.Aborted, "CCGW_CONCURRENT_OPERATION", "000-007"},
		{gw("000-004"), codes.Unavailable, "CCGW_SWITCHING_OVER", "000-004"},
		{gw("123-456"), codes.Unknown, "CCGW_UNKNOWN_RETCODE", "123-456"},
		{tr(gatewayclient.TransportUnreachable, 0), codes.Unavailable, "GATEWAY_UNAVAILABLE", ""},
		{tr(gatewayclient.TransportTimeout, 0), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportConnectionLost, 0), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportHTTPStatus, 503), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportHTTPStatus, 404), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportBadResponse, 200), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportTooLarge, 200), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportCanceled, 0), codes.Unknown, "GATEWAY_BAD_RESPONSE", ""},
		{fmt.Errorf("wrapped: %w", gw("100-006")), codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", "100-006"},
		{core.ErrNotSignedIn, codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", ""},
		{&core.LostSessionError{Reason: "shutdown"}, codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", ""},
		{core.ErrSessionLost, codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", ""},
		{core.ErrNoSession, codes.NotFound, "SESSION_NOT_FOUND", ""},
		{core.ErrRequestIDReused, codes.InvalidArgument, "REQUEST_ID_REUSED", ""},
		{core.ErrBadCursor, codes.InvalidArgument, "INVALID_CURSOR", ""},
		{core.ErrBadPageToken, codes.InvalidArgument, "INVALID_PAGE_TOKEN", ""},
		{core.ErrAwaitNeedsFeed, codes.InvalidArgument, "AWAIT_NEEDS_SESSION", ""},
		{core.ErrPolledElsewhere, codes.Aborted, "POLLED_BY_OTHER_REPLICA", ""},
		{core.ErrClosed, codes.Unavailable, "SHUTTING_DOWN", ""},
		{&core.SlowSubscriberError{Cursor: "abc"}, codes.ResourceExhausted, "SUBSCRIBER_TOO_SLOW", ""},
		{context.DeadlineExceeded, codes.DeadlineExceeded, "DEADLINE_EXCEEDED", ""},
		{context.Canceled, codes.Canceled, "CANCELLED", ""},
		{errors.New("surprise"), codes.Internal, "INTERNAL", ""},
	}
	for _, tc := range tests {
		t.Run(tc.err.Error(), func(t *testing.T) {
			st := status.Convert(toStatus(context.Background(), slog.New(slog.DiscardHandler), tc.err))
			if st.Code() != tc.code {
				t.Fatalf("code %v, want %v", st.Code(), tc.code)
			}
			info := findInfo(st)
			if info == nil || info.Reason != tc.reason || info.Domain != ErrorDomain {
				t.Fatalf("info %v, want reason %s", info, tc.reason)
			}
			if info.Metadata["retcode"] != tc.retcode {
				t.Fatalf("retcode %q, want %q", info.Metadata["retcode"], tc.retcode)
			}
			// Messages are the table's, written for the caller: no package, operation or agent id.
			for _, internal := range []string{"gatewayclient", "callInnerSkill", "getAgentEvent", "1001", "cause", "gateway words"} {
				if strings.Contains(st.Message(), internal) {
					t.Fatalf("message %q names %q", st.Message(), internal)
				}
			}
			if st.Code() == codes.InvalidArgument && tc.retcode == "" && findBadRequest(st) == nil {
				t.Fatalf("INVALID_ARGUMENT without field violations: %v", st.Details())
			}
		})
	}
}

func TestSlowSubscriberCarriesResumeCursor(t *testing.T) {
	st := status.Convert(toStatus(context.Background(), slog.New(slog.DiscardHandler), &core.SlowSubscriberError{Cursor: "CUR"}))
	if findInfo(st).GetMetadata()["resume_after"] != "CUR" {
		t.Fatalf("details %v", st.Details())
	}
}

// The caller's expired deadline wins over the gateway error it caused.
func TestCallerDeadlineWins(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	err := &gatewayclient.TransportError{Op: "callInnerSkill", Kind: gatewayclient.TransportCanceled, Err: context.DeadlineExceeded}
	if c := status.Code(toStatus(ctx, slog.New(slog.DiscardHandler), err)); c != codes.DeadlineExceeded {
		t.Fatalf("got %v", c)
	}
}

// Unexpected errors are logged in full and reach the client as a generic INTERNAL.
func TestInternalErrorsDoNotLeak(t *testing.T) {
	var logs bytes.Buffer
	err := errors.New("store: dial nats://user:s3cret@10.0.0.1: refused")
	st := status.Convert(toStatus(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)), err))
	if st.Code() != codes.Internal || strings.Contains(st.Message(), "s3cret") || strings.Contains(st.Message(), "nats") {
		t.Fatalf("client sees %v", st)
	}
	if !strings.Contains(logs.String(), "refused") {
		t.Fatal("the cause was not logged")
	}
}

// A status that already is one passes through untouched.
func TestStatusPassesThrough(t *testing.T) {
	in := status.Error(codes.NotFound, "as is")
	if out := toStatus(context.Background(), slog.New(slog.DiscardHandler), in); out != in {
		t.Fatalf("got %v", out)
	}
}

// The gateway's retcode and text reach the client in metadata, not in the message.
func TestGatewayTextInMetadata(t *testing.T) {
	err := &gatewayclient.Error{Op: "transfer", AgentID: "1001", Retcode: "106-005", Message: "target queue busy"}
	st := status.Convert(toStatus(context.Background(), slog.New(slog.DiscardHandler), err))
	md := findInfo(st).GetMetadata()
	if md["retcode"] != "106-005" || md["message"] != "target queue busy" || strings.Contains(st.Message(), "busy") {
		t.Fatalf("message %q metadata %v", st.Message(), md)
	}
	te := &gatewayclient.TransportError{Op: "transfer", Kind: gatewayclient.TransportHTTPStatus, StatusCode: 502, Err: errors.New("x")}
	st = status.Convert(toStatus(context.Background(), slog.New(slog.DiscardHandler), te))
	if findInfo(st).GetMetadata()["http_status"] != "502" || strings.Contains(st.Message(), "502") {
		t.Fatalf("message %q metadata %v", st.Message(), findInfo(st).GetMetadata())
	}
}

// Statuses raised below the handlers get the ErrorInfo of their code's row.
func TestWithErrorInfo(t *testing.T) {
	for _, tc := range []struct {
		in     *status.Status
		reason string
	}{
		{status.New(codes.Unavailable, "grpc: the client connection is closing"), "SHUTTING_DOWN"},
		{status.New(codes.NotFound, "Not Found"), "ROUTE_NOT_FOUND"},
		{status.New(codes.Unauthenticated, "no token"), "UNAUTHENTICATED"},
	} {
		out := withErrorInfo(tc.in)
		if out.Code() != tc.in.Code() || findInfo(out).GetReason() != tc.reason || strings.Contains(out.Message(), "grpc:") {
			t.Errorf("%v -> %v %v", tc.in, out, out.Details())
		}
	}
	already := status.Convert(ruleNotHeld.status(nil))
	if withErrorInfo(already) != already {
		t.Error("a status with an ErrorInfo was rebuilt")
	}
}

func findBadRequest(st *status.Status) *errdetails.BadRequest {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			return br
		}
	}
	return nil
}

func findInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}
