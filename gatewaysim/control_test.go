package gatewaysim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// ctl calls the control API and decodes the JSON answer into out (if non-nil).
func (h *harness) ctl(method, path, body string, out any) int {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+"/sim/v1/"+path, strings.NewReader(body))
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			h.t.Fatalf("%s %s: %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

func TestControlAPI(t *testing.T) {
	h := newHarness(t, nil)
	steps := []struct {
		method, path, body string
		status             int
	}{
		{"POST", "queues", `{"id":7,"name":"VIP"}`, 201},
		{"POST", "queues", `{"id":0}`, 400},
		{"POST", "agents", `{"id":"2001","password":"pw-2001","phone":"72001","skills":[7]}`, 201},
		{"POST", "agents", `{"id":"12","password":"x"}`, 400},
		{"POST", "agents", `{"id":"2002","bogus":1}`, 400},
		{"GET", "agents/9999", ``, 404},
		{"POST", "agents/2001/events", `{"eventType":"X"}`, 409}, // not signed in
		{"POST", "chats", `{"queueId":7}`, 409},                  // nobody available
		{"POST", "chats", `{"queueId":99}`, 404},
		{"POST", "calls", `{"agentId":"2001","queueId":7}`, 400},
		{"DELETE", "calls/1-1", ``, 404},
		{"POST", "agents/2001/signout", ``, 409},
		{"POST", "faults", `{"kind":"explode"}`, 400},
		{"DELETE", "faults/42", ``, 404},
		{"GET", "debug/agents/2001/guid", ``, 404}, // debug routes are off by default
	}
	for _, s := range steps {
		if got := h.ctl(s.method, s.path, s.body, nil); got != s.status {
			t.Fatalf("%s %s: %d, want %d", s.method, s.path, got, s.status)
		}
	}
	var queues []gatewaysim.Queue
	h.ctl("GET", "queues", "", &queues)
	if !slices.Equal(queues, []gatewaysim.Queue{{ID: 1, Name: "General"}, {ID: 2, Name: "Billing"}, {ID: 7, Name: "VIP"}}) {
		t.Fatalf("queues %+v", queues)
	}

	// The added agent signs in with its own credentials and takes a chat from its queue.
	r := h.do("PUT", gw+"onlineagent/2001", "", `{"password":"pw-2001","phonenum":"72001"}`)
	g := guidFrom(r.header)
	h.joinAll("2001", g)
	h.events("2001", g)
	var started gatewaysim.CallStarted
	if st := h.ctl("POST", "chats", `{"queueId":7,"caller":"555"}`, &started); st != 201 || started.AgentID != "2001" {
		t.Fatalf("chat: %d %+v", st, started)
	}
	var state gatewaysim.AgentStatus
	h.ctl("GET", "agents/2001", "", &state)
	if !state.SignedIn || state.State != "talking" || !slices.Equal(state.ChatCallIDs, []string{started.CallID}) || state.QueuedEvents != 4 {
		t.Fatalf("state %+v", state)
	}
	if st := h.ctl("POST", "chats/"+started.CallID+"/messages", `{"text":"hi"}`, nil); st != 202 {
		t.Fatalf("message: %d", st)
	}
	if st := h.ctl("DELETE", "calls/"+started.CallID, "", nil); st != 200 {
		t.Fatalf("end chat: %d", st)
	}
	if st := h.ctl("POST", "agents/2001/events", `{"eventType":"Custom","content":"1-2"}`, nil); st != 202 {
		t.Fatalf("push: %d", st)
	}
	evs := h.events("2001", g)
	last := evs[len(evs)-1]
	if last.EventType != "Custom" || string(last.Content) != `"1-2"` {
		t.Fatalf("pushed event %+v", last)
	}

	// Voice call to a named agent.
	var call gatewaysim.CallStarted
	if st := h.ctl("POST", "calls", `{"agentId":"2001"}`, &call); st != 201 || call.AgentID != "2001" {
		t.Fatalf("call: %d %+v", st, call)
	}
	if st := h.ctl("POST", "calls", `{"agentId":"2001"}`, nil); st != 409 {
		t.Fatalf("second call to a talking agent: %d", st)
	}

	// Faults over HTTP.
	var fid map[string]int
	if st := h.ctl("POST", "faults", `{"kind":"latency","route":"sayFree","latencyMs":5,"count":3}`, &fid); st != 201 {
		t.Fatalf("fault: %d", st)
	}
	var faults []map[string]any
	h.ctl("GET", "faults", "", &faults)
	if len(faults) != 1 || faults[0]["kind"] != "latency" || faults[0]["latencyMs"] != float64(5) || faults[0]["remaining"] != float64(3) {
		t.Fatalf("faults %v", faults)
	}
	if st := h.ctl("DELETE", "faults", "", nil); st != 204 {
		t.Fatalf("clear: %d", st)
	}
	h.ctl("GET", "faults", "", &faults)
	if len(faults) != 0 {
		t.Fatalf("faults after clear %v", faults)
	}

	// Rotation on demand, then a gateway-side sign-out.
	if st := h.ctl("POST", "agents/2001/rotate-guid", "", nil); st != 200 {
		t.Fatalf("rotate: %d", st)
	}
	h.events("2001", g)
	_ = h.sim.PushEvent("2001", "Tick", nil)
	if r := h.do("GET", gw+"agentevent/2001", g, ""); guidFrom(r.header) == "" || guidFrom(r.header) == g {
		t.Fatalf("no new GUID after rotate-guid: %s", r.raw)
	}
	if st := h.ctl("POST", "agents/2001/signout", "", nil); st != 200 {
		t.Fatalf("signout: %d", st)
	}
	h.ctl("GET", "agents/2001", "", &state)
	if state.SignedIn || state.VoiceCallID != "" {
		t.Fatalf("after signout %+v", state)
	}
	var all []gatewaysim.AgentStatus
	h.ctl("GET", "agents", "", &all)
	if len(all) != 5 || all[0].ID != "1001" || all[4].ID != "2001" {
		t.Fatalf("agents %+v", all)
	}
}

func TestDebugGUIDRoute(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) { c.EnableDebugRoutes = true })
	g := h.signIn("1001")
	var out map[string]string
	if st := h.ctl("GET", "debug/agents/1001/guid", "", &out); st != 200 || out["guid"] != g {
		t.Fatalf("debug guid: %d %v", st, out)
	}
	// The ordinary state route never reveals it.
	req, _ := http.NewRequest("GET", h.srv.URL+"/sim/v1/agents/1001", nil)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), g) || strings.Contains(string(body), "demo-1001") {
		t.Fatalf("state route leaks a secret: %s", body)
	}
}

// TestSecretsNeverLogged runs a busy scenario with debug logging on and
// checks that no GUID or password reaches the log.
func TestSecretsNeverLogged(t *testing.T) {
	var logs bytes.Buffer
	h := newHarness(t, func(c *gatewaysim.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.GUIDInterval = time.Second
	})
	g := h.ready("1001", "1002")
	var guids []string
	for _, v := range g {
		guids = append(guids, v)
	}
	h.do("PUT", gw+"onlineagent/1001", "", signInBody("1001"))                               // 100-002
	h.do("PUT", gw+"onlineagent/1003", "", `{"password":"wrong-secret","phonenum":"71003"}`) // 100-004
	h.do("PUT", gw+"voicecall/1001/callinnerskill", g["1001"], `{"skillId":1}`)
	h.do("POST", gw+"onlineagent/1001/sayfree", "stale-guid-value", "")
	h.clock.Advance(2 * time.Second)
	r := h.do("GET", gw+"agentevent/1001", g["1001"], "")
	guids = append(guids, guidFrom(r.header))
	_, _ = h.sim.SetFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Retcode: "100-007", Count: 1})
	h.do("POST", gw+"onlineagent/1002/sayfree", g["1002"], "")
	h.clock.Advance(200 * time.Second) // heartbeat timeouts
	out := logs.String()
	if !strings.Contains(out, "op=login") || !strings.Contains(out, "no heartbeat") {
		t.Fatalf("expected request and timeout logs, got:\n%s", out)
	}
	for _, secret := range append(guids, "demo-1001", "demo-1002", "wrong-secret", "stale-guid-value") {
		if secret != "" && strings.Contains(out, secret) {
			t.Fatalf("log contains secret %q", secret)
		}
	}
}
