package core_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
)

// push sends n marker events to the agent through the simulator and returns their reasons.
func push(t *testing.T, h *harness, agent string, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := h.sim.PushEvent(agent, "AgentState_SetNotReady_Success", map[string]string{"reason": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestResumeAfterDisconnectLosesAndRepeatsNothing(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	rec := startStream(t, h.core, core.StreamParams{EventTypes: []string{"AgentState_SetNotReady_Success"}})
	rec.next(t) // snapshot
	push(t, h, "1001", 0, 5)
	push(t, h, "1002", 0, 5)
	var last *core.Logged
	for range 6 {
		m := rec.next(t)
		if m.Event == nil {
			t.Fatalf("expected an event, got %+v", m)
		}
		last = m.Event
	}
	rec.cancel()
	// The rest of the first batch was delivered to nobody; more arrive while disconnected.
	push(t, h, "1001", 5, 5)
	push(t, h, "1002", 5, 5)
	eventually(t, func() bool {
		evs, _ := h.store.Read(ctxT(t, time.Second), nil, 0, 1000)
		return countType(evs, "AgentState_SetNotReady_Success") == 20
	})

	rec2 := startStream(t, h.core, core.StreamParams{EventTypes: []string{"AgentState_SetNotReady_Success"}, ResumeAfter: last.Cursor})
	if rec2.next(t).Snapshot == nil {
		t.Fatal("resumed stream must start with a snapshot")
	}
	seen := map[string][]string{}
	for range 14 {
		m := rec2.next(t)
		if m.Event == nil {
			t.Fatalf("expected an event, got %+v", m)
		}
		if m.Event.Pos <= last.Pos {
			t.Fatalf("event at %d repeats the cursor %d", m.Event.Pos, last.Pos)
		}
		seen[m.Event.AgentID] = append(seen[m.Event.AgentID], m.Event.Reason)
	}
	// Per agent, the 20 events arrive in order with none missing across the two streams.
	push(t, h, "1001", 10, 1)
	if m := rec2.next(t); m.Event == nil || m.Event.Reason != "10" {
		t.Fatalf("live event after replay: %+v", m)
	}
	total := len(seen["1001"]) + len(seen["1002"])
	if total != 14 {
		t.Fatalf("replayed %d events, want 14: %v", total, seen)
	}
	for agent, reasons := range seen {
		for i := 1; i < len(reasons); i++ {
			if reasons[i] <= reasons[i-1] && len(reasons[i]) == len(reasons[i-1]) {
				t.Fatalf("agent %s out of order: %v", agent, reasons)
			}
		}
	}
}

func countType(evs []store.Event, typ string) int {
	n := 0
	for _, e := range evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func TestGapMarkerWhenCursorIsOlderThanRetention(t *testing.T) {
	h := newHarness(t, setup{mem: func(o *memory.Options) { o.Retention = store.Retention{MaxEvents: 5} }})
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	rec.next(t)
	h.signIn(t, "1001")
	first := rec.waitEvent(t, "1001", "AgentOther_InService")
	push(t, h, "1001", 0, 12)
	lastReason := ""
	for lastReason != "11" {
		if m := rec.next(t); m.Event != nil {
			lastReason = m.Event.Reason
		}
	}
	rec.cancel()

	rec2 := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: first.Cursor})
	rec2.next(t) // snapshot
	m := rec2.next(t)
	if m.Gap == nil || m.Gap.AgentID != "1001" || m.Gap.ToSeq == 0 {
		t.Fatalf("want a gap marker first, got %+v", m)
	}
	next := rec2.next(t)
	if next.Event == nil || next.Event.Seq != m.Gap.ToSeq+1 {
		t.Fatalf("after the gap, want sequence %d, got %+v", m.Gap.ToSeq+1, next)
	}
	if m.Gap.FromSeq != 0 && m.Gap.FromSeq != first.Seq+1 {
		t.Fatalf("gap from %d, want %d (or unknown)", m.Gap.FromSeq, first.Seq+1)
	}
}

func TestSlowSubscriberIsCutOffWithResumeCursor(t *testing.T) {
	h := newHarness(t, setup{core: func(o *core.Options) { o.SubscriberBuffer = 4 }})
	h.signIn(t, "1001")
	block := make(chan struct{})
	slow := startStreamWith(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, EventTypes: []string{"AgentState_SetNotReady_Success"}}, block)
	fast := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, EventTypes: []string{"AgentState_SetNotReady_Success"}})
	slow.next(t)
	fast.next(t)
	// One event at a time, paced by the fast stream, so only the slow stream can fall behind;
	// the fast one keeps receiving after the slow one's buffer filled.
	for i := range 20 {
		push(t, h, "1001", i, 1)
		if m := fast.next(t); m.Event == nil || m.Event.Reason != fmt.Sprint(i) {
			t.Fatalf("fast stream event %d: %+v", i, m)
		}
	}
	block <- struct{}{} // let exactly one event through, then the stream must end
	first := slow.next(t)
	var err error
	select {
	case err = <-slow.done:
		slow.done <- err
	case <-time.After(5 * time.Second):
		t.Fatal("slow stream was not cut off")
	}
	var se *core.SlowSubscriberError
	if !errors.As(err, &se) || se.Cursor != first.Event.Cursor {
		t.Fatalf("cut-off error %v; want cursor of the last delivered event %q", err, first.Event.Cursor)
	}
	// Resuming from the cursor in the error loses nothing.
	again := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, EventTypes: []string{"AgentState_SetNotReady_Success"}, ResumeAfter: se.Cursor})
	again.next(t)
	for i := 1; i < 20; i++ {
		if m := again.next(t); m.Event == nil || m.Event.Reason != fmt.Sprint(i) {
			t.Fatalf("resumed event %d: %+v", i, m)
		}
	}
	eventually(t, func() bool { return testCounter(t, h.m.SubscribersCutOff) == 1 })
}

func TestHeartbeatCarriesSafeCursor(t *testing.T) {
	h := newHarness(t, setup{core: func(o *core.Options) { o.Heartbeat = 50 * time.Millisecond }})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	only := []string{"AgentState_SetNotReady_Success"}
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1002"}, EventTypes: only})
	snap := rec.next(t).Snapshot
	push(t, h, "1001", 0, 3) // other agents' events move the log on
	var hb *core.HeartbeatMsg
	for hb == nil || hb.Cursor == snap.Cursor {
		m := rec.next(t)
		if m.Event != nil {
			t.Fatalf("unexpected event out of scope: %+v", m.Event)
		}
		hb = m.Heartbeat
	}
	rec.cancel()
	// Resuming from the heartbeat's cursor replays nothing that came before it.
	push(t, h, "1002", 0, 1)
	rec2 := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1002"}, EventTypes: only, ResumeAfter: hb.Cursor})
	rec2.next(t)
	if m := rec2.waitEvent(t, "1002", "AgentState_SetNotReady_Success"); m.Reason != "0" {
		t.Fatalf("got %+v", m)
	}
}

func TestSnapshotDerivesAgentState(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	res, err := h.core.CallInnerSkill(ctxT(t, 5*time.Second), core.CallParams{AgentID: "1001", SkillID: 1, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil || res.Outcome != core.CallConnected {
		t.Fatalf("%+v %v", res, err)
	}
	rec := startStream(t, h.core, core.StreamParams{})
	snap := rec.next(t).Snapshot
	if snap == nil || len(snap.Agents) != 2 {
		t.Fatalf("snapshot %+v", snap)
	}
	a := snap.Agents[0]
	if a.View.AgentID != "1001" || a.View.State != core.StateTalking || len(a.View.ActiveCalls) != 1 || a.View.ActiveCalls[0] != res.CallID || a.Session != store.SessionActive {
		t.Fatalf("caller view %+v session %v", a.View, a.Session)
	}
}

func TestBadCursor(t *testing.T) {
	h := newHarness(t, setup{})
	err := h.core.Stream(ctxT(t, time.Second), core.StreamParams{ResumeAfter: "nope"}, func(core.StreamMsg) error { return nil })
	if !errors.Is(err, core.ErrBadCursor) {
		t.Fatalf("got %v", err)
	}
}
