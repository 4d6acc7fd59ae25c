package memory

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// idemSweep bounds how many expired records one ReserveRequest removes, so no call pays for a
// large backlog; reservations are the only way records are added, so this keeps up with them.
const idemSweep = 16

type idemEntry struct {
	rec     store.IdemRecord
	expires int64 // Unix ns; expired once the clock reaches it
}

// idempotency keeps records in a map plus a min-heap by expiry for the bounded sweep.
type idempotency struct {
	mu  sync.Mutex
	m   map[string]*idemEntry
	exp expiryHeap
}

type expiryHeap []*idemEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires < h[j].expires }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(*idemEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

func (p *idempotency) sweep(now int64) {
	for k := 0; k < idemSweep && len(p.exp) > 0 && p.exp[0].expires <= now; k++ {
		e := heap.Pop(&p.exp).(*idemEntry)
		if p.m[e.rec.Key] == e { // a re-reserved key has a newer entry; leave that one
			delete(p.m, e.rec.Key)
		}
	}
}

// live returns the unexpired entry for key, or nil.
func (p *idempotency) live(key string, now int64) *idemEntry {
	if e := p.m[key]; e != nil && now < e.expires {
		return e
	}
	return nil
}

func cloneRecord(r store.IdemRecord) store.IdemRecord {
	r.Result = slices.Clone(r.Result)
	return r
}

// ReserveRequest creates a pending record for key unless an unexpired one exists.
func (s *Store) ReserveRequest(ctx context.Context, key, fingerprint string, ttl time.Duration) (store.IdemRecord, bool, error) {
	if err := s.check(ctx); err != nil {
		return store.IdemRecord{}, false, err
	}
	if key == "" {
		return store.IdemRecord{}, false, invalid("empty request key")
	}
	if ttl <= 0 {
		return store.IdemRecord{}, false, invalid("request ttl %v, want > 0", ttl)
	}
	now := s.clock()
	ns := now.UnixNano()
	p := &s.idem
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.IdemRecord{}, false, store.ErrClosed
	}
	p.sweep(ns)
	if e := p.live(key, ns); e != nil {
		return cloneRecord(e.rec), false, nil
	}
	e := &idemEntry{
		rec:     store.IdemRecord{Key: key, Fingerprint: fingerprint, State: store.IdemPending, CreatedAt: now},
		expires: now.Add(ttl).UnixNano(),
	}
	p.m[key] = e
	heap.Push(&p.exp, e)
	return e.rec, true, nil
}

// CompleteRequest marks a pending record done with its result.
func (s *Store) CompleteRequest(ctx context.Context, key string, result []byte) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ns := s.clock().UnixNano()
	p := &s.idem
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.ErrClosed
	}
	e := p.live(key, ns)
	if e == nil {
		return fmt.Errorf("%w: request %q", store.ErrNotFound, key)
	}
	if e.rec.State == store.IdemDone {
		return fmt.Errorf("%w: request %q already done", store.ErrConflict, key)
	}
	e.rec.State = store.IdemDone
	e.rec.Result = slices.Clone(result)
	return nil
}

// GetRequest returns the unexpired record for key or ErrNotFound.
func (s *Store) GetRequest(ctx context.Context, key string) (store.IdemRecord, error) {
	if err := s.check(ctx); err != nil {
		return store.IdemRecord{}, err
	}
	ns := s.clock().UnixNano()
	p := &s.idem
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.closed.Load() {
		return store.IdemRecord{}, store.ErrClosed
	}
	e := p.live(key, ns)
	if e == nil {
		return store.IdemRecord{}, fmt.Errorf("%w: request %q", store.ErrNotFound, key)
	}
	return cloneRecord(e.rec), nil
}
