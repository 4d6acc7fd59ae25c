package gatewaysim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func TestPollEnvelopeExact(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	r := h.do("GET", gw+"agentevent/1001", g, "")
	want := `{"message":"","retcode":"0","event":{"eventType":"AgentOther_InService","workNo":"1001","content":null,"eventGenTime":1748764800000}}`
	if r.raw != want {
		t.Fatalf("poll body\n got %s\nwant %s", r.raw, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Fatalf("content type %q", ct)
	}
	h.events("1001", g)

	// Empty poll: parked for PollWait on the fake clock, then the bare envelope.
	done := make(chan wireResponse, 1)
	go func() { done <- h.do("GET", gw+"agentevent/1001", g, "") }()
	h.waitParked("1001")
	h.clock.Advance(10 * time.Second)
	if r := <-done; r.raw != `{"message":"","retcode":"0"}` {
		t.Fatalf("empty poll body %s", r.raw)
	}
}

func TestPollWakesOnEvent(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	h.events("1001", g)
	done := make(chan wireResponse, 1)
	go func() { done <- h.do("GET", gw+"agentevent/1001", g, "") }()
	h.waitParked("1001")
	if err := h.sim.PushEvent("1001", "Custom_Event", map[string]any{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.env.Event == nil || r.env.Event.EventType != "Custom_Event" || string(r.env.Event.Content) != `{"k":"v"}` {
		t.Fatalf("woken poll %s", r.raw)
	}
}

func TestPollOneEventPerResponseInOrder(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	h.events("1001", g)
	for _, ty := range []string{"E1", "E2", "E3"} {
		if err := h.sim.PushEvent("1001", ty, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"E1", "E2", "E3"} {
		r := h.do("GET", gw+"agentevent/1001", g, "")
		if r.env.Event == nil || r.env.Event.EventType != want {
			t.Fatalf("want %s, got %s", want, r.raw)
		}
	}
}

func TestNewerPollDisplacesParkedPoll(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	h.events("1001", g)
	first := make(chan wireResponse, 1)
	go func() { first <- h.do("GET", gw+"agentevent/1001", g, "") }()
	h.waitParked("1001")
	second := make(chan wireResponse, 1)
	go func() { second <- h.do("GET", gw+"agentevent/1001", g, "") }()
	// The first poll is answered empty as soon as the second arrives.
	if r := <-first; r.raw != `{"message":"","retcode":"0"}` {
		t.Fatalf("displaced poll %s", r.raw)
	}
	h.waitParked("1001")
	if err := h.sim.PushEvent("1001", "Stolen", nil); err != nil {
		t.Fatal(err)
	}
	if r := <-second; r.env.Event == nil || r.env.Event.EventType != "Stolen" {
		t.Fatalf("newer poll %s", r.raw)
	}
	if st, err := h.sim.AgentState("1001"); err != nil || st.DisplacedPolls != 1 {
		t.Fatalf("displaced polls = %+v %v, want 1", st.DisplacedPolls, err)
	}
}

func TestPollWrongMethodAndUnknownAgent(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		r := h.do(m, gw+"agentevent/1001", g, "")
		if r.status != 200 || r.env.Retcode != "000-001" {
			t.Fatalf("%s poll: %d %s", m, r.status, r.raw)
		}
	}
	if r := h.do("GET", gw+"agentevent/1002", "whatever", ""); r.env.Retcode != "100-006" {
		t.Fatalf("poll of signed-out agent: %s", r.raw)
	}
	if r := h.do("GET", gw+"agentevent/abc", g, ""); r.env.Retcode != "000-002" {
		t.Fatalf("poll of invalid id: %s", r.raw)
	}
	if r := h.do("GET", gw+"agentevent/1001", "", ""); r.env.Retcode != "000-003" {
		t.Fatalf("poll without Guid: %s", r.raw)
	}
}

func TestWrongMethodIs405(t *testing.T) {
	h := newHarness(t, nil)
	cases := []struct{ method, path, allow string }{
		{"GET", "onlineagent/1001", "PUT"},
		{"POST", "onlineagent/1001/forcelogin", "PUT"},
		{"PUT", "onlineagent/1001/logout", "DELETE"},
		{"GET", "onlineagent/1001/forcelogout", "DELETE"},
		{"GET", "onlineagent/1001/resetskill/true", "POST"},
		{"PUT", "onlineagent/1001/sayfree", "POST"},
		{"GET", "onlineagent/1001/saybusy", "POST"},
		{"POST", "voicecall/1001/callinnerskill", "PUT"},
		{"PUT", "mediacall/1001/transfer", "POST"},
	}
	for _, c := range cases {
		r := h.do(c.method, gw+c.path, "", "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") == "" {
			t.Errorf("%s %s: %d allow=%q", c.method, c.path, r.status, r.header.Get("Allow"))
		}
	}
	if r := h.do("GET", gw+"nosuch/1001", "", ""); r.status != http.StatusNotFound {
		t.Errorf("unknown path: %d", r.status)
	}
}

func TestStaleGUIDRetcodeConfigurable(t *testing.T) {
	for _, rc := range []string{gatewaysim.StaleGUIDNoRight, gatewaysim.StaleGUIDNotSignedIn} {
		h := newHarness(t, func(c *gatewaysim.Config) { c.StaleGUIDRetcode = rc })
		h.signIn("1001")
		r := h.do("POST", gw+"onlineagent/1001/sayfree", "0c0ffee0-1111-2222-3333-444455556666.AgentGateway0", "")
		if r.env.Retcode != rc {
			t.Fatalf("stale retcode %s: got %s", rc, r.raw)
		}
		if rc == "000-003" && r.env.Message != "no right to invite resouce" {
			t.Fatalf("message %q", r.env.Message)
		}
	}
}
