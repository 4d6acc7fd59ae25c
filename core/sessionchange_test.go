package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// waitChange returns the next session change for the agent, skipping other messages.
func (r *recorder) waitChange(t *testing.T, agent string) (*core.Logged, core.SessionChange) {
	t.Helper()
	for {
		m := r.next(t)
		if m.Event == nil || m.Event.AgentID != agent {
			continue
		}
		if ch, ok := m.Event.SessionChange(); ok {
			return m.Event, ch
		}
	}
}

// talking signs 1001 and 1002 in and puts 1001 in a call answered by 1002.
func talking(t *testing.T, h *harness) (core.SessionInfo, string) {
	t.Helper()
	h.signIn(t, "1001")
	h.signIn(t, "1002")
	ctx := ctxT(t, 5*time.Second)
	res, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 1, CommandOptions: core.CommandOptions{Await: true}})
	if err != nil || res.Outcome != core.CallConnected {
		t.Fatalf("call: %+v %v", res, err)
	}
	s, err := h.core.GetSession(ctx, "1001")
	if err != nil || s.View.State != core.StateTalking || !slices.Contains(s.View.ActiveCalls, res.CallID) {
		t.Fatalf("before: %+v %v", s.View, err)
	}
	return s, res.CallID
}

// A session the bridge starts is empty (issue 9 item 3): nothing of an earlier session's state,
// calls or cursor carries over, however the earlier one ended.
func TestNewSessionStartsEmpty(t *testing.T) {
	pw := core.SignInParams{AgentID: "1001", Password: "demo-1001", PhoneNumber: "71001"}
	for _, tc := range []struct {
		name string
		end  func(context.Context, *harness) (core.SessionInfo, error)
	}{
		{"forced sign-in over a call", func(ctx context.Context, h *harness) (core.SessionInfo, error) {
			p := pw
			p.Force = true
			return h.core.SignIn(ctx, p)
		}},
		{"forced sign-out mid-call, then sign-in", func(ctx context.Context, h *harness) (core.SessionInfo, error) {
			if err := h.core.SignOut(ctx, "1001", true); err != nil {
				return core.SessionInfo{}, err
			}
			return h.core.SignIn(ctx, pw)
		}},
		{"signed out by the gateway mid-call, then sign-in", func(ctx context.Context, h *harness) (core.SessionInfo, error) {
			if err := h.sim.SignOutAgent("1001"); err != nil {
				return core.SessionInfo{}, err
			}
			eventually(t, func() bool {
				s, err := h.core.GetSession(ctx, "1001")
				return err == nil && s.State == store.SessionLost
			})
			return h.core.SignIn(ctx, pw)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, setup{})
			before, callID := talking(t, h)
			ctx := ctxT(t, 5*time.Second)
			after, err := tc.end(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []core.SessionInfo{after, must(h.core.GetSession(ctx, "1001"))} {
				if s.State != store.SessionActive || s.View.State == core.StateTalking || len(s.View.ActiveCalls) != 0 ||
					s.View.LastSeq <= before.View.LastSeq || s.View.LastCursor == before.View.LastCursor {
					t.Fatalf("new session %+v (before: %+v)", s.View, before.View)
				}
			}
			// The cursor handed out with the new session resumes after everything of the old one.
			rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: after.View.LastCursor})
			snap := rec.next(t).Snapshot
			if snap == nil || len(snap.Agents) != 1 || slices.Contains(snap.Agents[0].View.ActiveCalls, callID) {
				t.Fatalf("snapshot %+v", snap)
			}
			if err := h.sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "9"}); err != nil {
				t.Fatal(err)
			}
			for {
				m := rec.next(t)
				if m.Event == nil {
					continue
				}
				if m.Event.Seq <= after.View.LastSeq || m.Event.CallID == callID {
					t.Fatalf("resumed stream replays the old session: %+v", m.Event.Event)
				}
				if m.Event.Reason == "9" {
					break
				}
			}
		})
	}
}

// A LOST session keeps no state and no calls (issue 9 item 3), in GetSession and in snapshots.
func TestLostSessionKeepsNoCalls(t *testing.T) {
	h := newHarness(t, setup{core: func(o *core.Options) { o.LostConfirm = 100 * time.Millisecond }})
	talking(t, h)
	if _, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpGetAgentEvent, Retcode: "000-003"}); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t, 5*time.Second)
	eventually(t, func() bool {
		s, err := h.core.GetSession(ctx, "1001")
		return err == nil && s.State == store.SessionLost
	})
	h.sim.ClearFaults()
	s := must(h.core.GetSession(ctx, "1001"))
	if s.View.State != core.StateUnknown || len(s.View.ActiveCalls) != 0 {
		t.Fatalf("lost session view %+v", s.View)
	}
	snap := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}}).next(t).Snapshot
	if len(snap.Agents) != 1 || snap.Agents[0].Session != store.SessionLost || snap.Agents[0].View.State != core.StateUnknown ||
		len(snap.Agents[0].View.ActiveCalls) != 0 || snap.Agents[0].LostReason == "" {
		t.Fatalf("snapshot %+v", snap.Agents)
	}
}

// Every way a session begins, ends or is lost is a message in the agent's log (issue 9 item 4):
// streamed live past any event_types filter, numbered like the agent's events, replayed on
// resume, and reflected by the snapshot of any stream opened after it.
func TestSessionChangesAreLogged(t *testing.T) {
	h := newHarness(t, setup{
		core: func(o *core.Options) { o.LostConfirm, o.HeartbeatWindow = 100*time.Millisecond, 600*time.Millisecond },
		gw:   func(c *gatewayclient.Config) { c.PollTimeout = 200 * time.Millisecond },
		sim:  func(c *gatewaysim.Config) { c.PollWait = 50 * time.Millisecond },
	})
	ctx := ctxT(t, 20*time.Second)
	live := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, EventTypes: []string{"AgentEvent_Talking"}})
	first := live.next(t).Snapshot.Cursor
	signIn := func(force bool) func() error {
		return func() error {
			_, err := h.core.SignIn(ctx, core.SignInParams{AgentID: "1001", Password: "demo-1001", PhoneNumber: "71001", Force: force})
			return err
		}
	}
	fault := func(f gatewaysim.Fault) func() error {
		return func() error { _, err := h.sim.SetFault(f); return err }
	}
	steps := []struct {
		do     func() error
		state  store.SessionState
		reason core.ChangeReason
	}{
		{signIn(false), store.SessionActive, core.ChangeSignedIn},
		{signIn(true), store.SessionActive, core.ChangeForcedSignIn},
		{func() error { return h.core.SignOut(ctx, "1001", false) }, 0, core.ChangeSignedOut},
		{signIn(false), store.SessionActive, core.ChangeSignedIn},
		{func() error { return h.sim.SignOutAgent("1001") }, store.SessionLost, core.ChangeSignedOutByGateway},
		{signIn(false), store.SessionActive, core.ChangeSignedIn},
		{fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpGetAgentEvent, Retcode: "000-003"}), store.SessionLost, core.ChangeGUIDRefused},
		{signIn(true), store.SessionActive, core.ChangeForcedSignIn},
		{fault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpGetAgentEvent, Retcode: "100-006"}), store.SessionLost, core.ChangeNotSignedIn},
		{signIn(true), store.SessionActive, core.ChangeForcedSignIn},
		{fault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent}), store.SessionLost, core.ChangeHeartbeatExpired},
	}
	var seqs []uint64
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		ev, ch := live.waitChange(t, "1001")
		h.sim.ClearFaults()
		if ch.State != st.state || ch.Reason != st.reason || (st.state == store.SessionLost) != (ch.Detail != "") {
			t.Fatalf("step %d: change %+v, want state %v reason %v", i, ch, st.state, st.reason)
		}
		seqs = append(seqs, ev.Seq)
		snap := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}}).next(t).Snapshot
		switch {
		case st.state == 0 && len(snap.Agents) == 0:
		case st.state != 0 && len(snap.Agents) == 1 && snap.Agents[0].Session == st.state && snap.Agents[0].View.LastSeq >= ev.Seq &&
			(st.state == store.SessionActive || snap.Agents[0].View.State == core.StateUnknown && snap.Agents[0].LostReason == ch.Detail):
		default:
			t.Fatalf("step %d: snapshot %+v disagrees with change %+v (seq %d)", i, snap.Agents, ch, ev.Seq)
		}
	}
	// Replayed from the very first cursor, the same changes come back with the same numbers,
	// interleaved with the gateway's events in one sequence.
	replay := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: first})
	replay.next(t)
	var last uint64
	for i := range steps {
		for {
			m := replay.next(t)
			if m.Event == nil {
				continue
			}
			if m.Event.Seq != last+1 {
				t.Fatalf("sequence %d after %d: session changes must be numbered with the events", m.Event.Seq, last)
			}
			last = m.Event.Seq
			if _, ok := m.Event.SessionChange(); ok {
				if m.Event.Seq != seqs[i] {
					t.Fatalf("replayed change %d has sequence %d, live %d", i, m.Event.Seq, seqs[i])
				}
				break
			}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A session change that retention dropped is counted in the gap like any event.
func TestSessionChangeCountedInGap(t *testing.T) {
	h := newHarness(t, retain(3))
	before := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}}).next(t).Snapshot.Cursor
	evs := record(t, h, []string{"1001"}, 3) // 1 the sign-in's change, 2 InService, 3 Ready, 4-6 markers
	if _, ok := evs[0].SessionChange(); !ok || evs[0].Seq != 1 {
		t.Fatalf("first logged message %+v, want the sign-in's session change", evs[0].Event)
	}
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}, ResumeAfter: before})
	rec.next(t)
	if got, want := describe(collect(t, rec, 3)), []string{"gap 1001 1-3", "1001:4", "1001:5", "1001:6"}; !slices.Equal(got, want) {
		t.Fatalf("resumed from before the sign-in: %v, want %v", got, want)
	}
}
