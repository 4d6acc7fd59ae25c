package nats

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// JetStream API error codes of a cluster that cannot place a replicated asset yet: the meta
// leader does not know enough peers (10005, "no suitable peers for placement"), or JetStream is
// still electing (10008, "JetStream system temporarily unavailable"). nats.go names neither.
const (
	errCodeNoSuitablePeers jetstream.ErrorCode = 10005
	errCodeClusterNotAvail jetstream.ErrorCode = 10008
)

// placementWait bounds how long Open waits for a forming cluster.
const placementWait = 30 * time.Second

// untilPlaced runs create until the cluster can place what it creates. A bridge started together
// with its NATS cluster (a fresh deployment, a whole-site restart) asks while the nodes are still
// finding each other; it should wait that out, within placementWait and ctx, not fail to start.
// Each attempt gets its own attempt timeout: a request sent while the cluster has no meta leader
// is never answered, and would otherwise hold the whole of ctx.
func untilPlaced[T any](ctx context.Context, attempt time.Duration, create func(context.Context) (T, error)) (T, error) {
	deadline := time.Now().Add(placementWait)
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		actx, cancel := context.WithTimeout(ctx, attempt)
		v, err := create(actx)
		cancel()
		if err == nil || !notPlacedYet(ctx, err) || time.Now().Add(delay).After(deadline) {
			return v, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
	}
}

// notPlacedYet: the cluster answered that it cannot place the asset yet, or did not answer within
// the request timeout while the caller's context is still alive (a cluster without a meta leader
// does not answer). Creating the stream and buckets is idempotent, so asking again is safe.
func notPlacedYet(ctx context.Context, err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode == errCodeNoSuitablePeers || apiErr.ErrorCode == errCodeClusterNotAvail
	}
	return errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil
}
