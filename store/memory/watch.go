package memory

import (
	"context"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Watch runs on the caller's goroutine until ctx ends or the store closes. Appends wake every
// watcher by closing one shared channel, so an append costs the same with one watcher or a
// thousand, and a watcher busy in notify simply finds a newer head when it comes back.
func (s *Store) Watch(ctx context.Context, notify func(head uint64)) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if notify == nil {
		return invalid("nil notify")
	}
	var last uint64
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.closed.Load() {
			return store.ErrClosed
		}
		// Take the channel before reading the head: an append that publishes after this read
		// closes this channel (or a later one we have not taken), so no wake-up is lost.
		ch := s.waitChan()
		if h := s.log.head.Load(); first || h > last {
			first, last = false, h
			notify(h)
			continue
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closedCh:
			return store.ErrClosed
		}
	}
}

func (s *Store) waitChan() chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.notifyCh == nil {
		s.notifyCh = make(chan struct{})
	}
	return s.notifyCh
}

// broadcast wakes every waiting watcher; it allocates nothing when no watcher is waiting.
func (s *Store) broadcast() {
	s.notifyMu.Lock()
	if s.notifyCh != nil {
		close(s.notifyCh)
		s.notifyCh = nil
	}
	s.notifyMu.Unlock()
}
