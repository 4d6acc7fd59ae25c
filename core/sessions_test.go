package core_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func TestSignInStartsOnePollerAndIsIdempotent(t *testing.T) {
	h := newHarness(t, setup{})
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	if snap := rec.next(t).Snapshot; snap == nil || len(snap.Agents) != 0 {
		t.Fatalf("first message should be an empty snapshot (no session held yet), got %+v", snap)
	}
	s := h.signIn(t, "1001")
	// A new session starts empty; its sign-in events may or may not have arrived by now.
	if s.State != store.SessionActive || s.GUID == "" || !s.VoiceEnabled || (s.View.State != core.StateUnknown && s.View.State != core.StateIdle) {
		t.Fatalf("session = %+v", s.Session)
	}
	rec.waitEvent(t, "1001", "AgentOther_InService")
	rec.waitEvent(t, "1001", "AgentState_Ready")

	h.signIn(t, "1001") // same password: the held session, no second login
	if n := h.calls.op("login"); n != 1 {
		t.Fatalf("login calls = %d, want 1", n)
	}
	if got := testGauge(t, h.m.Pollers); got != 1 {
		t.Fatalf("pollers = %v, want 1", got)
	}
	st, err := h.sim.AgentState("1001")
	if err != nil || !st.SignedIn || len(st.ActiveSkills) == 0 {
		t.Fatalf("simulator agent = %+v, %v (want signed in with skills joined)", st, err)
	}
}

func TestSignInErrors(t *testing.T) {
	h := newHarness(t, setup{})
	ctx := ctxT(t, 5*time.Second)
	_, err := h.core.SignIn(ctx, core.SignInParams{AgentID: "1001", Password: "wrong", PhoneNumber: "71001"})
	if !gatewayclient.IsCredentialsRejected(err) {
		t.Fatalf("wrong password: %v", err)
	}
	// Signed in elsewhere (a direct gateway client): refused without force, taken over with it.
	other, err := gatewayclient.New(gatewayclient.Config{BaseURL: h.simURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, _, err := other.SignIn(ctx, "1002", gatewayclient.SignInRequest{Password: "demo-1002", PhoneNumber: "71002"}); err != nil {
		t.Fatal(err)
	}
	p := core.SignInParams{AgentID: "1002", Password: "demo-1002", PhoneNumber: "71002"}
	if _, err := h.core.SignIn(ctx, p); !gatewayclient.IsAlreadySignedIn(err) {
		t.Fatalf("signed in elsewhere, no force: %v", err)
	}
	p.Force = true
	if _, err := h.core.SignIn(ctx, p); err != nil {
		t.Fatalf("forced: %v", err)
	}
	if h.calls.op("forceLogin") != 1 {
		t.Fatal("forced sign-in did not use forcelogin")
	}
}

func TestSignOut(t *testing.T) {
	h := newHarness(t, setup{})
	ctx := ctxT(t, 5*time.Second)
	h.signIn(t, "1001")
	if err := h.core.SignOut(ctx, "1001", false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.core.GetSession(ctx, "1001"); !errors.Is(err, core.ErrNoSession) {
		t.Fatalf("after sign-out: %v", err)
	}
	if st, _ := h.sim.AgentState("1001"); st.SignedIn {
		t.Fatal("simulator still has the agent signed in")
	}
	if err := h.core.SignOut(ctx, "1001", false); !errors.Is(err, core.ErrNoSession) {
		t.Fatalf("second sign-out: %v", err)
	}
	eventually(t, func() bool { return testGauge(t, h.m.Pollers) == 0 })
}

func TestListSessionsPaginates(t *testing.T) {
	h := newHarness(t, setup{})
	for _, id := range []string{"1003", "1001", "1002"} {
		h.signIn(t, id)
	}
	ctx := ctxT(t, 5*time.Second)
	var got []string
	token := ""
	for {
		page, next, err := h.core.ListSessions(ctx, token, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page {
			got = append(got, s.AgentID)
		}
		if next == "" {
			break
		}
		token = next
	}
	if len(got) != 3 || got[0] != "1001" || got[2] != "1003" {
		t.Fatalf("listed %v", got)
	}
	if _, _, err := h.core.ListSessions(ctx, "%%%", 2); !errors.Is(err, core.ErrBadPageToken) {
		t.Fatalf("bad token: %v", err)
	}
}

func TestSessionLostWhenGatewaySignsAgentOut(t *testing.T) {
	h := newHarness(t, setup{})
	h.signIn(t, "1001")
	if err := h.sim.SignOutAgent("1001"); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t, 5*time.Second)
	eventually(t, func() bool {
		s, err := h.core.GetSession(ctx, "1001")
		return err == nil && s.State == store.SessionLost
	})
	s, _ := h.core.GetSession(ctx, "1001")
	if s.LostReason == "" {
		t.Fatal("lost session has no reason")
	}
	_, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 1})
	if !errors.Is(err, core.ErrSessionLost) {
		t.Fatalf("command on a lost session: %v", err)
	}
	h.signIn(t, "1001") // signing in again recovers
	if s, _ := h.core.GetSession(ctx, "1001"); s.State != store.SessionActive {
		t.Fatalf("after new sign-in: %v", s.State)
	}
}

func TestGUIDRotationOverManyIntervals(t *testing.T) {
	h := newHarness(t, setup{sim: func(c *gatewaysim.Config) {
		// Rotation every 30 ms (the gateway's 60 s scaled down) with a poll wait well inside it. A
		// replaced GUID lives 370 ms more, so that a command delayed by a starved scheduler (two
		// cores, -race) is not mistaken for a bridge that failed to adopt the new GUID.
		c.GUIDInterval, c.GUIDTimeout, c.PollWait = 30*time.Millisecond, 400*time.Millisecond, 10*time.Millisecond
	}})
	first := h.signIn(t, "1001").GUID
	h.signIn(t, "1002")
	ctx := ctxT(t, 10*time.Second)
	deadline := time.Now().Add(1500 * time.Millisecond) // 50 rotation intervals
	calls := 0
	for time.Now().Before(deadline) {
		// Commands go out with whatever GUID the poller last adopted.
		if _, err := h.core.CallInnerSkill(ctx, core.CallParams{AgentID: "1001", SkillID: 2}); err != nil {
			t.Fatalf("call %d: %v", calls, err)
		}
		calls++
		time.Sleep(50 * time.Millisecond)
	}
	s, err := h.core.GetSession(ctx, "1001")
	if err != nil || s.State != store.SessionActive {
		t.Fatalf("session after rotation: %+v %v", s.Session, err)
	}
	if s.GUID == first {
		t.Fatal("GUID never rotated in the store")
	}
	if n := h.calls.retcode("000-003") + h.calls.retcode("100-006"); n != 0 {
		t.Fatalf("%d authentication failures during rotation", n)
	}
}

func TestGatewayOutageAndRecovery(t *testing.T) {
	h := newHarness(t, setup{gw: func(c *gatewayclient.Config) { c.PollTimeout = 200 * time.Millisecond }})
	h.signIn(t, "1001")
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	rec.next(t) // snapshot
	id, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return testCounter(t, h.m.PollErrors) >= 2 })
	if err := h.sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "0"}); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.ClearFault(id); err != nil {
		t.Fatal(err)
	}
	rec.waitEvent(t, "1001", "AgentState_SetNotReady_Success")
	if s, _ := h.core.GetSession(ctxT(t, time.Second), "1001"); s.State != store.SessionActive {
		t.Fatalf("session after outage: %v", s.State)
	}
}

// Signing in an agent the bridge holds (issue 9 item 12): the same request is idempotent and
// never reaches the gateway; any other request is refused and leaves the held session alone;
// force replaces the held session through the gateway's forced sign-in.
func TestSignInHeldAgent(t *testing.T) {
	yes, no := true, false
	base := core.SignInParams{AgentID: "1003", Password: "demo-1003", PhoneNumber: "71003",
		InitialState: gatewayclient.StatusBusy, SkillIDs: []int64{1, 2}, AutoAnswer: &yes}
	for _, tc := range []struct {
		name   string
		change func(*core.SignInParams)
		want   error // nil: the held session comes back
	}{
		{"same request", func(*core.SignInParams) {}, nil},
		{"same skills in another order", func(p *core.SignInParams) { p.SkillIDs = []int64{2, 1} }, nil},
		{"other phone number", func(p *core.SignInParams) { p.PhoneNumber = "71004" }, core.ErrHeldWithOtherRequest},
		{"other password", func(p *core.SignInParams) { p.Password = "demo-1004" }, core.ErrHeldWithOtherRequest},
		{"other initial state", func(p *core.SignInParams) { p.InitialState = gatewayclient.StatusIdle }, core.ErrHeldWithOtherRequest},
		{"other skills", func(p *core.SignInParams) { p.SkillIDs = []int64{2} }, core.ErrHeldWithOtherRequest},
		{"auto answer left out", func(p *core.SignInParams) { p.AutoAnswer = nil }, core.ErrHeldWithOtherRequest},
		{"auto answer off", func(p *core.SignInParams) { p.AutoAnswer = &no }, core.ErrHeldWithOtherRequest},
		{"release phone set", func(p *core.SignInParams) { p.ReleasePhone = &no }, core.ErrHeldWithOtherRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, setup{})
			ctx := ctxT(t, 5*time.Second)
			first, err := h.core.SignIn(ctx, base)
			if err != nil {
				t.Fatal(err)
			}
			p := base
			p.SkillIDs = slices.Clone(base.SkillIDs)
			tc.change(&p)
			got, err := h.core.SignIn(ctx, p)
			if !errors.Is(err, tc.want) {
				t.Fatalf("second sign-in: %v, want %v", err, tc.want)
			}
			if tc.want == nil && (got.GUID != first.GUID || got.Revision != first.Revision) {
				t.Fatalf("not the held session: %+v", got.Session)
			}
			if n := h.calls.op("login") + h.calls.op("forceLogin"); n != 1 {
				t.Fatalf("%d sign-in calls reached the gateway, want 1", n)
			}
			if s, err := h.core.GetSession(ctx, "1003"); err != nil || s.GUID != first.GUID || s.PhoneNumber != "71003" {
				t.Fatalf("held session changed: %+v %v", s.Session, err)
			}
		})
	}
}

func TestForcedSignInReplacesHeldSession(t *testing.T) {
	h := newHarness(t, setup{})
	ctx := ctxT(t, 5*time.Second)
	first := h.signIn(t, "1001")
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	rec.next(t)
	p := core.SignInParams{AgentID: "1001", Password: "demo-1001", PhoneNumber: "71001", InitialState: gatewayclient.StatusIdle, Force: true}
	second, err := h.core.SignIn(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if second.GUID == first.GUID || h.calls.op("forceLogin") != 1 || h.calls.op("login") != 1 {
		t.Fatalf("force did not sign in again with forcelogin: login %d, forceLogin %d", h.calls.op("login"), h.calls.op("forceLogin"))
	}
	if _, ch := rec.waitChange(t, "1001"); ch.Reason != core.ChangeForcedSignIn || ch.State != store.SessionActive {
		t.Fatalf("change %+v", ch)
	}
	if got := testGauge(t, h.m.Pollers); got != 1 {
		t.Fatalf("pollers = %v, want 1", got)
	}
	// The replaced session's poller is gone without declaring anything lost, and the new one works.
	if err := h.sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "3"}); err != nil {
		t.Fatal(err)
	}
	rec.waitEvent(t, "1001", "AgentState_SetNotReady_Success")
	if s, err := h.core.GetSession(ctx, "1001"); err != nil || s.State != store.SessionActive || s.GUID != second.GUID {
		t.Fatalf("after forced sign-in: %+v %v", s.Session, err)
	}
	// The request that started the new session is now the one recognised.
	p.Force = false
	if again, err := h.core.SignIn(ctx, p); err != nil || again.GUID != second.GUID {
		t.Fatalf("repeat of the forcing request: %+v %v", again.Session, err)
	}
}

// One refused poll is not a lost session (issue 9 item 5); refusals that go on are, but only
// after the confirmation period, during which the bridge keeps re-polling.
func TestRefusedPollIsConfirmedBeforeLost(t *testing.T) {
	const confirm = 300 * time.Millisecond
	h := newHarness(t, setup{core: func(o *core.Options) { o.LostConfirm = confirm }})
	ctx := ctxT(t, 10*time.Second)
	h.signIn(t, "1001")
	rec := startStream(t, h.core, core.StreamParams{AgentIDs: []string{"1001"}})
	rec.next(t)
	if _, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpGetAgentEvent, Retcode: "000-003", Count: 1}); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return len(h.sim.Faults()) == 0 }) // spent
	if err := h.sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": "1"}); err != nil {
		t.Fatal(err)
	}
	for {
		m := rec.next(t)
		if m.Event == nil {
			continue
		}
		if _, ok := m.Event.SessionChange(); ok {
			t.Fatalf("one refused poll changed the session: %+v", m.Event.Event)
		}
		if m.Event.Type == "AgentState_SetNotReady_Success" {
			break
		}
	}
	if s, err := h.core.GetSession(ctx, "1001"); err != nil || s.State != store.SessionActive {
		t.Fatalf("after one refusal: %+v %v", s.Session, err)
	}

	start := time.Now()
	if _, err := h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpGetAgentEvent, Retcode: "000-003"}); err != nil {
		t.Fatal(err)
	}
	_, ch := rec.waitChange(t, "1001")
	if took := time.Since(start); ch.State != store.SessionLost || ch.Reason != core.ChangeGUIDRefused || took < confirm {
		t.Fatalf("change %+v after %v (confirmation period %v)", ch, took, confirm)
	}
	if n := h.calls.retcode("000-003"); n < 3 {
		t.Fatalf("%d refused polls before declaring the session lost; the bridge must re-poll to confirm", n)
	}
}
