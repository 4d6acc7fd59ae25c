package gatewaysim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// harness is a simulator behind a real loopback HTTP server, driven by raw
// HTTP requests built from the documentation.
type harness struct {
	t     *testing.T
	sim   *gatewaysim.Sim
	srv   *httptest.Server
	clock *gatewaysim.FakeClock
}

var epoch = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

// newHarness starts DemoConfig on a fake clock; mutate adjusts the config.
func newHarness(t *testing.T, mutate func(*gatewaysim.Config)) *harness {
	t.Helper()
	cfg := gatewaysim.DemoConfig()
	clock := gatewaysim.NewFakeClock(epoch)
	cfg.Clock = clock
	if mutate != nil {
		mutate(&cfg)
	}
	sim := gatewaysim.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	return &harness{t: t, sim: sim, srv: srv, clock: clock}
}

type wireEvent struct {
	EventType    string          `json:"eventType"`
	WorkNo       string          `json:"workNo"`
	Content      json.RawMessage `json:"content"`
	EventGenTime int64           `json:"eventGenTime"`
}

type wireEnvelope struct {
	Message string          `json:"message"`
	Retcode string          `json:"retcode"`
	Result  json.RawMessage `json:"result"`
	Event   *wireEvent      `json:"event"`
}

type wireResponse struct {
	status int
	header http.Header
	raw    string
	env    wireEnvelope
}

// do sends one request; guid "" omits the Guid header.
func (h *harness) do(method, path, guid, body string) wireResponse {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if guid != "" {
		req.Header.Set("Guid", guid)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	out := wireResponse{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &out.env); err != nil {
			h.t.Fatalf("%s %s: body %q: %v", method, path, data, err)
		}
	}
	return out
}

const gw = "/agentgateway/resource/"

func signInBody(id string) string {
	return `{"password":"demo-` + id + `","phonenum":"7` + id + `","status":"4","releasephone":"false","agenttype":4}`
}

// guidFrom extracts the GUID from a Set-GUID header ("" when absent).
func guidFrom(hdr http.Header) string {
	return strings.TrimPrefix(hdr.Get("Set-GUID"), "JSESSIONID=")
}

// signIn signs the agent in and returns its GUID.
func (h *harness) signIn(id string) string {
	h.t.Helper()
	r := h.do("PUT", gw+"onlineagent/"+id, "", signInBody(id))
	if r.env.Retcode != "0" {
		h.t.Fatalf("sign-in %s: retcode %s", id, r.env.Retcode)
	}
	g := guidFrom(r.header)
	if g == "" {
		h.t.Fatalf("sign-in %s: no Set-GUID", id)
	}
	return g
}

// joinAll runs resetskill/true for the agent.
func (h *harness) joinAll(id, guid string) {
	h.t.Helper()
	if r := h.do("POST", gw+"onlineagent/"+id+"/resetskill/true", guid, ""); r.env.Retcode != "0" {
		h.t.Fatalf("resetskill %s: %s", id, r.env.Retcode)
	}
}

// ready signs agents in, joins all their queues and drains the sign-in
// events; it returns their GUIDs.
func (h *harness) ready(ids ...string) map[string]string {
	h.t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		g := h.signIn(id)
		h.joinAll(id, g)
		h.events(id, g)
		out[id] = g
	}
	return out
}

// events polls exactly as many times as the agent has queued events, so
// no poll parks on the fake clock.
func (h *harness) events(id, guid string) []wireEvent {
	h.t.Helper()
	st, err := h.sim.AgentState(id)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []wireEvent
	for i := 0; i < st.QueuedEvents; i++ {
		r := h.do("GET", gw+"agentevent/"+id, guid, "")
		if r.env.Retcode != "0" || r.env.Event == nil {
			h.t.Fatalf("poll %s: %s", id, r.raw)
		}
		out = append(out, *r.env.Event)
	}
	return out
}

func eventTypes(evs []wireEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.EventType)
	}
	return out
}

func contentMap(t *testing.T, e wireEvent) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Content, &m); err != nil {
		t.Fatalf("%s content %s: %v", e.EventType, e.Content, err)
	}
	return m
}

// waitParked waits until the agent has a parked poll (bounded).
func (h *harness) waitParked(id string) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := h.sim.AgentState(id); st.PollParked {
			return
		}
		time.Sleep(time.Millisecond)
	}
	h.t.Fatalf("poll of %s never parked", id)
}
