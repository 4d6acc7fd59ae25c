package gatewaysim

import (
	"sort"
	"sync"
	"time"
)

// Clock is the simulator's source of time. Every protocol timer (long-poll
// wait, GUID rotation and expiry, heartbeat timeout, rest timeout) goes
// through it, so tests can drive minutes of gateway time in microseconds
// with a FakeClock. Injected faults (latency, outage) use real time on
// purpose: they model the network, not the gateway.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not fired yet and reports whether it did so.
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// FakeClock is a manually advanced Clock for tests. Its zero value is not
// usable; create one with NewFakeClock.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64
	timers map[uint64]*fakeTimer
}

type fakeTimer struct {
	c    *FakeClock
	id   uint64
	when time.Time
	f    func()
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, timers: make(map[uint64]*fakeTimer)}
}

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock is advanced past now+d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, id: c.seq, when: c.now.Add(d), f: f}
	c.timers[t.id] = t
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, pending := t.c.timers[t.id]
	delete(t.c.timers, t.id)
	return pending
}

// Pending reports how many timers are waiting to fire. Tests use it to know
// that a long poll has parked before they advance the clock.
func (c *FakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d and runs, synchronously and in
// deadline order, every timer that falls due. Timers created by those
// callbacks run too if they fall due within the same advance. Unlike
// time.AfterFunc the callbacks run on the caller's goroutine, so when
// Advance returns their effects are visible.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var due []*fakeTimer
		for _, t := range c.timers {
			if !t.when.After(target) {
				due = append(due, t)
			}
		}
		if len(due) == 0 {
			c.now = target
			c.mu.Unlock()
			return
		}
		sort.Slice(due, func(i, j int) bool {
			if due[i].when.Equal(due[j].when) {
				return due[i].id < due[j].id
			}
			return due[i].when.Before(due[j].when)
		})
		t := due[0]
		delete(c.timers, t.id)
		if t.when.After(c.now) {
			c.now = t.when
		}
		c.mu.Unlock()
		t.f()
	}
}
