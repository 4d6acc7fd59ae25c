package server

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// Limits bound what callers may take from the bridge. Zero values take the defaults below.
type Limits struct {
	// MaxBodyBytes bounds a REST request body (413 beyond it, refused before it is read) and a
	// received gRPC message (RESOURCE_EXHAUSTED).
	MaxBodyBytes int64
	// BodyTimeout bounds reading a REST request body; ReadHeaderTimeout its headers;
	// IdleTimeout how long a keep-alive HTTP connection, or a gRPC connection without RPCs, stays
	// open unused.
	BodyTimeout, ReadHeaderTimeout, IdleTimeout time.Duration
	// MaxStreams caps concurrent event streams in all, MaxStreamsPerCaller per caller
	// (identity, or the peer's host without authentication). 0: no cap.
	MaxStreams, MaxStreamsPerCaller int
	// CommandRate is the commands per second (sign-in, sign-out, call, transfer) each caller may
	// send, with bursts of CommandBurst; 0: no limit.
	CommandRate  float64
	CommandBurst int
	// CORSOrigins are the web origins allowed to call the REST API from a browser; empty: none.
	CORSOrigins []string
	// StreamSendTimeout ends an event stream one of whose messages has waited this long for a
	// client that does not read (server/streamsend.go).
	StreamSendTimeout time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxBodyBytes      = 64 << 10
	DefaultBodyTimeout       = 15 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

func (l *Limits) defaults() {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = DefaultBodyTimeout
	}
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	if l.StreamSendTimeout <= 0 {
		l.StreamSendTimeout = DefaultStreamSendTimeout
	}
	if l.CommandRate > 0 && l.CommandBurst < 1 {
		l.CommandBurst = max(1, int(l.CommandRate))
	}
}

// limiterEntries bounds the per-caller token buckets kept; beyond it, buckets that are full
// (their caller has been quiet long enough to have every token back) are forgotten, which
// loses nothing.
const limiterEntries = 10000

// limiter is a token bucket per caller for commands.
type limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	refused *prometheus.CounterVec
}

func newLimiter(l Limits, refused *prometheus.CounterVec) *limiter {
	return &limiter{rate: rate.Limit(l.CommandRate), burst: l.CommandBurst, buckets: map[string]*rate.Limiter{}, refused: refused}
}

// allow takes a token for caller or returns RESOURCE_EXHAUSTED with the delay after which one
// will be there.
func (l *limiter) allow(caller string) error {
	if l.rate <= 0 {
		return nil
	}
	now := time.Now()
	l.mu.Lock()
	b, ok := l.buckets[caller]
	if !ok {
		if len(l.buckets) >= limiterEntries {
			for k, v := range l.buckets {
				if v.TokensAt(now) >= float64(l.burst) {
					delete(l.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[caller] = b
	}
	r := b.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now)
	}
	l.mu.Unlock()
	if delay > 0 {
		l.refused.WithLabelValues("rate_limit").Inc()
		return rateLimited(delay)
	}
	return nil
}

// streamCaps counts open event streams, in all and per caller.
type streamCaps struct {
	max, perCaller int

	mu      sync.Mutex
	total   int
	byKey   map[string]int
	refused *prometheus.CounterVec
}

func newStreamCaps(l Limits, refused *prometheus.CounterVec) *streamCaps {
	return &streamCaps{max: l.MaxStreams, perCaller: l.MaxStreamsPerCaller, byKey: map[string]int{}, refused: refused}
}

// acquire counts a stream for caller, or refuses it with RESOURCE_EXHAUSTED; release uncounts it.
func (c *streamCaps) acquire(caller string) (release func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.max > 0 && c.total >= c.max:
		c.refused.WithLabelValues("streams_total").Inc()
		return nil, errTooManyStreams
	case c.perCaller > 0 && c.byKey[caller] >= c.perCaller:
		c.refused.WithLabelValues("streams_per_caller").Inc()
		return nil, errTooManyStreamsCaller
	}
	c.total++
	c.byKey[caller]++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total--
		if c.byKey[caller]--; c.byKey[caller] == 0 {
			delete(c.byKey, caller)
		}
	}, nil
}
