// Package memory is the in-process store backend: the default for a single bridge replica.
//
// Event logs are per-agent ring buffers under one RWMutex. One lock is deliberate: positions are
// store-wide and must become visible in order (a reader that saw Pos n must already be able to
// see every Pos below n), and an append is a few copies, so serialising appends costs less than
// coordinating per-agent locks with a global order. Readers share the read lock and hold it
// briefly: a store-wide index of recent positions lets a reader tailing every agent find new
// events in O(events) rather than O(agents), and merges or gap reports over many agents visit
// them a chunk at a time, releasing the lock in between.
//
// Retention by age is applied lazily, with no janitor goroutine: reads and gap reports hide
// expired events themselves, and appends trim the appending agent plus a couple of others in
// turn. Watch runs on its caller's goroutine; appends wake all watchers by closing one channel.
// Sessions, leases and idempotency records each have their own small lock.
package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Options configure a memory store. The zero value is usable.
type Options struct {
	// Retention bounds each agent's log; unset fields take store defaults.
	Retention store.Retention
	// Now is the clock for retention, leases and idempotency; nil means time.Now. Tests pass a
	// fake clock so expiry is tested without sleeping.
	Now func() time.Time
	// RecentIndex is how many of the newest positions the store-wide index covers (rounded up
	// to a power of two; 0 or less means 65,536). Reading all agents from a cursor inside that
	// window costs O(events returned) instead of O(agents).
	RecentIndex int
}

const defaultRecentIndex = 1 << 16

// tombstoneCap bounds how many positions of dropped events each agent remembers (8 bytes each,
// allocated as drops happen) so Gaps names the exact first missing Seq for readers that lost up
// to store.ExactGapDrops of the agent's events: one more than that, so that a remembered
// position at or before the reader's cursor tells where the loss starts. It does not shrink
// with Retention.MaxEvents: a small retention drops more, not less, of what readers missed.
const tombstoneCap = store.ExactGapDrops + 1

// Store is the in-memory backend. Create it with New.
type Store struct {
	now    func() time.Time
	ret    store.Retention
	maxAge int64 // ret.MaxAge in nanoseconds
	epoch  string

	closed   atomic.Bool
	closedCh chan struct{}

	// clockHW is the latest clock reading in Unix ns; see clock.
	clockHW atomic.Int64

	log eventLog

	notifyMu sync.Mutex
	notifyCh chan struct{} // closed and cleared by each append; nil while no watcher waits

	sess   sessions
	leases leases
	idem   idempotency
}

var (
	_ store.Store      = (*Store)(nil)
	_ store.LeaseCache = (*Store)(nil)
)

// New returns an empty store with a fresh epoch.
func New(opts Options) *Store {
	ret := opts.Retention.WithDefaults()
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	recent := opts.RecentIndex
	if recent <= 0 {
		recent = defaultRecentIndex
	}
	s := &Store{
		now:      now,
		ret:      ret,
		maxAge:   int64(ret.MaxAge),
		epoch:    newEpoch(),
		closedCh: make(chan struct{}),
	}
	s.clockHW.Store(-1 << 63)
	s.log.init(ret.MaxEvents, tombstoneCap, recent)
	s.sess.m = make(map[string]store.Session)
	s.leases.m = make(map[string]lease)
	s.idem.m = make(map[string]*idemEntry)
	return s
}

// newEpoch names this store's position space; 64 random bits make a collision with another
// store's epoch practically impossible.
func newEpoch() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back to the clock to stay unique
		// per process start rather than panic.
		return fmt.Sprintf("t%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b[:])
}

// clock reads Now but never returns a time earlier than one it returned before. If the wall
// clock steps back, expired events stay expired, leases and requests do not come back to life,
// and new events are not stamped behind the expiry cutoff (which would hide them at once).
func (s *Store) clock() time.Time {
	t := s.now()
	n := t.UnixNano()
	for {
		hw := s.clockHW.Load()
		if n < hw {
			return time.Unix(0, hw)
		}
		if n == hw || s.clockHW.CompareAndSwap(hw, n) {
			return t
		}
	}
}

// check is the common preamble of every method.
func (s *Store) check(ctx context.Context) error { return store.Entry(ctx, s.closed.Load()) }

// Close drops everything the store holds and stops running watchers.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return store.ErrClosed
	}
	close(s.closedCh)
	s.log.mu.Lock()
	s.log.release()
	s.log.mu.Unlock()
	s.sess.mu.Lock()
	s.sess.m, s.sess.ids = nil, nil
	s.sess.mu.Unlock()
	s.leases.mu.Lock()
	s.leases.m = nil
	s.leases.mu.Unlock()
	s.idem.mu.Lock()
	s.idem.m, s.idem.exp = nil, nil
	s.idem.mu.Unlock()
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalidArgument}, args...)...)
}
