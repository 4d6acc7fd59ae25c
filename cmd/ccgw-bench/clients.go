package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// pollPause is what both the bridge (its -poll-pause default) and the bench's direct pollers
// wait after an empty poll, so the two paths poll the simulator alike.
const pollPause = 200 * time.Millisecond

func dialGRPC(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

// restClient is a keep-alive HTTP client sized for the bench's concurrency.
func restClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
	}}
}

// signInBridge signs ids in through the bridge's gRPC API with `workers` calls in flight.
func signInBridge(ctx context.Context, sessions ccgwv1.AgentSessionServiceClient, ids []string, workers int) error {
	return forEach(ctx, ids, workers, func(ctx context.Context, id string) error {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err := sessions.SignIn(ctx, &ccgwv1.SignInRequest{
			AgentId: id, Password: password(id), PhoneNumber: phone(id),
			InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE,
		})
		if err != nil {
			return fmt.Errorf("bridge sign-in of %s: %w", id, err)
		}
		return nil
	})
}

// signInDirect signs ids in straight at the simulator and joins their queues, as a client
// without the bridge would.
func signInDirect(ctx context.Context, gc *gatewayclient.Client, ids []string) ([]*gatewayclient.Session, error) {
	out := make([]*gatewayclient.Session, len(ids))
	for i, id := range ids {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		s, _, err := gc.SignIn(cctx, id, gatewayclient.SignInRequest{Password: password(id), PhoneNumber: phone(id)})
		if err == nil {
			err = s.ResetSkills(cctx, true, nil)
		}
		cancel()
		if err != nil {
			return nil, fmt.Errorf("direct sign-in of %s: %w", id, err)
		}
		out[i] = s
	}
	return out, nil
}

// forEach runs fn over items with at most `workers` running at once and returns the first
// error (the rest still finish; fn sees ctx canceled after an error).
func forEach(ctx context.Context, items []string, workers int, fn func(context.Context, string) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(workers, len(items))) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, items[i]); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// directPoller long-polls one agent straight at the simulator, as the bridge does (again at
// once after an event, after pollPause after an empty poll), handing each event to onEvent.
// It runs until ctx ends.
func directPoller(ctx context.Context, s *gatewayclient.Session, onEvent func(*gatewayclient.Event)) {
	var bo gatewayclient.Backoff // the same jittered backoff the bridge's poller uses
	for ctx.Err() == nil {
		ev, err := s.Poll(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logf("direct poll of %s failed: %v", s.AgentID(), err)
			_ = bo.Wait(ctx)
		case ev == nil:
			bo.Reset()
			sleepCtx(ctx, pollPause)
		default:
			bo.Reset()
			if onEvent != nil {
				onEvent(ev)
			}
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// ids lists base+1 .. base+n.
func ids(base, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = agentID(base, i+1)
	}
	return out
}
