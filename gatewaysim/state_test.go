package gatewaysim_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAgentStateMachine(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001")["1001"]
	steps := []struct {
		method, path, want string
		events             []string
		state              string
	}{
		{"POST", "sayfree", "0", nil, "idle"},
		{"POST", "saybusy?reason=205&prolong=false", "0", []string{"AgentState_SetNotReady_Success"}, "busy"},
		{"POST", "saybusy?reason=0&prolong=true", "0", []string{"AgentState_SetNotReady_Success"}, "busy"},
		{"POST", "sayfree", "0", []string{"AgentState_CancelNotReady_Success"}, "idle"},
		{"POST", "saybusy?reason=199", "000-002", nil, "idle"},
		{"POST", "saybusy?reason=251", "000-002", nil, "idle"},
		{"POST", "saybusy?prolong=maybe", "000-002", nil, "idle"},
		{"POST", "rest/60/3", "0", []string{"AgentState_SetRest_Success"}, "rest"},
		{"POST", "sayfree", "100-009", nil, "rest"},
		{"POST", "saybusy", "100-009", nil, "rest"},
		{"POST", "cancelrest", "0", []string{"AgentState_CancelRest_Success"}, "idle"},
		{"POST", "cancelrest", "100-009", nil, "idle"},
		{"POST", "rest/0/3", "000-002", nil, "idle"},
		{"POST", "rest/10/256", "000-002", nil, "idle"},
	}
	for _, s := range steps {
		r := h.do(s.method, gw+"onlineagent/1001/"+s.path, g, "")
		if r.env.Retcode != s.want {
			t.Fatalf("%s: %s, want %s", s.path, r.raw, s.want)
		}
		if got := eventTypes(h.events("1001", g)); !slices.Equal(got, s.events) {
			t.Fatalf("%s: events %v, want %v", s.path, got, s.events)
		}
		if st, _ := h.sim.AgentState("1001"); st.State != s.state {
			t.Fatalf("%s: state %s, want %s", s.path, st.State, s.state)
		}
	}
	// SetNotReady carries the reason as a string.
	h.do("POST", gw+"onlineagent/1001/saybusy?reason=230", g, "")
	if m := contentMap(t, h.events("1001", g)[0]); m["reason"] != "230" {
		t.Fatalf("reason %v", m)
	}
}

func TestRestTimeout(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001")["1001"]
	h.do("POST", gw+"onlineagent/1001/rest/30/0", g, "")
	h.events("1001", g)
	h.clock.Advance(29 * time.Second)
	if st, _ := h.sim.AgentState("1001"); st.QueuedEvents != 0 {
		t.Fatal("rest timed out early")
	}
	h.clock.Advance(time.Second)
	if got := eventTypes(h.events("1001", g)); !slices.Equal(got, []string{"AgentState_Rest_Timeout"}) {
		t.Fatalf("events %v", got)
	}
	if st, _ := h.sim.AgentState("1001"); st.State != "rest" {
		t.Fatalf("agent left rest on timeout: %s", st.State)
	}
}

func TestResetSkill(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1003") // configured for queues 1 and 2
	cases := []struct {
		path, want string
		active     []int64
	}{
		{"resetskill/true", "0", []int64{1, 2}},
		{"resetskill/false?skillid=2", "0", []int64{2}},
		{"resetskill/false?skillid=1;2;9", "0", []int64{1, 2}},
		{"resetskill/false", "0", []int64{}},
		{"resetskill/false?skillid=1;x", "000-002", []int64{}},
		{"resetskill/false?skillid=1&phonelinkage=7", "000-002", []int64{}},
		{"resetskill/true?phonelinkage=1", "0", []int64{1, 2}},
	}
	for _, c := range cases {
		r := h.do("POST", gw+"onlineagent/1003/"+c.path, g, "")
		if r.env.Retcode != c.want {
			t.Fatalf("%s: %s", c.path, r.raw)
		}
		if st, _ := h.sim.AgentState("1003"); !slices.Equal(st.ActiveSkills, c.active) {
			t.Fatalf("%s: active %v, want %v", c.path, st.ActiveSkills, c.active)
		}
	}
}

func TestCommandsNeedSignInAndGUID(t *testing.T) {
	h := newHarness(t, nil)
	routes := []struct{ method, path, body string }{
		{"DELETE", "onlineagent/1001/logout", ""},
		{"DELETE", "onlineagent/1001/forcelogout", ""},
		{"POST", "onlineagent/1001/resetskill/true", ""},
		{"POST", "onlineagent/1001/sayfree", ""},
		{"POST", "onlineagent/1001/saybusy", ""},
		{"POST", "onlineagent/1001/cancelrest", ""},
		{"PUT", "voicecall/1001/callinnerskill", `{"skillId":1}`},
		{"PUT", "voicecall/1001/answer", ""},
		{"DELETE", "voicecall/1001/release", ""},
		{"POST", "mediacall/1001/transfer", `{"callid":"1-1","devicetype":2,"mode":0,"address":"1002"}`},
	}
	for _, rt := range routes {
		if r := h.do(rt.method, gw+rt.path, "0c0ffee0-1111-2222-3333-444455556666.AgentGateway0", rt.body); r.env.Retcode != "100-006" {
			t.Errorf("%s before sign-in: %s", rt.path, r.raw)
		}
	}
	g := h.signIn("1001")
	for _, rt := range routes {
		if r := h.do(rt.method, gw+rt.path, "", rt.body); r.env.Retcode != "000-003" {
			t.Errorf("%s without Guid: %s", rt.path, r.raw)
		}
		if r := h.do(rt.method, gw+rt.path, g+"x", rt.body); r.env.Retcode != "000-003" {
			t.Errorf("%s with a wrong Guid: %s", rt.path, r.raw)
		}
	}
	// The header name is case-insensitive: the docs call it "guid" and "Guid".
	req, _ := http.NewRequest("POST", h.srv.URL+gw+"onlineagent/1001/sayfree", nil)
	req.Header["guid"] = []string{g} // sent verbatim, lower case
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"retcode":"0"`) {
		t.Fatalf("lower-case guid header: %s", body)
	}
}
