package gatewaysim

import (
	"crypto/rand"
	"fmt"
	"time"
)

// agentState is the simulated CTI state of a signed-in agent.
type agentState int

const (
	stateSignedOut agentState = iota
	stateIdle
	stateBusy // "not ready" (say busy)
	stateTalking
	stateWrapUp // "work"
	stateRest
)

var stateNames = [...]string{"signed_out", "idle", "busy", "talking", "wrapup", "rest"}

func (st agentState) String() string { return stateNames[st] }

// guidEntry is one GUID issued to a session. A replaced GUID stays valid
// until issued+GUIDTimeout; the current one is valid as long as the session.
type guidEntry struct {
	value  string
	issued time.Time
}

// session is one sign-in of one agent. After an involuntary sign-out
// (heartbeat timeout, forced sign-out) the session is kept as "ended" so
// its poller can still collect AgentOther_ShutdownService; once drained,
// polls answer 100-006 and the session is dropped.
type session struct {
	loginTime     time.Time
	guids         []guidEntry // last one is current
	ended         bool
	state         agentState
	idleSince     time.Time
	autoAnswer    bool
	autoEnterIdle bool
	activeSkills  map[int64]bool

	events  []Event
	dropped int
	waiter  *pollWaiter
	// late holds events reported late (Config.TransferFailure): queued just
	// before the agent's next event, or by lateTimer.
	late      []Event
	lateTimer Timer

	lastActivity time.Time
	hbTimer      Timer
	restTimer    Timer

	voice *call            // current voice call (ringing or talking)
	chats map[string]*call // multimedia sessions owned by the agent
}

// pollWaiter is a parked long poll. done is closed to wake it; displaced
// tells the woken poll that a newer poll took its place.
type pollWaiter struct {
	done      chan struct{}
	displaced bool
	woken     bool
}

func (w *pollWaiter) wake(displaced bool) {
	if w.woken {
		return
	}
	w.woken = true
	w.displaced = displaced
	close(w.done)
}

func (ss *session) currentGUID() string { return ss.guids[len(ss.guids)-1].value }

// guidValid reports whether g authenticates this session at time now.
func (ss *session) guidValid(g string, now time.Time, timeout time.Duration) bool {
	if g == "" {
		return false
	}
	last := len(ss.guids) - 1
	for i, e := range ss.guids {
		if e.value != g {
			continue
		}
		return i == last || now.Before(e.issued.Add(timeout))
	}
	return false
}

// rotate issues a new current GUID and forgets replaced GUIDs that expired.
func (ss *session) rotate(now time.Time, timeout time.Duration) string {
	kept := ss.guids[:0]
	for _, e := range ss.guids {
		if now.Before(e.issued.Add(timeout)) {
			kept = append(kept, e)
		}
	}
	g := newGUID()
	ss.guids = append(kept, guidEntry{value: g, issued: now})
	return g
}

func (ss *session) push(ev Event, max int) {
	if len(ss.events) >= max {
		ss.events = ss.events[1:]
		ss.dropped++
	}
	ss.events = append(ss.events, ev)
	if ss.waiter != nil {
		ss.waiter.wake(false)
		ss.waiter = nil
	}
}

func (ss *session) pop() (Event, bool) {
	if len(ss.events) == 0 {
		return Event{}, false
	}
	ev := ss.events[0]
	ss.events[0] = Event{}
	ss.events = ss.events[1:]
	if len(ss.events) == 0 {
		ss.events = nil // let a burst's backing array go
	}
	return ev, true
}

// wake releases a parked poll (used at close and sign-out).
func (ss *session) wake() {
	if ss.waiter != nil {
		ss.waiter.wake(false)
		ss.waiter = nil
	}
}

func (ss *session) stopTimers() {
	if ss.hbTimer != nil {
		ss.hbTimer.Stop()
		ss.hbTimer = nil
	}
	if ss.restTimer != nil {
		ss.restTimer.Stop()
		ss.restTimer = nil
	}
	if ss.lateTimer != nil {
		ss.lateTimer.Stop()
		ss.lateTimer = nil
	}
}

// flushLate queues the held-back events ahead of whatever comes next.
func (ss *session) flushLate(max int) {
	late := ss.late
	ss.late = nil
	if ss.lateTimer != nil {
		ss.lateTimer.Stop()
		ss.lateTimer = nil
	}
	for _, ev := range late {
		ss.push(ev, max)
	}
}

// hasCalls reports whether the agent is in any call or chat.
func (ss *session) hasCalls() bool { return ss.voice != nil || len(ss.chats) > 0 }

// newGUID makes a gateway-style GUID: a random UUID followed by the node suffix.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x.AgentGateway0", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
