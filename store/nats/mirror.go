package nats

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// mirror is a local copy of a KV bucket, fed by a watcher: the value of every key (by its
// untokened name) as decoded by decode, and the bucket stream's newest sequence applied.
// Reading all sessions or all leases from it costs no request, where a listing from the bucket
// costs one per key: the takeover sweep reads them every second. One goroutine of the store owns the watcher and
// restarts it (with backoff) when it ends; Close stops it.
type mirror[T any] struct {
	kv     jetstream.KeyValue
	decode func(jetstream.KeyValueEntry) (T, bool)

	mu      sync.Mutex
	entries map[string]T  // by untokened key: an agent id, a lease key
	seq     uint64        // the newest bucket sequence applied
	ready   bool          // the initial values are in
	moved   chan struct{} // closed and replaced whenever seq or ready changes
	sorted  []string      // keys in agent order, rebuilt after a key came or went (nil: stale)
}

func newMirror[T any](kv jetstream.KeyValue, decode func(jetstream.KeyValueEntry) (T, bool)) *mirror[T] {
	return &mirror[T]{kv: kv, decode: decode, entries: map[string]T{}, moved: make(chan struct{})}
}

// run keeps a watcher running until ctx ends.
func (m *mirror[T]) run(ctx context.Context) {
	bo := gatewayclient.Backoff{Min: 50 * time.Millisecond, Max: 5 * time.Second}
	for ctx.Err() == nil {
		started := time.Now()
		m.watch(ctx)
		m.mu.Lock()
		m.ready = false // a new watcher starts from the bucket's current values
		m.signal()
		m.mu.Unlock()
		if time.Since(started) > 30*time.Second {
			bo.Reset()
		}
		select {
		case <-ctx.Done():
		case <-time.After(bo.Next()):
		}
	}
}

func (m *mirror[T]) watch(ctx context.Context) {
	w, err := m.kv.WatchAll(ctx)
	if err != nil {
		return
	}
	defer func() { _ = w.Stop() }()
	fresh := map[string]T{} // the initial values, swapped in whole once complete
	for {
		var e jetstream.KeyValueEntry
		var ok bool
		select {
		case <-ctx.Done():
			return
		case e, ok = <-w.Updates():
			if !ok {
				return
			}
		}
		m.mu.Lock()
		switch {
		case e == nil: // the initial values are all in
			m.entries, fresh, m.ready, m.sorted = fresh, nil, true, nil
		default:
			target := m.entries
			if fresh != nil {
				target = fresh
			}
			if key, ok := untoken(e.Key()); ok {
				_, had := target[key]
				v, keep := m.decode(e)
				keep = keep && e.Operation() == jetstream.KeyValuePut
				if keep {
					target[key] = v
				} else {
					delete(target, key)
				}
				// Most updates rewrite a key (a lease renewal, a rotated GUID): the key order
				// stands, and only a key that came or went makes the next listing sort again.
				if had != keep && fresh == nil {
					m.sorted = nil
				}
			}
			m.seq = max(m.seq, e.Revision())
		}
		m.signal()
		m.mu.Unlock()
	}
}

// signal wakes the waiters of caughtUp; m.mu is held.
func (m *mirror[T]) signal() {
	close(m.moved)
	m.moved = make(chan struct{})
}

// errMirrorBehind: the mirror could not catch up within the caller's deadline.
var errMirrorBehind = errors.New("store/nats: the local copy of a bucket did not catch up")

// caughtUp waits (at most a second) until the mirror holds everything the bucket held when it
// was called: one request for the bucket's newest sequence, then the watcher's deliveries. A
// mirror without its initial values (starting, or its watcher restarting) fails at once, so
// the caller can read the bucket instead.
func (m *mirror[T]) caughtUp(ctx context.Context) error {
	m.mu.Lock()
	ready := m.ready
	m.mu.Unlock()
	if !ready {
		return errMirrorBehind
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	st, err := m.kv.Status(ctx)
	if err != nil {
		return err
	}
	info, ok := st.(*jetstream.KeyValueBucketStatus)
	if !ok {
		return errMirrorBehind // no newest sequence to wait for: read the bucket instead
	}
	last := info.StreamInfo().State.LastSeq
	for {
		m.mu.Lock()
		done, moved := m.ready && m.seq >= last, m.moved
		m.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return errors.Join(errMirrorBehind, ctx.Err())
		}
	}
}

// get is the mirrored value of key, if the mirror has its initial values.
func (m *mirror[T]) get(key string) (T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[key]
	return v, ok && m.ready
}

// after returns up to limit values whose keys sort after from (by less), in that order.
func (m *mirror[T]) after(from string, limit int, keyLess func(a, b string) int) []T {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sorted == nil {
		m.sorted = make([]string, 0, len(m.entries))
		for k := range m.entries {
			m.sorted = append(m.sorted, k)
		}
		slices.SortFunc(m.sorted, keyLess)
	}
	i, _ := slices.BinarySearchFunc(m.sorted, from, keyLess)
	for i < len(m.sorted) && keyLess(m.sorted[i], from) <= 0 {
		i++
	}
	out := make([]T, 0, min(limit, len(m.sorted)-i))
	for _, k := range m.sorted[i:] {
		if len(out) == limit {
			break
		}
		out = append(out, m.entries[k])
	}
	return out
}

// startMirrors starts the watchers of the sessions and leases buckets; Close stops them.
func (s *Store) startMirrors() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopMirrors = cancel
	s.sessMirror = newMirror(s.sessions, func(e jetstream.KeyValueEntry) (store.Session, bool) {
		sess, err := decodeSession(e.Value(), e.Revision())
		return sess, err == nil
	})
	s.leaseMirror = newMirror(s.leases, func(e jetstream.KeyValueEntry) (lease, bool) {
		var l lease
		return l, json.Unmarshal(e.Value(), &l) == nil
	})
	s.mirrors.Go(func() { s.sessMirror.run(ctx) })
	s.mirrors.Go(func() { s.leaseMirror.run(ctx) })
}

// CachedLease implements store.LeaseCache from the leases bucket's local copy.
func (s *Store) CachedLease(key string) (owner string, expires time.Time, ok bool) {
	l, ok := s.leaseMirror.get(key)
	if !ok {
		return "", time.Time{}, false
	}
	return l.Owner, time.Unix(0, l.Expires), true
}
