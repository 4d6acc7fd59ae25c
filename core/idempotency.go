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
	c.observeStore(err)
	if err != nil {
		return zero, storeUnavailable(err)
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
	// The owner lease tells replicas waiting on this key that the command is still running; if
	// this process dies, it expires and a waiter records OUTCOME_UNKNOWN. Taking it is best
	// effort: without it a waiter may answer OUTCOME_UNKNOWN early, never send a second call.
	owner := c.opts.ReplicaID + "/" + randomID()
	if l, ok, err := c.acquireHeld(ctx, idemLeaseKey(key), owner, c.opts.LeaseTTL, nil); err == nil && ok {
		defer l.release()
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

func idemLeaseKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return "idem." + hex.EncodeToString(h[:16])
}

// ownerGrace is how old a pending record must be before a waiter asks whether its owner lives:
// the owner takes its lease just after reserving.
const ownerGrace = 2 * time.Second

// waitDone waits for a concurrent first request with the same id to finish. Polling the store
// (rather than an in-process signal) also covers a first request running on another replica.
// If the owner's lease is gone while the record is still pending, the owner died (or could not
// record its outcome): the waiter records OUTCOME_UNKNOWN, so every retry gets that definite
// answer within about LeaseTTL of the owner's death and none sends the command again.
func (c *Core) waitDone(ctx context.Context, key string, rec store.IdemRecord) (store.IdemRecord, error) {
	delay := 5 * time.Millisecond
	var checked time.Time
	for rec.State != store.IdemDone {
		if !sleep(ctx, delay) {
			return rec, ctx.Err()
		}
		delay = min(delay*2, 100*time.Millisecond)
		var err error
		rec, err = c.st.GetRequest(ctx, key)
		c.observeStore(err)
		if err != nil {
			return rec, storeUnavailable(err)
		}
		if rec.State == store.IdemDone || time.Since(rec.CreatedAt) < ownerGrace || time.Since(checked) < c.opts.LeaseTTL/10 {
			continue
		}
		checked = time.Now()
		if err := c.settleOrphan(ctx, key); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// settleOrphan records OUTCOME_UNKNOWN for a pending record whose owner holds no lease.
func (c *Core) settleOrphan(ctx context.Context, key string) error {
	probe := c.opts.ReplicaID + "/probe/" + randomID()
	ok, err := c.st.AcquireLease(ctx, idemLeaseKey(key), probe, c.opts.LeaseTTL)
	c.observeStore(err)
	if err != nil {
		return storeUnavailable(err)
	}
	if !ok {
		return nil // the owner is alive
	}
	blob, err := encodeOutcome(struct{}{}, ErrOutcomeUnknown)
	if err != nil {
		return err
	}
	err = c.st.CompleteRequest(ctx, key, blob)
	c.observeStore(err)
	if err == nil {
		c.log.Warn("a request's first replica stopped before recording its outcome; recorded OUTCOME_UNKNOWN", "key_hash", idemLeaseKey(key))
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = c.st.ReleaseLease(rctx, idemLeaseKey(key), probe)
	if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		return storeUnavailable(err)
	}
	return nil // done by us or, a moment earlier, by the owner: the caller re-reads it
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

var coreErrors = []error{ErrNoSession, ErrNotSignedIn, ErrSessionLost, ErrAwaitNeedsFeed, ErrPassThroughForHeldAgent, ErrClosed, ErrOutcomeUnknown}

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
