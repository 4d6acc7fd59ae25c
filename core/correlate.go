package core

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// Outcome correlation. The CC-Gateway accepts a command at once and reports how it ended later,
// with events that name the call, never the command. The rules below decide which events belong
// to which command; call_control.proto and the README state the same rules to clients.
//
// CallInnerSkill: the outcome is the first AgentEvent_Talking or AgentEvent_Inside_Call_Fail of
// the calling agent whose call id is the one the gateway returned, logged after the command was
// sent. Events that arrive before the gateway's answer count: they are found in the log once the
// call id is known. Call ids are new for every call, so an earlier call's events never match.
//
// TransferSession: the same call can be transferred again (a failed success-mode transfer leaves
// the chat with the agent), and the gateway may report a transfer's last event after the next
// transfer of the call was sent. So every transfer of a call sent through this bridge, awaited
// or not, joins that call's queue, in the order the gateway accepted them (transfers of one call
// are sent one at a time). Each transfer expects events in turn, per transferSteps; an event of
// the call goes to the oldest transfer in the queue that expects it, and the first event a
// transfer takes settles its outcome. A transfer leaves the queue when it expects nothing more,
// when the gateway refused it, or OutcomeWindow after it was sent, whichever comes first: a late
// event can only be mistaken for a later transfer's if it comes more than OutcomeWindow late.

// Event types that settle command outcomes.
const (
	evTalking        = "AgentEvent_Talking"
	evInsideCallFail = "AgentEvent_Inside_Call_Fail"
	evSuccTrans      = "AgentEvent_SuccTransResult"
	evConnectFail    = "AgentEvent_Connect_Fail"
	evCallRelease    = "AgentEvent_Call_Release"
)

// transferStep is one row of the transfer rules: in mode Mode, having just taken an event of
// type Took (with a successful result when Success), the transfer next expects Next, or is
// complete when Next is empty.
type transferStep struct {
	Mode    gatewayclient.TransferMode
	Took    string
	Success bool // only for AgentEvent_SuccTransResult: result "0"
	Next    []string
	Why     string
}

// transferStart is what a transfer expects first, by mode.
var transferStart = map[gatewayclient.TransferMode][]string{
	gatewayclient.ModeReleaseAfterTransfer: {evSuccTrans, evConnectFail},
	gatewayclient.ModeBlind:                {evCallRelease, evConnectFail},
}

var transferSteps = []transferStep{
	{gatewayclient.ModeReleaseAfterTransfer, evSuccTrans, true, []string{evCallRelease}, "the target took the chat; the agent's release follows"},
	{gatewayclient.ModeReleaseAfterTransfer, evSuccTrans, false, nil, "the transfer failed; the agent keeps the chat"},
	{gatewayclient.ModeReleaseAfterTransfer, evConnectFail, false, []string{evSuccTrans}, "the success-mode result may still follow, late"},
	{gatewayclient.ModeReleaseAfterTransfer, evCallRelease, false, nil, "the agent left the chat after the success"},
	{gatewayclient.ModeBlind, evCallRelease, false, nil, "the agent left the chat: a blind transfer ends here"},
	{gatewayclient.ModeBlind, evConnectFail, false, []string{evCallRelease}, "the agent leaves a blind transfer whatever the outcome"},
}

func nextSteps(mode gatewayclient.TransferMode, ev *Logged) []string {
	success := ev.Type == evSuccTrans && ev.Result == "0"
	for _, s := range transferSteps {
		if s.Mode == mode && s.Took == ev.Type && s.Success == success {
			return s.Next
		}
	}
	return nil
}

// pendingTransfer is one transfer in its call's queue. Fields are guarded by hub.mu.
type pendingTransfer struct {
	mode    gatewayclient.TransferMode
	expects []string
	expires time.Time
	outcome *Logged       // the first event taken
	done    chan struct{} // closed when outcome is set
}

// pendingCall is one CallInnerSkill waiting for its outcome. Fields are guarded by hub.mu.
type pendingCall struct {
	from    uint64 // hub position when the command was registered: the outcome is logged after it
	callID  string // "" until the gateway answered
	scanTo  uint64 // events up to here are looked up in the log; later ones come from dispatch
	outcome *Logged
	done    chan struct{}
}

type callKey struct{ agent, call string }

// outcomes is the hub's correlation state.
type outcomes struct {
	transfers map[callKey][]*pendingTransfer
	calls     map[string]map[*pendingCall]struct{} // by agent
}

// expectTransfer puts a transfer of the call at the end of its queue. The caller sends the
// transfer next and calls forgetTransfer if the gateway refused it.
func (h *hub) expectTransfer(agent, call string, mode gatewayclient.TransferMode, window time.Duration) *pendingTransfer {
	now := time.Now()
	p := &pendingTransfer{mode: mode, expects: transferStart[mode], expires: now.Add(window), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, q := range h.out.transfers { // drop what expired, so the queues stay bounded
		h.out.trim(k, q, now)
	}
	k := callKey{agent, call}
	h.out.transfers[k] = append(h.out.transfers[k], p)
	return p
}

// forgetTransfer removes a transfer the gateway refused: no event will come for it.
func (h *hub) forgetTransfer(agent, call string, p *pendingTransfer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := callKey{agent, call}
	q := h.out.transfers[k]
	for i, x := range q {
		if x == p {
			h.out.set(k, append(q[:i:i], q[i+1:]...))
			return
		}
	}
}

func (o *outcomes) set(k callKey, q []*pendingTransfer) {
	if len(q) == 0 {
		delete(o.transfers, k)
		return
	}
	o.transfers[k] = q
}

func (o *outcomes) trim(k callKey, q []*pendingTransfer, now time.Time) []*pendingTransfer {
	kept := q[:0]
	for _, p := range q {
		if now.Before(p.expires) && len(p.expects) > 0 {
			kept = append(kept, p)
		}
	}
	clear(q[len(kept):])
	o.set(k, kept)
	return kept
}

// transferEvent hands ev to the oldest transfer of its call that expects it. Called by dispatch
// with h.mu held, in log order.
func (o *outcomes) transferEvent(ev *Logged) {
	k := callKey{ev.AgentID, ev.CallID}
	q := o.transfers[k]
	if len(q) == 0 {
		return
	}
	q = o.trim(k, q, time.Now())
	for _, p := range q {
		if !slices.Contains(p.expects, ev.Type) {
			continue
		}
		if p.outcome == nil {
			p.outcome = ev
			close(p.done)
		}
		p.expects = nextSteps(p.mode, ev)
		if len(p.expects) == 0 {
			o.trim(k, q, time.Now())
		}
		return
	}
}

// expectCall registers a CallInnerSkill about to be sent; the returned function unregisters it.
func (h *hub) expectCall(agent string) (*pendingCall, func()) {
	p := &pendingCall{done: make(chan struct{})}
	h.mu.Lock()
	p.from = h.pos
	m := h.out.calls[agent]
	if m == nil {
		m = map[*pendingCall]struct{}{}
		h.out.calls[agent] = m
	}
	m[p] = struct{}{}
	h.mu.Unlock()
	return p, func() {
		h.mu.Lock()
		delete(h.out.calls[agent], p)
		if len(h.out.calls[agent]) == 0 {
			delete(h.out.calls, agent)
		}
		h.mu.Unlock()
	}
}

// callAnswered records the call id the gateway returned and looks up, in the log, the outcome
// events that the hub dispatched before the id was known.
func (h *hub) callAnswered(ctx context.Context, agent, callID string, p *pendingCall) error {
	h.mu.Lock()
	p.callID, p.scanTo = callID, h.pos
	epoch := h.epoch
	h.mu.Unlock()
	for pos := p.from; pos < p.scanTo; {
		evs, err := h.st.Read(ctx, []string{agent}, pos, h.batch)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for i := range evs {
			ev := &evs[i]
			if ev.Pos > p.scanTo {
				return nil
			}
			pos = ev.Pos
			if ev.CallID == callID && (ev.Type == evTalking || ev.Type == evInsideCallFail) {
				h.mu.Lock()
				p.settle(&Logged{Event: *ev, Cursor: cursor{epoch: epoch, pos: ev.Pos}.String()})
				h.mu.Unlock()
				return nil
			}
		}
	}
	return nil
}

// settle keeps the earliest outcome event: one found in the log beats a later one dispatched
// while the lookup ran.
func (p *pendingCall) settle(ev *Logged) {
	if p.outcome == nil {
		p.outcome = ev
		close(p.done)
	} else if ev.Pos < p.outcome.Pos {
		p.outcome = ev
	}
}

// callEvent is dispatch's part of the CallInnerSkill rule; h.mu is held.
func (o *outcomes) callEvent(ev *Logged) {
	for p := range o.calls[ev.AgentID] {
		if p.callID != "" && p.callID == ev.CallID && ev.Pos > p.scanTo {
			p.settle(ev)
		}
	}
}

// observe is dispatch's entry point; h.mu is held.
func (o *outcomes) observe(ev *Logged) {
	if ev.CallID == "" {
		return
	}
	switch ev.Type {
	case evTalking, evInsideCallFail:
		o.callEvent(ev)
	case evSuccTrans, evConnectFail, evCallRelease:
		o.transferEvent(ev)
	}
}

// awaitOutcome waits for done within the await budget: it ends a little before the caller's
// deadline so the caller still receives the command's answer with a PENDING outcome rather than
// a bare DEADLINE_EXCEEDED.
func (c *Core) awaitOutcome(ctx context.Context, done <-chan struct{}) bool {
	budget := c.opts.AwaitDefault
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		budget = left - min(left/10, 250*time.Millisecond)
	}
	t := time.NewTimer(max(budget, 0))
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// refused reports whether the gateway answered err with a retcode that says it did not act.
// 100-007 (an exception during the operation) and unknown retcodes leave the outcome open, as do
// transport failures after the request may have been sent: their events may still come.
func refused(err error) bool {
	var ge *gatewayclient.Error
	if !errors.As(err, &ge) {
		return false
	}
	switch ge.Kind() {
	case gatewayclient.KindUnknown, gatewayclient.KindOperationFailed:
		return false
	}
	return true
}

// transferOutcome and callOutcome read a settled outcome under the hub's lock.
func (h *hub) transferOutcome(p *pendingTransfer) *Logged {
	h.mu.Lock()
	defer h.mu.Unlock()
	return p.outcome
}

func (h *hub) callOutcome(p *pendingCall) *Logged {
	h.mu.Lock()
	defer h.mu.Unlock()
	return p.outcome
}
