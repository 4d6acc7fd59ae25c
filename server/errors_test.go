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
		{gw("000-003"), codes.Unauthenticated, "CCGW_GUID_INVALID", "000-003"},
		{gw("100-002"), codes.AlreadyExists, "CCGW_ALREADY_SIGNED_IN", "100-002"},
		{gw("100-004"), codes.PermissionDenied, "CCGW_CREDENTIALS_REJECTED", "100-004"},
		{gw("110-016"), codes.PermissionDenied, "CCGW_CREDENTIALS_REJECTED", "110-016"},
		{gw("100-020"), codes.PermissionDenied, "CCGW_CREDENTIALS_REJECTED", "100-020"},
		{gw("100-006"), codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", "100-006"},
		{gw("100-007"), codes.Unavailable, "CCGW_OPERATION_FAILED", "100-007"},
		{gw("106-004"), codes.InvalidArgument, "CCGW_TRANSFER_REJECTED", "106-004"},
		{gw("106-009"), codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED", "106-009"},
		{gw("000-007"), codes.Aborted, "CCGW_CONCURRENT_OPERATION", "000-007"},
		{gw("123-456"), codes.Unknown, "CCGW_UNKNOWN_RETCODE", "123-456"},
		{tr(gatewayclient.TransportUnreachable, 0), codes.Unavailable, "GATEWAY_UNAVAILABLE", ""},
		{tr(gatewayclient.TransportTimeout, 0), codes.Unavailable, "GATEWAY_UNAVAILABLE", ""},
		{tr(gatewayclient.TransportHTTPStatus, 503), codes.Unavailable, "GATEWAY_UNAVAILABLE", ""},
		{tr(gatewayclient.TransportHTTPStatus, 404), codes.Unavailable, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportBadResponse, 200), codes.Unavailable, "GATEWAY_BAD_RESPONSE", ""},
		{tr(gatewayclient.TransportTooLarge, 200), codes.Unavailable, "GATEWAY_BAD_RESPONSE", ""},
		{fmt.Errorf("wrapped: %w", gw("100-006")), codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN", "100-006"},
		{core.ErrNoSession, codes.NotFound, "SESSION_NOT_FOUND", ""},
		{&core.LostSessionError{Reason: "shutdown"}, codes.FailedPrecondition, "SESSION_LOST", ""},
		{core.ErrRequestIDReused, codes.InvalidArgument, "REQUEST_ID_REUSED", ""},
		{core.ErrBadCursor, codes.InvalidArgument, "INVALID_CURSOR", ""},
		{core.ErrBadPageToken, codes.InvalidArgument, "INVALID_PAGE_TOKEN", ""},
		{core.ErrAwaitNeedsFeed, codes.FailedPrecondition, "AWAIT_NEEDS_SESSION", ""},
		{core.ErrPolledElsewhere, codes.Aborted, "POLLED_BY_OTHER_REPLICA", ""},
		{core.ErrClosed, codes.Unavailable, "SHUTTING_DOWN", ""},
		{&core.SlowSubscriberError{Cursor: "abc"}, codes.ResourceExhausted, "SUBSCRIBER_TOO_SLOW", ""},
		{context.DeadlineExceeded, codes.DeadlineExceeded, "", ""},
		{context.Canceled, codes.Canceled, "", ""},
		{status.Error(codes.NotFound, "as is"), codes.NotFound, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.err.Error(), func(t *testing.T) {
			st := status.Convert(toStatus(context.Background(), slog.New(slog.DiscardHandler), tc.err))
			if st.Code() != tc.code {
				t.Fatalf("code %v, want %v", st.Code(), tc.code)
			}
			info := findInfo(st)
			if tc.reason == "" {
				return
			}
			if info == nil || info.Reason != tc.reason || info.Domain != ErrorDomain {
				t.Fatalf("info %v, want reason %s", info, tc.reason)
			}
			if info.Metadata["retcode"] != tc.retcode {
				t.Fatalf("retcode %q, want %q", info.Metadata["retcode"], tc.retcode)
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

func findInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}
