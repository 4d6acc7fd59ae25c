package core

import (
	"context"
	"sync"
	"time"
)

// heldLease keeps a store lease renewed on a timer of its own, independent of whatever work the
// lease guards (a long poll can last the gateway's whole 10 s wait, far too long to renew between
// polls). The holder must stop relying on the lease once Lost is closed: that happens when the
// store says another owner holds it, or when no renewal succeeded for long enough that the lease
// may expire at the store within the safety margin. Stopping before expiry, by this process's
// clock, is what keeps two replicas from ever polling one agent.
type heldLease struct {
	c     *Core
	key   string
	owner string
	ttl   time.Duration

	lost        chan struct{} // closed once the lease can no longer be trusted
	lostOnce    sync.Once
	releaseOnce sync.Once
	cancel      context.CancelFunc
	done        chan struct{}

	onLost func()

	mu     sync.Mutex
	reason string
}

// leaseMargin is how long before a lease's expiry at the store its holder gives it up when
// renewals keep failing: it covers clock drift between replicas and the store and the time the
// holder needs to stop its work.
func leaseMargin(ttl time.Duration) time.Duration { return ttl / 5 }

// acquireHeld takes the lease for owner and keeps it renewed until release. It returns false
// (and no lease) when another owner holds it. onLost (may be nil) runs once, on the renewing
// goroutine, when the lease stops being trustworthy before release.
func (c *Core) acquireHeld(ctx context.Context, key, owner string, ttl time.Duration, onLost func()) (*heldLease, bool, error) {
	start := time.Now()
	ok, err := c.st.AcquireLease(ctx, key, owner, ttl)
	c.observeStore(err)
	if err != nil || !ok {
		return nil, ok, err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &heldLease{c: c, key: key, owner: owner, ttl: ttl, lost: make(chan struct{}), cancel: cancel,
		done: make(chan struct{}), onLost: onLost}
	go l.renew(rctx, start.Add(ttl-leaseMargin(ttl)))
	return l, true, nil
}

// renew runs until release or loss. trustUntil is when the holder must have stopped relying on
// the lease unless a renewal succeeds first; it is measured from the start of the last
// successful renewal, so a slow answer never extends it.
func (l *heldLease) renew(ctx context.Context, trustUntil time.Time) {
	defer close(l.done)
	every := l.ttl / 3
	retry := min(every, max(l.ttl/20, 50*time.Millisecond))
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		rctx, cancel := context.WithDeadline(ctx, trustUntil)
		ok, err := l.c.st.AcquireLease(rctx, l.key, l.owner, l.ttl)
		cancel()
		if ctx.Err() != nil {
			return
		}
		l.c.observeStore(err)
		switch {
		case err == nil && ok:
			trustUntil = start.Add(l.ttl - leaseMargin(l.ttl))
			t.Reset(every)
		case err == nil:
			l.markLost("another replica holds the lease")
			l.notifyLost()
			return
		case !time.Now().Before(trustUntil):
			l.markLost("the lease could not be renewed before it expires: " + err.Error())
			l.notifyLost()
			return
		default:
			t.Reset(min(retry, time.Until(trustUntil)))
		}
	}
}

func (l *heldLease) markLost(reason string) {
	l.lostOnce.Do(func() {
		l.mu.Lock()
		l.reason = reason
		l.mu.Unlock()
		close(l.lost)
	})
}

// lose gives the lease up as untrustworthy when the store says another owner has it.
func (l *heldLease) lose(reason string) {
	l.markLost(reason)
	l.notifyLost()
}

func (l *heldLease) notifyLost() {
	if l.onLost != nil {
		l.onLost()
	}
}

// Lost is closed once the holder must stop relying on the lease.
func (l *heldLease) Lost() <-chan struct{} { return l.lost }

// valid reports whether the lease is still trusted.
func (l *heldLease) valid() bool {
	select {
	case <-l.lost:
		return false
	default:
		return true
	}
}

func (l *heldLease) lostReason() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reason
}

// release stops renewing and gives the lease up at the store (best effort, bounded), so another
// replica can take it at once instead of after its ttl. Safe to call more than once.
func (l *heldLease) release() {
	l.releaseOnce.Do(func() {
		l.cancel()
		<-l.done
		l.markLost("released")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		l.c.observeStore(l.c.st.ReleaseLease(ctx, l.key, l.owner))
	})
}
