package server

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every error the bridge returns.
const ErrorDomain = "ccgw-bridge"

// toStatus is the one place where errors become gRPC statuses (DESIGN.md, "Error mapping").
// Messages are written for the client; nothing internal (GUIDs, passwords, URLs, stacks) goes
// into them: gateway errors are already free of secrets, and unexpected errors are logged and
// replaced by a generic message.
func toStatus(ctx context.Context, log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	// The caller's own deadline or cancellation wins over whatever it interrupted.
	if ctxErr := ctx.Err(); ctxErr != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isCanceledTransport(err)) {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return status.Error(codes.DeadlineExceeded, "the request's deadline passed before the gateway answered")
		}
		return status.Error(codes.Canceled, "the request was canceled")
	}

	var (
		ge   *gatewayclient.Error
		te   *gatewayclient.TransportError
		lost *core.LostSessionError
		slow *core.SlowSubscriberError
	)
	switch {
	case errors.As(err, &ge):
		return gatewayStatus(ge)
	case errors.As(err, &te):
		return transportStatus(te)
	case errors.As(err, &slow):
		return withInfo(codes.ResourceExhausted, slow.Error(), "SUBSCRIBER_TOO_SLOW",
			map[string]string{"resume_after": slow.Cursor})
	case errors.As(err, &lost):
		return withInfo(codes.FailedPrecondition, lost.Error(), "SESSION_LOST", map[string]string{"lost_reason": lost.Reason})
	case errors.Is(err, core.ErrHeldWithOtherRequest):
		return withInfo(codes.AlreadyExists, err.Error(), "CCGW_ALREADY_SIGNED_IN", nil)
	case errors.Is(err, core.ErrNoSession):
		return withInfo(codes.NotFound, err.Error(), "SESSION_NOT_FOUND", nil)
	case errors.Is(err, core.ErrRequestIDReused):
		return fieldViolation("request_id", err.Error(), "REQUEST_ID_REUSED")
	case errors.Is(err, core.ErrBadCursor):
		return fieldViolation("resume_after", err.Error(), "INVALID_CURSOR")
	case errors.Is(err, core.ErrBadPageToken):
		return fieldViolation("page_token", err.Error(), "INVALID_PAGE_TOKEN")
	case errors.Is(err, errBadPassThroughGUID):
		return fieldViolation(PassThroughGUIDHeader, err.Error(), "INVALID_PASS_THROUGH_GUID")
	case errors.Is(err, core.ErrPassThroughForHeldAgent):
		return withInfo(codes.FailedPrecondition, err.Error(), "PASS_THROUGH_FOR_HELD_AGENT", nil)
	case errors.Is(err, core.ErrAwaitNeedsFeed):
		return withInfo(codes.FailedPrecondition, err.Error(), "AWAIT_NEEDS_SESSION", nil)
	case errors.Is(err, core.ErrPolledElsewhere):
		return withInfo(codes.Aborted, err.Error(), "POLLED_BY_OTHER_REPLICA", nil)
	case errors.Is(err, core.ErrOutcomeUnknown):
		return withInfo(codes.Unknown, err.Error(), "OUTCOME_UNKNOWN", nil)
	case errors.Is(err, core.ErrStoreUnavailable):
		return withInfo(codes.Unavailable, core.ErrStoreUnavailable.Error(), "STORE_UNAVAILABLE", nil)
	case errors.Is(err, core.ErrClosed):
		return withInfo(codes.Unavailable, err.Error(), "SHUTTING_DOWN", nil)
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "canceled")
	}
	log.ErrorContext(ctx, "unexpected error", "err", err)
	return status.Error(codes.Internal, "internal error; the bridge's log has the details")
}

// gatewayStatus maps a CC-Gateway retcode by its kind.
func gatewayStatus(e *gatewayclient.Error) error {
	code, reason := codes.Unknown, "CCGW_UNKNOWN_RETCODE"
	msg := e.Error()
	switch e.Kind() {
	case gatewayclient.KindInvalidParameter:
		code, reason = codes.InvalidArgument, "CCGW_INVALID_PARAMETER"
	case gatewayclient.KindGUIDInvalid:
		code, reason = codes.Unauthenticated, "CCGW_GUID_INVALID"
	case gatewayclient.KindAlreadySignedIn:
		code, reason = codes.AlreadyExists, "CCGW_ALREADY_SIGNED_IN"
		msg += "; set force to take the session over"
	case gatewayclient.KindCredentialsRejected:
		code, reason = codes.PermissionDenied, "CCGW_CREDENTIALS_REJECTED"
	case gatewayclient.KindNotSignedIn:
		code, reason = codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN"
	case gatewayclient.KindOperationFailed:
		code, reason = codes.Unavailable, "CCGW_OPERATION_FAILED"
	case gatewayclient.KindTransferRejected:
		code, reason = codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED"
		if e.Retcode == "106-004" { // the target device type itself was refused
			code = codes.InvalidArgument
		}
	case gatewayclient.KindRepeatedCall, gatewayclient.KindSigningIn:
		code, reason = codes.Aborted, "CCGW_CONCURRENT_OPERATION"
	case gatewayclient.KindStateRejected:
		code, reason = codes.FailedPrecondition, "CCGW_STATE_REJECTED"
	case gatewayclient.KindSwitchingOver:
		code, reason = codes.Unavailable, "CCGW_SWITCHING_OVER"
	case gatewayclient.KindFeatureError:
		code, reason = codes.FailedPrecondition, "CCGW_REJECTED"
	}
	return withInfo(code, msg, reason, map[string]string{"retcode": e.Retcode, "message": e.Message})
}

func transportStatus(e *gatewayclient.TransportError) error {
	reason := "GATEWAY_UNAVAILABLE"
	if e.Kind == gatewayclient.TransportBadResponse || e.Kind == gatewayclient.TransportTooLarge ||
		(e.Kind == gatewayclient.TransportHTTPStatus && e.StatusCode < 500) {
		reason = "GATEWAY_BAD_RESPONSE"
	}
	return withInfo(codes.Unavailable, e.Error(), reason, nil)
}

func isCanceledTransport(err error) bool {
	var te *gatewayclient.TransportError
	return errors.As(err, &te) && te.Kind == gatewayclient.TransportCanceled
}

func withInfo(code codes.Code, msg, reason string, md map[string]string) error {
	st, derr := status.New(code, msg).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain, Metadata: md})
	if derr != nil {
		return status.Error(code, msg)
	}
	return st.Err()
}

func fieldViolation(field, desc, reason string) error {
	st, derr := status.New(codes.InvalidArgument, desc).WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: desc}}},
		&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain},
	)
	if derr != nil {
		return status.Error(codes.InvalidArgument, desc)
	}
	return st.Err()
}
