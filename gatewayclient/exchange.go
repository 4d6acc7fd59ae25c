package gatewayclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// contentType is sent on every request, body or not, as the gateway demands.
const contentType = "application/json; charset=UTF-8"

const userAgent = "ccgw-bridge-gatewayclient/1"

// request is one gateway operation, fully resolved.
type request struct {
	op      string
	method  string
	agentID string
	path    string   // below the resource prefix, e.g. "onlineagent/1001/sayfree"
	query   string   // raw, already encoded query ("" = none)
	body    []byte   // nil: no body
	sess    *Session // nil for sign-in (no Guid header)
	poll    bool     // PollTimeout instead of RequestTimeout
	secrets []string // extra values to keep out of errors (the password)
}

// decodeFunc interprets a 200 answer. It returns the envelope's retcode and
// message; an error means the body is not the documented shape.
type decodeFunc func(h http.Header, body []byte) (retcode, message string, err error)

// run performs one HTTP call and reports it to OnCall. It returns nil, an
// *Error, a *TransportError, or (before anything is sent) an argument error.
func (c *Client) run(ctx context.Context, r *request, decode decodeFunc) error {
	if err := checkAgentID(r.op, r.agentID); err != nil {
		return err
	}
	var guid, cookie string
	if r.sess != nil {
		guid, cookie = r.sess.credentials()
		if guid == "" {
			return fmt.Errorf("%s%w", prefix(r.op, r.agentID), ErrNoGUID)
		}
		if !validHeaderValue(guid) || !validHeaderValue(cookie) {
			return fmt.Errorf("%s%w: the session's GUID or cookie is not a valid header value", prefix(r.op, r.agentID), ErrInvalidArgument)
		}
	}
	start := time.Now()
	retcode, err := c.exchange(ctx, r, guid, cookie, decode)
	if c.onCall != nil {
		c.onCall(CallInfo{Op: r.op, AgentID: r.agentID, Retcode: retcode, Duration: time.Since(start), Err: err})
	}
	return err
}

func (c *Client) exchange(ctx context.Context, r *request, guid, cookie string, decode decodeFunc) (string, error) {
	timeout := c.reqTimeout
	if r.poll {
		timeout = c.pollTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	u := *c.base
	u.Path += "/" + r.path
	u.RawQuery = r.query
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(callCtx, r.method, u.String(), body)
	if err != nil {
		return "", fmt.Errorf("%s%w: cannot build the request: %v", prefix(r.op, r.agentID), ErrInvalidArgument, err)
	}
	req.Header["Content-Type"] = []string{contentType}
	req.Header["User-Agent"] = []string{userAgent}
	if guid != "" {
		req.Header["Guid"] = []string{guid}
	}
	if cookie != "" {
		req.Header["Cookie"] = []string{cookie}
	}

	conn := &connTrace{}
	req = req.WithContext(httptrace.WithClientTrace(callCtx, conn.trace()))
	resp, err := c.http.Do(req)
	if err != nil {
		return "", c.failure(ctx, callCtx, r, timeout, err, "sending the request", conn.notSent(err))
	}
	defer resp.Body.Close()
	if r.sess != nil {
		r.sess.adopt(resp.Header)
	}

	// What to scrub from gateway text; gathered only when an error is built, not on every poll.
	secretsOf := func() secrets {
		var sec secrets
		sec.add(guid)
		sec.addCookie(cookie)
		sec.add(r.secrets...)
		for _, v := range resp.Header.Values("Set-GUID") {
			sec.add(ParseSetGUID(v))
		}
		sec.addCookie(cookieHeader(resp.Header))
		return sec
	}

	data, err := c.readBody(resp)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return "", &TransportError{Op: r.op, AgentID: r.agentID, Kind: TransportTooLarge, StatusCode: resp.StatusCode,
				Err: fmt.Errorf("body exceeds the %d byte limit", c.maxBody)}
		}
		te := c.failure(ctx, callCtx, r, timeout, err, "reading the response", false)
		te.StatusCode = resp.StatusCode
		return "", te
	}
	if resp.StatusCode != http.StatusOK {
		return "", &TransportError{Op: r.op, AgentID: r.agentID, Kind: TransportHTTPStatus, StatusCode: resp.StatusCode,
			Err: statusCause(r, data, secretsOf())}
	}
	retcode, msg, err := decode(resp.Header, data)
	if err != nil {
		return "", &TransportError{Op: r.op, AgentID: r.agentID, Kind: TransportBadResponse, StatusCode: resp.StatusCode, Err: err}
	}
	if !validRetcode(retcode) {
		// The retcode goes into error strings and metric labels: text that is not shaped like a
		// code (it could echo a credential, or be unbounded junk) makes the answer malformed.
		return "", &TransportError{Op: r.op, AgentID: r.agentID, Kind: TransportBadResponse, StatusCode: resp.StatusCode,
			Err: errors.New("retcode is not a short code of letters, digits and dashes")}
	}
	if retcode != "0" {
		return retcode, &Error{Op: r.op, AgentID: r.agentID, Retcode: retcode, Message: sanitizeMessage(msg, secretsOf())}
	}
	return retcode, nil
}

var errTooLarge = errors.New("response body too large")

// validRetcode accepts what a retcode looks like ("0", "100-006"): 1 to 16 letters, digits and
// dashes.
func validRetcode(rc string) bool {
	if rc == "" || len(rc) > 16 {
		return false
	}
	for i := 0; i < len(rc); i++ {
		c := rc[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > c.maxBody {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > c.maxBody {
		return nil, errTooLarge
	}
	return data, nil
}

// statusCause keeps the gateway's business error when a non-200 answer still
// carries an envelope (whether real gateways do this is unconfirmed), so
// IsGUIDInvalid and friends keep working through the TransportError.
func statusCause(r *request, data []byte, sec secrets) error {
	env, rc, err := decodeEnvelope(data)
	if err != nil || rc == "0" {
		return nil
	}
	return &Error{Op: r.op, AgentID: r.agentID, Retcode: rc, Message: sanitizeMessage(string(env.Message), sec)}
}

// failure classifies an error of the HTTP exchange. The caller's context
// ending wins; then a failure to connect at all (notSent: nothing reached the
// gateway); then our own deadline or a network timeout; the rest means the
// connection broke once the request may have been sent.
func (c *Client) failure(parent, callCtx context.Context, r *request, timeout time.Duration, err error, stage string, notSent bool) *TransportError {
	te := &TransportError{Op: r.op, AgentID: r.agentID}
	var ne net.Error
	switch {
	case parent.Err() != nil:
		te.Kind, te.Err = TransportCanceled, parent.Err()
	case notSent:
		te.Kind = TransportUnreachable
		te.Err = fmt.Errorf("connecting: %w", err)
	case callCtx.Err() != nil:
		te.Kind = TransportTimeout
		te.Err = &opaqueError{fmt.Sprintf("%s: no answer within %s", stage, timeout)}
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		te.Kind = TransportTimeout
		te.Err = &opaqueError{stage + ": " + err.Error()}
	default:
		te.Kind = TransportConnectionLost
		te.Err = fmt.Errorf("%s: %w", stage, err)
	}
	return te
}

// connTrace records whether a request got as far as a connection. Whether
// the gateway may have acted decides which errors a client may retry, so
// "not sent" needs positive evidence: the transport asked for a connection
// and never got one, or the error is a failed dial. A transport that reports
// nothing to the trace (a custom HTTPClient) leaves every other failure as
// "maybe sent".
type connTrace struct {
	asked, got atomic.Bool
}

func (t *connTrace) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) { t.asked.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { t.got.Store(true) },
	}
}

func (t *connTrace) notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return t.asked.Load() && !t.got.Load()
}

// checkAgentID rejects ids that are not a decimal work number; the id goes
// into the URL path, so anything else could address another resource.
func checkAgentID(op, id string) error {
	if id == "" || len(id) > 16 {
		return fmt.Errorf("%s%w: agent id must be 1 to 16 decimal digits", prefix(op, ""), ErrInvalidArgument)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			// The id is not echoed: a caller who swapped arguments could be
			// passing a GUID here.
			return fmt.Errorf("%s%w: agent id is not a decimal number", prefix(op, ""), ErrInvalidArgument)
		}
	}
	return nil
}
