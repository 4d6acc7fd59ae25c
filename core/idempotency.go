package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// idempotent runs a command at most once per (operation, agent, request id) within the TTL.
// Without a request id it simply runs. With one, the first caller reserves the id and runs the
// command on a context detached from its own cancellation (bounded by the gateway client's
// request timeout), so the outcome is known and recorded even if that caller gives up; repeats
// wait for and return the recorded outcome, errors included.
// The payload fingerprint is computed only when there is a request id to check it against.
func idempotent[T any](ctx context.Context, c *Core, op, agentID, requestID string, fingerprintOf func() string, run func(cmdCtx context.Context) (T, error)) (T, error) {
	var zero T
	if requestID == "" {
		return run(ctx)
	}
	fp := fingerprintOf()
	key := op + "/" + agentID + "/" + requestID
	rec, created, err := c.st.ReserveRequest(ctx, key, fp, c.opts.IdempotencyTTL)
	if err != nil {
		return zero, err
	}
	if !created {
		if rec.Fingerprint != fp {
			return zero, ErrRequestIDReused
		}
		if rec, err = c.waitDone(ctx, key, rec); err != nil {
			return zero, err
		}
		return decodeOutcome[T](rec.Result)
	}
	res, runErr := run(context.WithoutCancel(ctx))
	blob, err := encodeOutcome(res, runErr)
	if err == nil {
		saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		err = c.st.CompleteRequest(saveCtx, key, blob)
		cancel()
	}
	if err != nil {
		c.log.Error("recording an idempotent outcome", "op", op, "agent", agentID, "err", err)
	}
	return res, runErr
}

// waitDone waits for a concurrent first request with the same id to finish. Polling the store
// (rather than an in-process signal) also covers a first request running on another replica.
func (c *Core) waitDone(ctx context.Context, key string, rec store.IdemRecord) (store.IdemRecord, error) {
	delay := 5 * time.Millisecond
	for rec.State != store.IdemDone {
		if !sleep(ctx, delay) {
			return rec, ctx.Err()
		}
		delay = min(delay*2, 100*time.Millisecond)
		var err error
		if rec, err = c.st.GetRequest(ctx, key); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// outcome is the stored form of a command's result: either the value or a description of the
// error from which an equivalent error is rebuilt on replay.
type outcome[T any] struct {
	Value *T        `json:"value,omitempty"`
	Err   *errorRec `json:"err,omitempty"`
}

type errorRec struct {
	Kind          string `json:"kind"` // "gateway", "transport", "core"
	Op            string `json:"op,omitempty"`
	AgentID       string `json:"agent,omitempty"`
	Retcode       string `json:"retcode,omitempty"`
	Message       string `json:"message,omitempty"`
	TransportKind int    `json:"transport_kind,omitempty"`
	StatusCode    int    `json:"status,omitempty"`
}

var coreErrors = []error{ErrNoSession, ErrNotSignedIn, ErrSessionLost, ErrAwaitNeedsFeed, ErrPassThroughForHeldAgent, ErrClosed}

func encodeOutcome[T any](v T, err error) ([]byte, error) {
	if err == nil {
		return json.Marshal(outcome[T]{Value: &v})
	}
	var ge *gatewayclient.Error
	var te *gatewayclient.TransportError
	var le *LostSessionError
	rec := &errorRec{Kind: "core", Message: err.Error()}
	switch {
	case errors.As(err, &le):
		rec = &errorRec{Kind: "lost", Message: le.Reason}
	case errors.As(err, &ge):
		rec = &errorRec{Kind: "gateway", Op: ge.Op, AgentID: ge.AgentID, Retcode: ge.Retcode, Message: ge.Message}
	case errors.As(err, &te):
		rec = &errorRec{Kind: "transport", Op: te.Op, AgentID: te.AgentID, TransportKind: int(te.Kind),
			StatusCode: te.StatusCode, Message: te.Error()}
	}
	return json.Marshal(outcome[T]{Err: rec})
}

func decodeOutcome[T any](b []byte) (T, error) {
	var zero T
	var o outcome[T]
	if err := json.Unmarshal(b, &o); err != nil {
		return zero, err
	}
	if o.Err == nil {
		if o.Value == nil {
			return zero, errors.New("core: empty stored outcome")
		}
		return *o.Value, nil
	}
	switch o.Err.Kind {
	case "lost":
		return zero, &LostSessionError{Reason: o.Err.Message}
	case "gateway":
		return zero, &gatewayclient.Error{Op: o.Err.Op, AgentID: o.Err.AgentID, Retcode: o.Err.Retcode, Message: o.Err.Message}
	case "transport":
		return zero, &gatewayclient.TransportError{Op: o.Err.Op, AgentID: o.Err.AgentID,
			Kind: gatewayclient.TransportKind(o.Err.TransportKind), StatusCode: o.Err.StatusCode, Err: errors.New(o.Err.Message)}
	}
	for _, e := range coreErrors {
		if o.Err.Message == e.Error() {
			return zero, e
		}
	}
	return zero, errors.New(o.Err.Message)
}
