package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// The error table: every error a client can receive, as a gRPC code, an ErrorInfo reason and a
// message written for the caller. toStatus answers by these rows and nothing else, and the
// README's table is generated from them (TestREADMEErrorTable keeps the two identical).
//
// The rule behind the codes: a code that gRPC retry policies and careful clients resend
// (UNAVAILABLE, and RESOURCE_EXHAUSTED where a client may retry) appears only where the gateway
// certainly did not act, because a resent command places a second call or transfer. Where the
// gateway may have acted, the code is UNKNOWN. UNAUTHENTICATED and PERMISSION_DENIED belong to
// the bridge's own callers and never describe a gateway answer: a client that refreshes its token
// and retries on them would otherwise send a command twice.
type errorRule struct {
	code    codes.Code
	reason  string
	message string
	// condition says when the row applies, for the README.
	condition string
}

// restStatus is the HTTP status a REST client receives for the row: grpc-gateway's for the code,
// except 405 for a known path with the wrong method (UNIMPLEMENTED alone would give 501).
func (r errorRule) restStatus() int {
	if r.reason == ruleMethodNotAllowed.reason {
		return http.StatusMethodNotAllowed
	}
	return runtime.HTTPStatusFromCode(r.code)
}

// gatewayRules maps each kind of gateway retcode (gatewayclient's classification of the
// protocol reference's code table) to its row. Metadata: retcode, and message when the gateway
// sent one.
var gatewayRules = map[gatewayclient.Kind]errorRule{
	gatewayclient.KindInvalidParameter: {codes.InvalidArgument, "CCGW_INVALID_PARAMETER",
		"the CC-Gateway refused a parameter of the request", ""},
	gatewayclient.KindGUIDInvalid: {codes.FailedPrecondition, "CCGW_GUID_INVALID",
		"the CC-Gateway no longer accepts the agent's session; sign the agent in again", ""},
	gatewayclient.KindAlreadySignedIn: {codes.AlreadyExists, "CCGW_ALREADY_SIGNED_IN",
		"the agent is already signed in at the CC-Gateway; set force to take the session over", ""},
	gatewayclient.KindCredentialsRejected: {codes.FailedPrecondition, "CCGW_CREDENTIALS_REJECTED",
		"the CC-Gateway refused the agent's credentials (wrong or expired password, or a locked account)", ""},
	gatewayclient.KindNotSignedIn: {codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN",
		"the agent is not signed in at the CC-Gateway; sign it in again", ""},
	gatewayclient.KindOperationFailed: {codes.Unknown, "CCGW_OPERATION_FAILED",
		"the CC-Gateway failed while carrying out the operation and may have done it; check the agent's events before repeating it", ""},
	gatewayclient.KindTransferRejected: {codes.FailedPrecondition, "CCGW_TRANSFER_REJECTED",
		"the CC-Gateway refused the multimedia operation", ""},
	gatewayclient.KindRepeatedCall: ruleConcurrent,
	gatewayclient.KindSigningIn:    ruleConcurrent,
	gatewayclient.KindStateRejected: {codes.FailedPrecondition, "CCGW_STATE_REJECTED",
		"the agent's current state does not allow this operation", ""},
	gatewayclient.KindSwitchingOver: {codes.Unavailable, "CCGW_SWITCHING_OVER",
		"the agent is being moved between CC-Gateway nodes and the operation was not done; try again shortly", ""},
	gatewayclient.KindFeatureError: {codes.FailedPrecondition, "CCGW_REJECTED",
		"the CC-Gateway refused the operation", ""},
	gatewayclient.KindUnknown: {codes.Unknown, "CCGW_UNKNOWN_RETCODE",
		"the CC-Gateway answered with an error code the bridge does not know; it may have acted", ""},
}

// ruleConcurrent: the gateway refused the request because another one for the agent is pending;
// it did not act on this one.
var ruleConcurrent = errorRule{codes.Aborted, "CCGW_CONCURRENT_OPERATION",
	"another operation for this agent is still in progress at the CC-Gateway; try again when it has finished", ""}

// gatewayRule returns the row of a retcode kind; a kind without a row is treated as unknown.
func gatewayRule(k gatewayclient.Kind) errorRule {
	if r, ok := gatewayRules[k]; ok {
		return r
	}
	return gatewayRules[gatewayclient.KindUnknown]
}

// Rows for failures to get an answer from the gateway. Metadata: http_status when the gateway
// answered with a status other than 200.
var (
	ruleGatewayUnreachable = errorRule{codes.Unavailable, "GATEWAY_UNAVAILABLE",
		"the CC-Gateway could not be reached and the request was not sent; it is safe to retry",
		"gateway unreachable: no connection could be made, so nothing was sent"}
	ruleGatewayNoAnswer = errorRule{codes.Unknown, "GATEWAY_BAD_RESPONSE",
		"the request was sent to the CC-Gateway but no usable answer came back; the gateway may have acted, so check the agent's events before repeating it",
		"request sent, answer lost: timeout, broken connection, HTTP status other than 200, malformed or oversized body"}
)

func transportRule(k gatewayclient.TransportKind) errorRule {
	if k.MaybeActed() {
		return ruleGatewayNoAnswer
	}
	return ruleGatewayUnreachable
}

// Rows for conditions the bridge itself finds.
var (
	ruleNotHeld = errorRule{codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN",
		"the agent is not signed in through this bridge; call SignIn first",
		"command for an agent the bridge holds no session for"}
	ruleSessionLost = errorRule{codes.FailedPrecondition, "CCGW_AGENT_NOT_SIGNED_IN",
		"the agent's session was lost (see lost_reason); call SignIn again",
		"command for an agent whose session is LOST (metadata `session_state` SESSION_STATE_LOST, `lost_reason`)"}
	ruleNoSession = errorRule{codes.NotFound, "SESSION_NOT_FOUND",
		"the bridge holds no session for this agent",
		"GetSession or SignOut of an agent the bridge holds no session for"}
	ruleInvalidRequest = errorRule{codes.InvalidArgument, "INVALID_REQUEST",
		"invalid request; the details name the fields",
		"request breaks a rule of the contract, is not valid JSON or protobuf, has a value of the wrong type, an unknown field or enum name, or text that is not UTF-8 (with google.rpc.BadRequest field violations)"}
	ruleRequestIDReused = errorRule{codes.InvalidArgument, "REQUEST_ID_REUSED",
		"request_id was already used with a different request",
		"request_id reused with a different payload (with a field violation)"}
	ruleBadCursor = errorRule{codes.InvalidArgument, "INVALID_CURSOR",
		"resume_after is not a cursor issued by this bridge",
		"resume_after is not a cursor this bridge issued (with a field violation)"}
	ruleBadPageToken = errorRule{codes.InvalidArgument, "INVALID_PAGE_TOKEN",
		"page_token is not a token issued by this bridge",
		"page_token is not a token this bridge issued (with a field violation)"}
	ruleAwaitNeedsSession = errorRule{codes.InvalidArgument, "AWAIT_NEEDS_SESSION",
		"await_outcome needs a session held by the bridge; a pass-through call has no event feed",
		"await_outcome on a pass-through call (with a field violation)"}
	ruleHeldOtherRequest = errorRule{codes.AlreadyExists, "CCGW_ALREADY_SIGNED_IN",
		"the bridge already holds a session for this agent, started by a different request; set force to replace it",
		"SignIn without force of an agent the bridge holds, with another request than the one that started its session"}
	rulePassThroughHeld = errorRule{codes.FailedPrecondition, "PASS_THROUGH_FOR_HELD_AGENT",
		"x-ccgw-guid pass-through is only for agents whose session the bridge does not hold; leave the GUID out",
		"x-ccgw-guid pass-through for an agent the bridge holds a session for (nothing is sent)"}
	rulePolledElsewhere = errorRule{codes.Aborted, "POLLED_BY_OTHER_REPLICA",
		"another bridge replica is polling this agent; try again",
		"another replica holds the agent's poller"}
	ruleSlowSubscriber = errorRule{codes.ResourceExhausted, "SUBSCRIBER_TOO_SLOW",
		"the stream fell too far behind and was ended; resume from resume_after",
		"an event stream fell more than the subscriber buffer behind (metadata `resume_after`: the last cursor sent)"}
	ruleShuttingDown = errorRule{codes.Unavailable, "SHUTTING_DOWN",
		"the bridge is shutting down; retry on another replica or after the restart (streams: resume from the last cursor)",
		"the bridge is shutting down; nothing was sent to the gateway"}
	ruleDeadline = errorRule{codes.DeadlineExceeded, "DEADLINE_EXCEEDED",
		"the request's deadline passed before it completed; a command may have reached the CC-Gateway",
		"the caller's deadline passed"}
	ruleCanceled = errorRule{codes.Canceled, "CANCELLED",
		"the request was canceled",
		"the caller canceled the request"}
	ruleRouteNotFound = errorRule{codes.NotFound, "ROUTE_NOT_FOUND",
		"no REST route matches this path",
		"REST: no route for the path"}
	ruleMethodNotAllowed = errorRule{codes.Unimplemented, "METHOD_NOT_ALLOWED",
		"this REST path does not accept this HTTP method",
		"REST: the path exists for another HTTP method"}
	ruleTooLarge = errorRule{codes.ResourceExhausted, "MESSAGE_TOO_LARGE",
		"a message was larger than the bridge accepts",
		"a request or response over the size limit"}
	ruleInternal = errorRule{codes.Internal, "INTERNAL",
		"internal error; the bridge's log has the details",
		"a bug or an unexpected failure inside the bridge (the log has the details)"}
)

// bridgeRules lists the rows not tied to a retcode, in the README's order.
var bridgeRules = []errorRule{
	ruleGatewayUnreachable, ruleGatewayNoAnswer,
	ruleNotHeld, ruleSessionLost, ruleNoSession,
	ruleHeldOtherRequest, rulePassThroughHeld,
	ruleInvalidRequest, ruleRequestIDReused, ruleBadCursor, ruleBadPageToken, ruleAwaitNeedsSession,
	rulePolledElsewhere, ruleSlowSubscriber, ruleShuttingDown, ruleDeadline, ruleCanceled,
	ruleRouteNotFound, ruleMethodNotAllowed, ruleTooLarge, ruleInternal,
}

// ruleForCode is the row of a status raised below the bridge's handlers (by gRPC or
// grpc-gateway), chosen by its code: see withErrorInfo.
var ruleForCode = map[codes.Code]errorRule{
	codes.InvalidArgument:   ruleInvalidRequest,
	codes.Unavailable:       ruleShuttingDown,
	codes.DeadlineExceeded:  ruleDeadline,
	codes.Canceled:          ruleCanceled,
	codes.NotFound:          ruleRouteNotFound,
	codes.Unimplemented:     ruleMethodNotAllowed,
	codes.ResourceExhausted: ruleTooLarge,
	codes.Internal:          ruleInternal,
}

// gatewayKindOrder is the order of the retcode rows in the README.
var gatewayKindOrder = []gatewayclient.Kind{
	gatewayclient.KindInvalidParameter, gatewayclient.KindGUIDInvalid, gatewayclient.KindAlreadySignedIn,
	gatewayclient.KindCredentialsRejected, gatewayclient.KindNotSignedIn, gatewayclient.KindOperationFailed,
	gatewayclient.KindTransferRejected, gatewayclient.KindRepeatedCall, gatewayclient.KindSigningIn,
	gatewayclient.KindStateRejected, gatewayclient.KindSwitchingOver, gatewayclient.KindFeatureError,
	gatewayclient.KindUnknown,
}

// ErrorTableMarkdown renders the error table as the README prints it: one row per kind of
// gateway retcode (listing the retcodes of the protocol reference that fall under it), then one
// row per condition the bridge finds itself.
func ErrorTableMarkdown() string {
	byKind := map[gatewayclient.Kind][]string{}
	for _, c := range gatewayclient.Codes() {
		byKind[c.Kind] = append(byKind[c.Kind], c.Retcode)
	}
	var b strings.Builder
	b.WriteString("| Retcode / condition | gRPC code | HTTP | ErrorInfo reason |\n|---|---|---|---|\n")
	row := func(cond string, r errorRule) {
		fmt.Fprintf(&b, "| %s | `%s` | %d | `%s` |\n", cond, code.Code_name[int32(r.code)], r.restStatus(), r.reason)
	}
	for _, k := range gatewayKindOrder {
		rcs := byKind[k]
		if k == gatewayclient.KindTransferRejected {
			rcs = append(rcs, "any other 106-xxx")
		}
		if k == gatewayclient.KindUnknown {
			rcs = append(rcs, "any retcode not listed here")
		}
		row(k.String()+": "+strings.Join(rcs, ", "), gatewayRules[k])
	}
	for _, r := range bridgeRules {
		row(r.condition, r)
	}
	return b.String()
}
