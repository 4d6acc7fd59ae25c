package gatewaysim_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.AgentGateway0$`)

func TestSignInEventsByStatus(t *testing.T) {
	cases := []struct {
		status string
		want   []string
		state  string
	}{
		{"3", []string{"AgentOther_InService", "AgentState_Ready", "AgentState_SetNotReady_Success"}, "busy"},
		{"4", []string{"AgentOther_InService", "AgentState_Ready"}, "idle"},
		{"5", []string{"AgentOther_InService", "AgentState_Ready", "AgentState_Work"}, "wrapup"},
		{"", []string{"AgentOther_InService", "AgentState_Ready"}, "idle"},
	}
	for _, c := range cases {
		t.Run("status="+c.status, func(t *testing.T) {
			h := newHarness(t, nil)
			body := `{"password":"demo-1001","phonenum":"71001"`
			if c.status != "" {
				body += `,"status":` + c.status
			}
			r := h.do("PUT", gw+"onlineagent/1001", "", body+`}`)
			if r.status != 200 || r.env.Retcode != "0" || r.env.Message != "success" {
				t.Fatalf("sign-in: %d %s", r.status, r.raw)
			}
			raw := r.header.Values("Set-GUID")
			if len(raw) != 1 || !guidPattern.MatchString(guidFrom(r.header)) {
				t.Fatalf("Set-GUID %q", raw)
			}
			var res map[string]any
			if err := json.Unmarshal(r.env.Result, &res); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"vdnid", "workno", "mediatype", "loginTime", "isForceChange", "serverName", "timeRemaining"} {
				if _, ok := res[k]; !ok {
					t.Errorf("result lacks %s: %s", k, r.env.Result)
				}
			}
			if res["workno"] != "1001" || res["loginTime"] != "1748764800000" {
				t.Errorf("result %s", r.env.Result)
			}
			evs := h.events("1001", guidFrom(r.header))
			if got := eventTypes(evs); !slices.Equal(got, c.want) {
				t.Fatalf("events %v, want %v", got, c.want)
			}
			for _, e := range evs {
				if e.WorkNo != "1001" || e.EventGenTime != epoch.UnixMilli() {
					t.Errorf("event %+v", e)
				}
			}
			if st, _ := h.sim.AgentState("1001"); st.State != c.state || !st.SignedIn {
				t.Fatalf("state %+v", st)
			}
		})
	}
}

func TestSignInRejections(t *testing.T) {
	cases := []struct {
		name, id, body, want string
	}{
		{"wrong password", "1001", `{"password":"nope","phonenum":"71001"}`, "100-004"},
		{"unknown agent", "4242", `{"password":"demo-4242","phonenum":"74242"}`, "100-004"},
		{"missing phone", "1001", `{"password":"demo-1001"}`, "100-001"},
		{"not json", "1001", `password=demo`, "100-001"},
		{"empty body", "1001", ``, "100-001"},
		{"phone not bound", "1001", `{"password":"demo-1001","phonenum":"79999"}`, "100-014"},
		{"phone letters", "1001", `{"password":"demo-1001","phonenum":"7a001"}`, "100-013"},
		{"agent type", "1001", `{"password":"demo-1001","phonenum":"71001","agenttype":7}`, "100-012"},
		{"status range", "1001", `{"password":"demo-1001","phonenum":"71001","status":9}`, "100-011"},
		{"status type", "1001", `{"password":"demo-1001","phonenum":"71001","status":"idle"}`, "100-011"},
		{"boolean type", "1001", `{"password":"demo-1001","phonenum":"71001","autoanswer":"perhaps"}`, "100-011"},
		{"bad ip", "1001", `{"password":"demo-1001","phonenum":"71001","ip":"::1"}`, "100-016"},
		{"bad agent id", "12", `{"password":"x","phonenum":"1"}`, "100-011"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			r := h.do("PUT", gw+"onlineagent/"+c.id, "", c.body)
			if r.status != 200 || r.env.Retcode != c.want {
				t.Fatalf("got %d %s, want retcode %s", r.status, r.raw, c.want)
			}
			if r.header.Get("Set-GUID") != "" || len(r.env.Result) != 0 {
				t.Fatalf("failure carried a GUID or result: %s", r.raw)
			}
		})
	}
}

func TestLenientSignInTyping(t *testing.T) {
	h := newHarness(t, nil)
	r := h.do("PUT", gw+"onlineagent/1001", "",
		`{"password":"demo-1001","phonenum":71001,"status":"3","autoanswer":"false","autoenteridle":"TRUE","releasephone":0,"agenttype":"4","ip":"127.0.0.1"}`)
	if r.env.Retcode != "0" {
		t.Fatalf("lenient body rejected: %s", r.raw)
	}
	if st, _ := h.sim.AgentState("1001"); st.State != "busy" {
		t.Fatalf("status \"3\" not honoured: %+v", st)
	}
}

func TestAlreadySignedInAndForceLogin(t *testing.T) {
	h := newHarness(t, nil)
	old := h.signIn("1001")
	h.events("1001", old)
	if r := h.do("PUT", gw+"onlineagent/1001", "", signInBody("1001")); r.env.Retcode != "100-002" {
		t.Fatalf("second sign-in: %s", r.raw)
	}
	r := h.do("PUT", gw+"onlineagent/1001/forcelogin", "", signInBody("1001"))
	if r.env.Retcode != "0" {
		t.Fatalf("forcelogin: %s", r.raw)
	}
	fresh := guidFrom(r.header)
	if fresh == "" || fresh == old {
		t.Fatalf("forcelogin GUID %q (old %q)", fresh, old)
	}
	if r := h.do("POST", gw+"onlineagent/1001/sayfree", old, ""); r.env.Retcode != "000-003" {
		t.Fatalf("old GUID after take-over: %s", r.raw)
	}
	if r := h.do("GET", gw+"agentevent/1001", old, ""); r.env.Retcode != "000-003" {
		t.Fatalf("old GUID poll after take-over: %s", r.raw)
	}
	if got := eventTypes(h.events("1001", fresh)); !slices.Equal(got, []string{"AgentOther_InService", "AgentState_Ready"}) {
		t.Fatalf("events after forcelogin: %v", got)
	}
	// forcelogin of an agent that is not signed in is a plain sign-in.
	r = h.do("PUT", gw+"onlineagent/1002/forcelogin", "", signInBody("1002"))
	if r.env.Retcode != "0" || guidFrom(r.header) == "" {
		t.Fatalf("forcelogin of signed-out agent: %s", r.raw)
	}
}

func TestForceLoginWakesParkedPollOfOldSession(t *testing.T) {
	h := newHarness(t, nil)
	old := h.signIn("1001")
	h.events("1001", old)
	done := make(chan wireResponse, 1)
	go func() { done <- h.do("GET", gw+"agentevent/1001", old, "") }()
	h.waitParked("1001")
	if r := h.do("PUT", gw+"onlineagent/1001/forcelogin", "", signInBody("1001")); r.env.Retcode != "0" {
		t.Fatalf("forcelogin: %s", r.raw)
	}
	if r := <-done; r.env.Retcode != "000-003" || r.env.Event != nil {
		t.Fatalf("parked poll of the replaced session: %s", r.raw)
	}
}

func TestSignOut(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	h.events("1001", g)
	r := h.do("DELETE", gw+"onlineagent/1001/logout", g, "")
	if r.env.Retcode != "0" || string(r.env.Result) != "{}" {
		t.Fatalf("logout: %s", r.raw)
	}
	// Voluntary sign-out queues no ShutdownService; everything is 100-006 now.
	if r := h.do("GET", gw+"agentevent/1001", g, ""); r.env.Retcode != "100-006" {
		t.Fatalf("poll after logout: %s", r.raw)
	}
	if r := h.do("DELETE", gw+"onlineagent/1001/logout", g, ""); r.env.Retcode != "100-006" {
		t.Fatalf("second logout: %s", r.raw)
	}
	if st, _ := h.sim.AgentState("1001"); st.SignedIn || st.State != "signed_out" {
		t.Fatalf("state %+v", st)
	}
	// The agent can sign in again.
	h.signIn("1001")
}

func TestForceSignOutQueuesShutdownService(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001")["1001"]
	if r := h.do("DELETE", gw+"onlineagent/1001/forcelogout", g, ""); r.env.Retcode != "0" {
		t.Fatalf("forcelogout: %s", r.raw)
	}
	if r := h.do("POST", gw+"onlineagent/1001/sayfree", g, ""); r.env.Retcode != "100-006" {
		t.Fatalf("command after forcelogout: %s", r.raw)
	}
	r := h.do("GET", gw+"agentevent/1001", g, "")
	if r.env.Event == nil || r.env.Event.EventType != "AgentOther_ShutdownService" {
		t.Fatalf("poll after forcelogout: %s", r.raw)
	}
	if m := contentMap(t, *r.env.Event); m["loginTime"] != "1748764800000" {
		t.Fatalf("ShutdownService content %v", m)
	}
	if r := h.do("GET", gw+"agentevent/1001", g, ""); r.env.Retcode != "100-006" {
		t.Fatalf("poll after draining: %s", r.raw)
	}
}

func TestLogoutRefusedDuringCall(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001", "1002")
	if r := h.do("PUT", gw+"voicecall/1001/callinnerskill", g["1001"], `{"skillId":1}`); r.env.Retcode != "0" {
		t.Fatalf("call: %s", r.raw)
	}
	if r := h.do("DELETE", gw+"onlineagent/1001/logout", g["1001"], ""); r.env.Retcode != "100-010" {
		t.Fatalf("logout while talking: %s", r.raw)
	}
	if r := h.do("DELETE", gw+"onlineagent/1001/forcelogout", g["1001"], ""); r.env.Retcode != "0" {
		t.Fatalf("forcelogout while talking: %s", r.raw)
	}
	evs := h.events("1001", g["1001"])
	got := eventTypes(evs)
	tail := got[len(got)-3:]
	if !slices.Equal(tail, []string{"AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentOther_ShutdownService"}) {
		t.Fatalf("caller events on forced sign-out: %v", got)
	}
	peer := eventTypes(h.events("1002", g["1002"]))
	if !slices.Contains(peer, "AgentEvent_Customer_Release") || peer[len(peer)-1] != "AgentState_Ready" {
		t.Fatalf("peer events: %v", peer)
	}
}
