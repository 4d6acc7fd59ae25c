package gatewaysim_test

import (
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

var callIDPattern = regexp.MustCompile(`^\d+-\d+$`)

func TestCallInnerSkillConnects(t *testing.T) {
	h := newHarness(t, nil)
	c := h.client()
	caller, called := h.session(c, "1001"), h.session(c, "1002")
	callID, err := caller.CallInnerSkill(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !callIDPattern.MatchString(callID) || callID[:len(strconv.FormatInt(epoch.Unix(), 10))] != strconv.FormatInt(epoch.Unix(), 10) {
		t.Fatalf("call id %q", callID)
	}
	evs := h.drain(caller)
	want := []string{"AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentState_Busy", "AgentEvent_Customer_Alerting", "AgentEvent_Talking"}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("caller events %v", got)
	}
	if evs[3].OtherPhone != "1002" || evs[3].CallID != callID {
		t.Fatalf("Customer_Alerting %+v", evs[3])
	}
	talk := evs[4]
	if talk.Caller != "1001" || talk.Called != "1002" || talk.CallID != callID || talk.Feature != "6" {
		t.Fatalf("Talking %+v", talk)
	}
	if got := string(talk.Content); !regexp.MustCompile(`"mediaAbility":"1"`).MatchString(got) || !regexp.MustCompile(`"type":"main"`).MatchString(got) {
		t.Fatalf("Talking content %s", got)
	}
	if got := types(h.drain(called)); !slices.Equal(got, []string{"AgentEvent_Auto_Answer", "AgentState_Busy", "AgentEvent_Talking"}) {
		t.Fatalf("called events %v", got)
	}
	for _, id := range []string{"1001", "1002"} {
		if st, _ := h.sim.AgentState(id); st.State != "talking" || st.VoiceCallID != callID {
			t.Fatalf("%s state %+v", id, st)
		}
	}
	// Already talking: the CTI refuses a second call.
	if _, err := caller.CallInnerSkill(ctx(t), 1); retcodeOf(err) != "100-007" {
		t.Fatalf("second call while talking: %v", err)
	}
	// The called agent hangs up: both return to idle.
	if r := h.do("DELETE", gw+"voicecall/1002/release", called.GUID(), ""); r.env.Retcode != "0" {
		t.Fatalf("release: %s", r.raw)
	}
	if got := types(h.drain(called)); !slices.Equal(got, []string{"AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"}) {
		t.Fatalf("releasing agent events %v", got)
	}
	if got := types(h.drain(caller)); !slices.Equal(got, []string{"AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"}) {
		t.Fatalf("other agent events %v", got)
	}
}

func TestCallInnerSkillFailures(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(h *harness, c *gatewayclient.Client) // after the caller 1001 is ready
		skill   int64
		wantErr string // retcode, "" = success with Inside_Call_Fail
	}{
		{"only the caller is in the queue", nil, 1, ""},
		{"target busy", func(h *harness, c *gatewayclient.Client) {
			s := h.session(c, "1002")
			if err := s.SetBusy(ctx(h.t), 0, false); err != nil {
				h.t.Fatal(err)
			}
		}, 1, ""},
		{"target signed in but joined no queue", func(h *harness, c *gatewayclient.Client) {
			s := h.session(c, "1002")
			if err := s.ResetSkills(ctx(h.t), false, nil); err != nil {
				h.t.Fatal(err)
			}
		}, 1, ""},
		{"target not in that queue", func(h *harness, c *gatewayclient.Client) { h.session(c, "1002") }, 2, ""},
		{"unknown skill", nil, 99, "000-002"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			c := h.client()
			caller := h.session(c, "1001")
			if tc.setup != nil {
				tc.setup(h, c)
			}
			callID, err := caller.CallInnerSkill(ctx(t), tc.skill)
			if tc.wantErr != "" {
				if retcodeOf(err) != tc.wantErr {
					t.Fatalf("got %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || !callIDPattern.MatchString(callID) {
				t.Fatalf("call id %q, %v", callID, err)
			}
			evs := h.drain(caller)
			if len(evs) != 1 || evs[0].Type != "AgentEvent_Inside_Call_Fail" || string(evs[0].Content) != strconv.Quote(callID) {
				t.Fatalf("events %v, want one Inside_Call_Fail with content %q", evs, strconv.Quote(callID))
			}
			if st, _ := h.sim.AgentState("1001"); st.State != "idle" || st.VoiceCallID != "" {
				t.Fatalf("caller state %+v", st)
			}
		})
	}
}

func TestCallInnerSkillBadBodies(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001")["1001"]
	for _, body := range []string{``, `[]`, `{}`, `{"skillId":"x"}`, `{"skillId":1.5}`, `{"skillid":1}`, `{"skillId":`} {
		if r := h.do("PUT", gw+"voicecall/1001/callinnerskill", g, body); r.env.Retcode != "000-002" {
			t.Errorf("body %q: %s", body, r.raw)
		}
	}
	// Lenient typing: a numeric string is a skill id.
	h.ready("1002")
	if r := h.do("PUT", gw+"voicecall/1001/callinnerskill", g, `{"skillId":"1"}`); r.env.Retcode != "0" {
		t.Fatalf("string skill id: %s", r.raw)
	}
}

func TestCallInnerSkillPicksLongestIdle(t *testing.T) {
	h := newHarness(t, nil)
	c := h.client()
	caller := h.session(c, "1001")
	h.session(c, "1003")
	h.clock.Advance(1)
	h.session(c, "1002")
	if _, err := caller.CallInnerSkill(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	if st, _ := h.sim.AgentState("1003"); st.State != "talking" {
		t.Fatalf("longest-idle 1003 not chosen: %+v", st)
	}
}

func TestManualAnswer(t *testing.T) {
	h := newHarness(t, nil)
	c := h.client()
	caller := h.session(c, "1001")
	no := false
	called, _, err := c.SignIn(ctx(t), "1002", gatewayclient.SignInRequest{Password: "demo-1002", PhoneNumber: "71002", AutoAnswer: &no})
	if err != nil {
		t.Fatal(err)
	}
	if err := called.ResetSkills(ctx(t), true, nil); err != nil {
		t.Fatal(err)
	}
	h.drain(called)
	callID, err := caller.CallInnerSkill(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := types(h.drain(called)); !slices.Equal(got, []string{"AgentEvent_Ringing"}) {
		t.Fatalf("called events %v", got)
	}
	if got := types(h.drain(caller)); slices.Contains(got, "AgentEvent_Talking") {
		t.Fatalf("caller talking before the answer: %v", got)
	}
	if r := h.do("PUT", gw+"voicecall/1002/answer?callid=nope", called.GUID(), ""); r.env.Retcode != "100-007" {
		t.Fatalf("answer wrong call: %s", r.raw)
	}
	if r := h.do("PUT", gw+"voicecall/1002/answer?callid="+callID, called.GUID(), ""); r.env.Retcode != "0" {
		t.Fatalf("answer: %s", r.raw)
	}
	if got := types(h.drain(called)); !slices.Equal(got, []string{"AgentOther_PhoneOffhook", "AgentState_Busy", "AgentEvent_Talking"}) {
		t.Fatalf("called events after answer %v", got)
	}
	if got := types(h.drain(caller)); !slices.Equal(got, []string{"AgentEvent_Talking"}) {
		t.Fatalf("caller events after answer %v", got)
	}
}

func TestInboundCallAndWrapUp(t *testing.T) {
	h := newHarness(t, nil)
	c := h.client()
	no := false
	s, _, err := c.SignIn(ctx(t), "1003", gatewayclient.SignInRequest{Password: "demo-1003", PhoneNumber: "71003", AutoEnterIdle: &no})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ResetSkills(ctx(t), false, []int64{2}); err != nil {
		t.Fatal(err)
	}
	h.drain(s)
	started, err := h.sim.StartInboundCall(gatewaysim.CallTarget{QueueID: 2, Caller: "13911112222"})
	if err != nil || started.AgentID != "1003" {
		t.Fatalf("inbound %+v %v", started, err)
	}
	evs := h.drain(s)
	if got := types(evs); !slices.Equal(got, []string{"AgentOther_PhoneAlerting", "AgentEvent_Auto_Answer", "AgentState_Busy", "AgentEvent_Talking"}) {
		t.Fatalf("events %v", got)
	}
	if evs[3].Caller != "13911112222" || evs[3].Feature != "0" || evs[1].MediaType != "5" {
		t.Fatalf("talking %+v / answer %+v", evs[3], evs[1])
	}
	if err := h.sim.EndCall(started.CallID); err != nil {
		t.Fatal(err)
	}
	if got := types(h.drain(s)); !slices.Equal(got, []string{"AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Work"}) {
		t.Fatalf("after hang-up %v", got)
	}
	if err := s.SetIdle(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := types(h.drain(s)); !slices.Equal(got, []string{"AgentState_CancelWork_Success"}) {
		t.Fatalf("after sayfree %v", got)
	}
	// No idle agent left in queue 2 once 1003 is busy.
	if err := s.SetBusy(ctx(t), 201, false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sim.StartInboundCall(gatewaysim.CallTarget{QueueID: 2}); err == nil {
		t.Fatal("inbound call with nobody idle succeeded")
	}
}
