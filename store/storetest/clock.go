package storetest

import (
	"sync"
	"time"
)

// Clock is a manual clock for Options.Now: it moves only when Advance is called, so expiry is
// tested exactly and without sleeping.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at a fixed instant (no monotonic reading, UTC).
func NewClock() *Clock {
	return &Clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
