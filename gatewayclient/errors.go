package gatewayclient

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// ErrInvalidArgument is wrapped by errors for arguments rejected before any
// request is sent (for example an agent id that is not a decimal number).
var ErrInvalidArgument = errors.New("invalid argument")

// ErrNoGUID is wrapped by errors for calls made on a Session that holds no
// GUID (for example one restored from a store with an empty value).
var ErrNoGUID = errors.New("session has no GUID; sign in first")

// Error is a failure reported by the gateway: an answer whose retcode is not
// "0". Message is the gateway's own text with the session's secrets removed.
type Error struct {
	Op      string // gateway log name of the operation, e.g. "callInnerSkill"
	AgentID string
	Retcode string // e.g. "100-006"
	Message string
}

func (e *Error) Error() string {
	return prefix(e.Op, e.AgentID) + e.detail()
}

// detail is the message without the operation prefix; TransportError reuses
// it when an HTTP error status carried a gateway envelope.
func (e *Error) detail() string {
	var b strings.Builder
	b.WriteString("retcode ")
	b.WriteString(e.Retcode)
	if d := Describe(e.Retcode); d != "" {
		b.WriteString(" (")
		b.WriteString(d)
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": gateway says ")
		b.WriteString(strconv.Quote(e.Message))
	}
	return b.String()
}

// Kind classifies the retcode; see the code table behind LookupCode.
func (e *Error) Kind() Kind { return KindOf(e.Retcode) }

// TransportKind says why no usable gateway answer was obtained.
type TransportKind int

const (
	// TransportUnreachable: no connection to the gateway could be made (dial,
	// DNS or TLS handshake failed or timed out), so the request was certainly
	// not sent and the gateway did not act on it.
	TransportUnreachable TransportKind = iota + 1
	// TransportTimeout: the client's own per-call deadline (RequestTimeout or
	// PollTimeout) or a network timeout expired once the request may have
	// been sent: the gateway may have acted.
	TransportTimeout
	// TransportHTTPStatus: the gateway answered with a status other than 200.
	TransportHTTPStatus
	// TransportBadResponse: the body is not the documented JSON envelope.
	TransportBadResponse
	// TransportTooLarge: the body exceeds Config.MaxBodyBytes.
	TransportTooLarge
	// TransportCanceled: the caller's context was canceled or reached its
	// deadline; Err is the context's error.
	TransportCanceled
	// TransportConnectionLost: the connection failed while the request was
	// being sent or its answer read (reset, closed, not HTTP): the gateway may
	// have acted.
	TransportConnectionLost
)

// MaybeActed reports whether the gateway may have received and acted on the
// request: every transport failure except TransportUnreachable. A command
// that failed this way must not be repeated blindly (a second call or
// transfer could follow).
func (k TransportKind) MaybeActed() bool { return k != TransportUnreachable }

func (k TransportKind) String() string {
	switch k {
	case TransportUnreachable:
		return "gateway unreachable"
	case TransportTimeout:
		return "gateway did not answer in time"
	case TransportHTTPStatus:
		return "unexpected HTTP status"
	case TransportBadResponse:
		return "malformed gateway response"
	case TransportTooLarge:
		return "gateway response too large"
	case TransportCanceled:
		return "call abandoned by the caller"
	case TransportConnectionLost:
		return "connection to the gateway lost"
	}
	return "transport failure " + strconv.Itoa(int(k))
}

// TransportError reports that no well-formed gateway answer was obtained.
type TransportError struct {
	Op, AgentID string
	Kind        TransportKind
	StatusCode  int   // HTTP status when a response arrived, else 0
	Err         error // cause; for TransportHTTPStatus possibly an *Error from the body
}

func (e *TransportError) Error() string {
	var b strings.Builder
	b.WriteString(prefix(e.Op, e.AgentID))
	b.WriteString(e.Kind.String())
	if e.Kind == TransportHTTPStatus {
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" ")
			b.WriteString(t)
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		var ge *Error
		if errors.As(e.Err, &ge) {
			b.WriteString(ge.detail())
		} else {
			b.WriteString(e.Err.Error())
		}
	}
	return b.String()
}

func (e *TransportError) Unwrap() error { return e.Err }

// prefix starts every error string. The agent id appears only when it is a valid one (see
// checkAgentID): a caller who swapped arguments could be passing a GUID in its place, and errors
// built before the id is checked must not print it.
func prefix(op, agentID string) string {
	s := "gatewayclient: " + op
	if agentID != "" && checkAgentID(op, agentID) == nil {
		s += " agent " + agentID
	}
	return s + ": "
}

// opaqueError keeps the text of a cause while hiding its chain, so a timeout
// of our own does not satisfy errors.Is(err, context.DeadlineExceeded).
type opaqueError struct{ msg string }

func (e *opaqueError) Error() string { return e.msg }

func kindOfErr(err error) (Kind, bool) {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.Kind(), true
	}
	return KindUnknown, false
}

func hasKind(err error, k Kind) bool {
	got, ok := kindOfErr(err)
	return ok && got == k
}

// IsNotSignedIn reports whether the gateway says the agent is not (or no
// longer) signed in: 100-006, 100-008, or a DR code that demands a new
// sign-in (105-005, 105-007). A poller should stop polling.
func IsNotSignedIn(err error) bool { return hasKind(err, KindNotSignedIn) }

// IsGUIDInvalid reports whether the gateway rejected the GUID (000-003,
// 105-006) or the session had no GUID to send (ErrNoGUID).
func IsGUIDInvalid(err error) bool {
	return errors.Is(err, ErrNoGUID) || hasKind(err, KindGUIDInvalid)
}

// IsAlreadySignedIn reports retcode 100-002 (use ForceSignIn to take over).
func IsAlreadySignedIn(err error) bool { return hasKind(err, KindAlreadySignedIn) }

// IsInvalidParameter reports a parameter the gateway rejected (000-002 and
// the other KindInvalidParameter codes) or one rejected locally before
// sending (ErrInvalidArgument).
func IsInvalidParameter(err error) bool {
	return errors.Is(err, ErrInvalidArgument) || hasKind(err, KindInvalidParameter)
}

// IsCredentialsRejected reports a refused sign-in because of the account:
// wrong password (100-004), locked account (110-016), expired password
// (100-020) or failed uPortal authentication (100-017).
func IsCredentialsRejected(err error) bool { return hasKind(err, KindCredentialsRejected) }

// IsTransferRejected reports a 106-xxx retcode (multimedia call errors,
// chiefly session-transfer rejections).
func IsTransferRejected(err error) bool { return hasKind(err, KindTransferRejected) }

// IsUnknownRetcode reports an *Error whose retcode is not in the code table.
func IsUnknownRetcode(err error) bool { return hasKind(err, KindUnknown) }
