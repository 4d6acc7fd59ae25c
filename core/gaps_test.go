package core_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
)

// collect reads messages after the snapshot until n events have arrived; the stream must then
// be quiet (checked by the caller where it matters).
func collect(t *testing.T, rec *recorder, n int) []core.StreamMsg {
	t.Helper()
	var out []core.StreamMsg
	for seen := 0; seen < n; {
		m := rec.next(t)
		out = append(out, m)
		if m.Event != nil {
			seen++
		}
	}
	return out
}

// describe renders messages as "1001:3" (event), "gap 1001 3-5" and "restart 1001" for
// comparison.
func describe(msgs []core.StreamMsg) []string {
	var out []string
	for _, m := range msgs {
		switch {
		case m.Event != nil:
			out = append(out, fmt.Sprintf("%s:%d", m.Event.AgentID, m.Event.Seq))
		case m.Gap != nil && m.Gap.LogRestarted:
			out = append(out, fmt.Sprintf("restart %s %d-%d", m.Gap.AgentID, m.Gap.FromSeq, m.Gap.ToSeq))
		case m.Gap != nil:
			out = append(out, fmt.Sprintf("gap %s %d-%d", m.Gap.AgentID, m.Gap.FromSeq, m.Gap.ToSeq))
		}
	}
	return out
}

// record signs the agents in, pushes n marker events to each (interleaved) and returns every
// event as a live stream over them saw it. Each step waits for its events, so the log order is
// the order of the steps: 1001:1-3 (the sign-in's session change, InService, Ready), 1002:1-3,
// 1001:4 1002:4 ...
func record(t *testing.T, h *harness, agents []string, n int) []*core.Logged {
	t.Helper()
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: agents})
	rec.next(t)
	var evs []*core.Logged
	for _, a := range agents {
		h.signIn(t, a)
		change, _ := rec.waitChange(t, a)
		evs = append(evs, change, rec.waitEvent(t, a, "AgentOther_InService"), rec.waitEvent(t, a, "AgentState_Ready"))
	}
	for i := range n {
		for _, a := range agents {
			push(t, h, a, i, 1)
			evs = append(evs, rec.waitEvent(t, a, "AgentState_SetNotReady_Success"))
		}
	}
	rec.cancel()
	return evs
}

func retain(n int) setup {
	return setup{mem: func(o *memory.Options) { o.Retention = store.Retention{MaxEvents: n} }}
}

// TestGapNamesTheMissingRange: with 3 events kept per agent, resuming after sequence 2 of 9
// reports 3-6 missing, then 7-9.
func TestGapNamesTheMissingRange(t *testing.T) {
	h := newHarness(t, retain(3))
	evs := record(t, h, []string{"1001"}, 6)
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: evs[1].Cursor})
	rec.next(t)
	got := describe(collect(t, rec, 3))
	if want := []string{"gap 1001 3-6", "1001:7", "1001:8", "1001:9"}; !slices.Equal(got, want) {
		t.Fatalf("resumed after sequence 2: %v, want %v", got, want)
	}
}

// TestGapResumeCursorIsPastTheGap: a gap comes in log order, right before the agent's next
// event, and its resume_cursor resumes exactly there: no second gap, nothing skipped of the
// other agent, nothing repeated.
func TestGapResumeCursorIsPastTheGap(t *testing.T) {
	h := newHarness(t, retain(4))
	agents := []string{"1001", "1002"}
	evs := record(t, h, agents, 1)
	push(t, h, "1001", 10, 6) // 1001 loses its early events; 1002 keeps all 4 of its own
	eventually(t, func() bool {
		got, _ := h.store.Read(ctxT(t, time.Second), []string{"1001"}, 0, 10)
		return len(got) == 4 && got[3].Seq == 10
	})
	first := startStream(t, h.core, core.StreamParams{AgentIDs: agents, ResumeAfter: evs[0].Cursor})
	first.next(t)
	msgs := collect(t, first, 8)
	got := describe(msgs)
	// In log order 1001's early events and 1002's interleave; 1001's dropped ones sit among
	// 1002's, so its gap comes after 1002's last event before 1001:7.
	want := []string{"1002:1", "1002:2", "1002:3", "1002:4", "gap 1001 2-6", "1001:7", "1001:8", "1001:9", "1001:10"}
	if !slices.Equal(got, want) {
		t.Fatalf("resumed stream %v, want %v", got, want)
	}
	gap := msgs[4].Gap
	again := startStream(t, h.core, core.StreamParams{AgentIDs: agents, ResumeAfter: gap.ResumeCursor})
	again.next(t)
	if got := describe(collect(t, again, 4)); !slices.Equal(got, want[5:]) {
		t.Fatalf("resumed from the gap's resume_cursor: %v, want %v", got, want[5:])
	}
}

// TestLogRestartedGapNamesEachAgent: a cursor from an earlier run of the log gets one
// LOG_RESTARTED gap per followed agent, in log order, whose resume_cursor does not report the
// restart again.
func TestLogRestartedGapNamesEachAgent(t *testing.T) {
	old := newHarness(t, setup{})
	stale := record(t, old, []string{"1001"}, 0)[1].Cursor

	h := newHarness(t, setup{})
	record(t, h, []string{"1001"}, 1)
	agents := []string{"1001", "1002"}
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: agents, ResumeAfter: stale})
	rec.next(t)
	msgs := collect(t, rec, 4)
	msgs = append(msgs, rec.next(t))
	want := []string{"restart 1001 0-0", "1001:1", "1001:2", "1001:3", "1001:4", "restart 1002 0-0"}
	if got := describe(msgs); !slices.Equal(got, want) {
		t.Fatalf("stream from a stale cursor: %v, want %v", got, want)
	}
	again := startStream(t, h.core, core.StreamParams{AgentIDs: agents, ResumeAfter: msgs[0].Gap.ResumeCursor})
	again.next(t)
	if got := describe(collect(t, again, 4)); !slices.Equal(got, want[1:5]) {
		t.Fatalf("resumed from the restart gap's cursor: %v, want %v", got, want[1:5])
	}
}

// TestResumeSnapshotDescribesItsCursor: on resume, the snapshot's cursor is the position its
// state describes, so the replayed events are exactly those it already reflects.
func TestResumeSnapshotDescribesItsCursor(t *testing.T) {
	h := newHarness(t, setup{})
	evs := record(t, h, []string{"1001"}, 3)
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: evs[1].Cursor})
	snap := rec.next(t).Snapshot
	if snap == nil || len(snap.Agents) != 1 || snap.Agents[0].View.LastSeq != 6 || snap.Cursor != evs[5].Cursor {
		t.Fatalf("snapshot %+v, want last sequence 6 at the cursor of sequence 6", snap)
	}
	for _, m := range collect(t, rec, 4) {
		if m.Event != nil && m.Event.Seq > snap.Agents[0].View.LastSeq {
			t.Fatalf("replayed event %d is not reflected in the snapshot", m.Event.Seq)
		}
	}
	push(t, h, "1001", 9, 1)
	from := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: snap.Cursor})
	from.next(t)
	if got := describe(collect(t, from, 1)); !slices.Equal(got, []string{"1001:7"}) {
		t.Fatalf("resumed from the snapshot: %v", got)
	}
}

// TestCursorAcrossSelections: a cursor is a point in the bridge-wide event order, so it resumes
// any selection: the new stream gets its own agents' events after that point, none before.
func TestCursorAcrossSelections(t *testing.T) {
	h := newHarness(t, setup{})
	evs := record(t, h, []string{"1001", "1002"}, 2)
	after := func(pos uint64, agents ...string) []string {
		var out []string
		for _, e := range evs {
			if e.Pos > pos && slices.Contains(agents, e.AgentID) {
				out = append(out, fmt.Sprintf("%s:%d", e.AgentID, e.Seq))
			}
		}
		return out
	}
	mid := evs[3] // from the two-agent stream
	narrow := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1002"}, ResumeAfter: mid.Cursor})
	narrow.next(t)
	want := after(mid.Pos, "1002")
	if got := describe(collect(t, narrow, len(want))); !slices.Equal(got, want) {
		t.Fatalf("two-agent cursor on a one-agent stream: %v, want %v", got, want)
	}
	one := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: mid.Cursor})
	one.next(t)
	oneEv := collect(t, one, 1)[0].Event // from the one-agent stream
	wide := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001", "1002"}, ResumeAfter: oneEv.Cursor})
	wide.next(t)
	want = after(oneEv.Pos, "1001", "1002")
	if got := describe(collect(t, wide, len(want))); !slices.Equal(got, want) {
		t.Fatalf("one-agent cursor on a two-agent stream: %v, want %v", got, want)
	}
}

// TestGapForEventsDroppedDuringTheReplay: retention drops events the replay has not read yet
// (here, while it sends its first batch). They are reported as a gap, not skipped silently.
func TestGapForEventsDroppedDuringTheReplay(t *testing.T) {
	h := newHarness(t, retain(600))
	ctx := ctxT(t, 10*time.Second)
	live := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	live.next(t)
	if _, err := h.store.Append(ctx, "1001", make([]store.Event, 600)...); err != nil {
		t.Fatal(err)
	}
	first := live.waitEvent(t, "1001", "")
	for m := live.next(t); m.Event == nil || m.Event.Seq != 600; m = live.next(t) {
	}

	var got []string
	appended := false
	stop := errors.New("stop")
	err := h.core.Stream(ctx, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: first.Cursor}, func(m core.StreamMsg) error {
		if m.Event != nil && !appended { // the replay has read its first batch, 2-513; drop 1-600
			appended = true
			if _, err := h.store.Append(ctx, "1001", make([]store.Event, 600)...); err != nil {
				t.Error(err)
			}
		}
		got = append(got, describe([]core.StreamMsg{m})...)
		if m.Event != nil && m.Event.Seq == 1200 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatal(err)
	}
	want := []string{"1001:513", "gap 1001 514-600", "1001:601"}
	if i := slices.Index(got, "1001:513"); i < 0 || !slices.Equal(got[i:i+3], want) || len(got) != 512+1+600 {
		t.Fatalf("after the first batch got %v (of %d messages), want %v", got[max(0, i-1):min(len(got), max(0, i)+3)], len(got), want)
	}
}
