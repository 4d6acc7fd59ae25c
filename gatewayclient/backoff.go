package gatewayclient

import (
	"context"
	"math/rand/v2"
	"time"
)

// Default bounds of Backoff.
const (
	DefaultBackoffMin = 200 * time.Millisecond
	DefaultBackoffMax = 30 * time.Second
)

// Backoff computes delays between retries of a failing poll: exponential
// growth of the ceiling (Min, 2·Min, 4·Min, ... up to Max) with full jitter
// between Min and the ceiling, so thousands of pollers that failed together
// do not come back together. The zero value uses the defaults. A Backoff is
// meant for one poller and is not safe for concurrent use.
type Backoff struct {
	Min, Max time.Duration
	attempt  int
}

func (b *Backoff) bounds() (lo, hi time.Duration) {
	lo, hi = b.Min, b.Max
	if lo <= 0 {
		lo = DefaultBackoffMin
	}
	if hi <= 0 {
		hi = DefaultBackoffMax
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// Next returns the delay before the next attempt and advances the backoff.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.bounds()
	ceil := lo
	for i := 0; i < b.attempt && ceil < hi; i++ {
		if ceil > hi/2 {
			ceil = hi
			break
		}
		ceil *= 2
	}
	if ceil > hi {
		ceil = hi
	}
	if ceil < hi {
		b.attempt++
	}
	return lo + time.Duration(rand.Int64N(int64(ceil-lo)+1))
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Wait sleeps for Next() or until ctx ends, whichever comes first; it
// returns ctx.Err() in the latter case.
func (b *Backoff) Wait(ctx context.Context) error {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
