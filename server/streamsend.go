package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
)

// DefaultStreamSendTimeout bounds how long one message of an event stream may wait for a
// client that stopped reading.
const DefaultStreamSendTimeout = 30 * time.Second

// sendBounded runs a stream (run, sending with send) on a goroutine of its own and returns as
// soon as one send has been stuck longer than timeout: gRPC's flow control blocks a send to a
// client that stopped reading, and the RPC could not end while its handler sat in that send.
// The RPC then ends with SUBSCRIBER_TOO_SLOW and the cursor of the last message handed to
// gRPC (which the client still receives before the status); ending the RPC releases the stuck
// send, so the goroutine ends with it.
func sendBounded(timeout time.Duration, run func(send func(core.StreamMsg) error) error, send func(core.StreamMsg) error) error {
	var (
		since atomic.Int64 // when the send in progress began (UnixNano); 0: none in progress
		mu    sync.Mutex
		last  string // cursor of the last message sent
	)
	tracked := func(m core.StreamMsg) error {
		since.Store(time.Now().UnixNano())
		err := send(m)
		since.Store(0)
		if c := msgCursor(m); err == nil && c != "" {
			mu.Lock()
			last = c
			mu.Unlock()
		}
		return err
	}
	done := make(chan error, 1)
	go func() { done <- run(tracked) }()
	tick := time.NewTicker(timeout / 4)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if s := since.Load(); s != 0 && time.Since(time.Unix(0, s)) > timeout {
				mu.Lock()
				defer mu.Unlock()
				return &core.SlowSubscriberError{Cursor: last}
			}
		}
	}
}

func msgCursor(m core.StreamMsg) string {
	switch {
	case m.Event != nil:
		return m.Event.Cursor
	case m.Heartbeat != nil:
		return m.Heartbeat.Cursor
	case m.Snapshot != nil:
		return m.Snapshot.Cursor
	}
	return ""
}
