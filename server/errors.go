package server

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every error the bridge returns.
const ErrorDomain = "ccgw-bridge"

// toStatus is the one place where errors become gRPC statuses, by the rows of the error table
// (errtable.go). Messages are the rows' own, written for the caller: the text of the error
// itself (gatewayclient's, with operation names and agent ids) never reaches a client. What the
// gateway said goes into ErrorInfo metadata, already scrubbed of secrets by gatewayclient.
// Unexpected errors are logged and answered with a generic INTERNAL.
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
			return ruleDeadline.status(nil)
		}
		return ruleCanceled.status(nil)
	}

	var (
		ge   *gatewayclient.Error
		te   *gatewayclient.TransportError
		lost *core.LostSessionError
		slow *core.SlowSubscriberError
	)
	switch {
	case errors.As(err, &ge):
		return gatewayRule(ge.Kind()).status(gatewayMetadata(ge))
	case errors.As(err, &te):
		return transportRule(te.Kind).status(transportMetadata(te))
	case errors.As(err, &slow):
		return ruleSlowSubscriber.status(map[string]string{"resume_after": slow.Cursor})
	case errors.As(err, &lost):
		return ruleSessionLost.status(map[string]string{"session_state": "SESSION_STATE_LOST", "lost_reason": lost.Reason})
	case errors.Is(err, core.ErrSessionLost):
		return ruleSessionLost.status(map[string]string{"session_state": "SESSION_STATE_LOST"})
	case errors.Is(err, core.ErrNotSignedIn):
		return ruleNotHeld.status(nil)
	case errors.Is(err, core.ErrHeldWithOtherRequest):
		return ruleHeldOtherRequest.status(nil)
	case errors.Is(err, core.ErrNoSession):
		return ruleNoSession.status(nil)
	case errors.Is(err, core.ErrRequestIDReused):
		return ruleRequestIDReused.status(nil, violation("request_id", ruleRequestIDReused.message))
	case errors.Is(err, core.ErrBadCursor):
		return ruleBadCursor.status(nil, violation("resume_after", ruleBadCursor.message))
	case errors.Is(err, core.ErrBadPageToken):
		return ruleBadPageToken.status(nil, violation("page_token", ruleBadPageToken.message))
	case errors.Is(err, errBadPassThroughGUID):
		return invalidRequest(fieldViolations{fieldViolation(PassThroughGUIDHeader, errBadPassThroughGUID.Error())})
	case errors.Is(err, core.ErrPassThroughForHeldAgent):
		return rulePassThroughHeld.status(nil)
	case errors.Is(err, core.ErrAwaitNeedsFeed):
		return ruleAwaitNeedsSession.status(nil, violation("await_outcome", ruleAwaitNeedsSession.message))
	case errors.Is(err, core.ErrPolledElsewhere):
		return rulePolledElsewhere.status(nil)
	case errors.Is(err, core.ErrClosed):
		return ruleShuttingDown.status(nil)
	case errors.Is(err, context.DeadlineExceeded):
		return ruleDeadline.status(nil)
	case errors.Is(err, context.Canceled):
		return ruleCanceled.status(nil)
	}
	log.ErrorContext(ctx, "unexpected error", "err", err)
	return ruleInternal.status(nil)
}

// gatewayMetadata is what a client may learn of a gateway refusal: the retcode and the gateway's
// own text (gatewayclient removed the session's GUID, cookie and password from it).
func gatewayMetadata(e *gatewayclient.Error) map[string]string {
	md := map[string]string{"retcode": e.Retcode}
	if e.Message != "" {
		md["message"] = e.Message
	}
	return md
}

func transportMetadata(e *gatewayclient.TransportError) map[string]string {
	if e.StatusCode == 0 {
		return nil
	}
	return map[string]string{"http_status": strconv.Itoa(e.StatusCode)}
}

func isCanceledTransport(err error) bool {
	var te *gatewayclient.TransportError
	return errors.As(err, &te) && te.Kind == gatewayclient.TransportCanceled
}

// status builds the rule's status: its code and message, an ErrorInfo with the rule's reason and
// md, then any further details (field violations first, so clients that read only the first
// detail of an INVALID_ARGUMENT find them).
func (r errorRule) status(md map[string]string, details ...protoadapt.MessageV1) error {
	return r.statusWithMessage(r.message, md, details...)
}

func (r errorRule) statusWithMessage(msg string, md map[string]string, details ...protoadapt.MessageV1) error {
	all := append(details, &errdetails.ErrorInfo{Reason: r.reason, Domain: ErrorDomain, Metadata: md})
	st, err := status.New(r.code, msg).WithDetails(all...)
	if err != nil { // only for a detail that cannot be marshalled, which ours always can
		return status.Error(r.code, msg)
	}
	return st.Err()
}

// violation is a google.rpc.BadRequest naming one field (by its proto name; "" for the request
// as a whole).
func violation(field, desc string) *errdetails.BadRequest {
	return &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: desc}}}
}

// invalidRequest answers a request that breaks the contract (a validation rule, a malformed
// body or value, an unknown field): INVALID_ARGUMENT, reason INVALID_REQUEST, one BadRequest
// field violation per problem, then any extra details (buf.validate.Violations).
func invalidRequest(violations []*errdetails.BadRequest_FieldViolation, extra ...protoadapt.MessageV1) error {
	msg := ruleInvalidRequest.message
	if len(violations) > 0 {
		v := violations[0]
		msg = "invalid request: "
		if v.GetField() != "" {
			msg += v.GetField() + ": "
		}
		msg += v.GetDescription()
		if n := len(violations) - 1; n > 0 {
			msg += " (and " + strconv.Itoa(n) + " more; see the details)"
		}
	}
	details := append([]protoadapt.MessageV1{&errdetails.BadRequest{FieldViolations: violations}}, extra...)
	return ruleInvalidRequest.statusWithMessage(msg, nil, details...)
}

// withErrorInfo returns st when it already carries an ErrorInfo. Otherwise st was raised by gRPC
// or grpc-gateway themselves, not by toStatus (a closing connection at shutdown, an unknown REST
// path, a deadline that passed before the handler ran): it gets the ErrorInfo and message of the
// table's row for its code, or, for a code without a row, an ErrorInfo whose reason is the code's
// name and its own message.
func withErrorInfo(st *status.Status) *status.Status {
	if st.Code() == codes.OK || findErrorInfo(st) != nil {
		return st
	}
	r, ok := ruleForCode[st.Code()]
	if !ok {
		r = errorRule{code: st.Code(), reason: code.Code_name[int32(st.Code())], message: st.Message()}
	}
	details := make([]protoadapt.MessageV1, 0, len(st.Details())+1)
	for _, d := range st.Details() {
		if m, ok := d.(protoadapt.MessageV1); ok {
			details = append(details, m)
		}
	}
	return status.Convert(r.status(nil, details...))
}

func findErrorInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}
