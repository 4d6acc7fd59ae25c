package gatewaysim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func transportKind(err error) gatewayclient.TransportKind {
	var te *gatewayclient.TransportError
	if errors.As(err, &te) {
		return te.Kind
	}
	return 0
}

func (h *harness) setFault(f gatewaysim.Fault) int {
	h.t.Helper()
	id, err := h.sim.SetFault(f)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func TestFaultRetcodeForNextCalls(t *testing.T) {
	h := newHarness(t, nil)
	s := h.session(h.client(), "1001")
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Route: gatewaysim.OpSayFree, Count: 2, Retcode: "100-007"})
	for i := 0; i < 2; i++ {
		if err := s.SetIdle(ctx(t)); retcodeOf(err) != "100-007" {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if err := s.SetIdle(ctx(t)); err != nil {
		t.Fatalf("after the fault was spent: %v", err)
	}
	if n := len(h.sim.Faults()); n != 0 {
		t.Fatalf("spent fault still listed: %d", n)
	}
	// Other routes were never affected; a route-less fault hits everything.
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultRetcode, Retcode: "000-004"})
	if err := s.SetBusy(ctx(t), 0, false); retcodeOf(err) != "000-004" {
		t.Fatalf("sayBusy under an all-routes fault: %v", err)
	}
	if _, err := s.Poll(ctx(t)); retcodeOf(err) != "000-004" {
		t.Fatalf("poll under an all-routes fault: %v", err)
	}
	h.sim.ClearFaults()
	if err := s.SetBusy(ctx(t), 0, false); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestFaultHTTPStatus(t *testing.T) {
	h := newHarness(t, nil)
	s := h.session(h.client(), "1001")
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultHTTPStatus, Route: gatewaysim.OpGetAgentEvent, Count: 1, Status: 503})
	_, err := s.Poll(ctx(t))
	var te *gatewayclient.TransportError
	if !errors.As(err, &te) || te.Kind != gatewayclient.TransportHTTPStatus || te.StatusCode != 503 {
		t.Fatalf("poll: %v", err)
	}
	_ = h.sim.PushEvent("1001", "After", nil) // so the next poll does not park on the fake clock
	r := h.do("GET", gw+"agentevent/1001", s.GUID(), "")
	if r.status != 200 || r.env.Event == nil {
		t.Fatalf("after the single 503: %d", r.status)
	}
}

func TestFaultMalformedJSON(t *testing.T) {
	h := newHarness(t, nil)
	s := h.session(h.client(), "1001")
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultMalformedJSON, Count: 1})
	if err := s.SetIdle(ctx(t)); transportKind(err) != gatewayclient.TransportBadResponse {
		t.Fatalf("malformed body: %v", err)
	}
}

func TestFaultCloseConnection(t *testing.T) {
	h := newHarness(t, nil)
	s := h.session(h.client(), "1001")
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultCloseConnection, Route: gatewaysim.OpCallInnerSkill, Count: 1})
	_, err := s.CallInnerSkill(ctx(t), 1)
	if k := transportKind(err); k != gatewayclient.TransportConnectionLost && k != gatewayclient.TransportBadResponse {
		t.Fatalf("dropped connection: %v", err)
	}
	// Raw view: the status line and part of the body arrived, then EOF.
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultCloseConnection, Count: 1})
	req, _ := http.NewRequest("POST", h.srv.URL+gw+"onlineagent/1001/sayfree", nil)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	n, rerr := resp.Body.Read(buf)
	for rerr == nil {
		var m int
		m, rerr = resp.Body.Read(buf[n:])
		n += m
	}
	if resp.StatusCode != 200 || !errors.Is(rerr, errUnexpectedEOF()) || n == 0 {
		t.Fatalf("status %d, read %d bytes, err %v", resp.StatusCode, n, rerr)
	}
}

func TestFaultLatency(t *testing.T) {
	h := newHarness(t, nil)
	c, err := gatewayclient.New(gatewayclient.Config{BaseURL: h.srv.URL, HTTPClient: h.srv.Client(), RequestTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := h.session(c, "1001")
	id := h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultLatency, Route: gatewaysim.OpSayFree, Latency: 5 * time.Second})
	if err := s.SetIdle(ctx(t)); transportKind(err) != gatewayclient.TransportTimeout {
		t.Fatalf("delayed call with a 20 ms client timeout: %v", err)
	}
	if err := s.SetBusy(ctx(t), 0, false); err != nil {
		t.Fatalf("other route delayed: %v", err)
	}
	if err := h.sim.ClearFault(id); err != nil {
		t.Fatal(err)
	}
	// A short latency is served normally after the delay.
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultLatency, Route: gatewaysim.OpSayFree, Latency: time.Millisecond, Count: 1})
	if err := s.SetIdle(ctx(t)); err != nil {
		t.Fatalf("after a 1 ms delay: %v", err)
	}
	if st := h.sim.Faults(); len(st) != 0 {
		t.Fatalf("spent latency fault listed: %+v", st)
	}
}

func TestFaultHangUntilClearedOrClientGivesUp(t *testing.T) {
	h := newHarness(t, nil)
	s := h.session(h.client(), "1001")
	id := h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultHang, Route: gatewaysim.OpGetAgentEvent})
	_ = h.sim.PushEvent("1001", "Held", nil)

	// The client gives up.
	short, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	_, err := s.Poll(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("abandoned poll: %v", err)
	}
	// A poll held until the outage is cleared is then served.
	done := make(chan error, 1)
	var got *gatewayclient.Event
	go func() {
		ev, err := s.Poll(ctx(t))
		got = ev
		done <- err
	}()
	waitHits(t, h, id, 2)
	select {
	case err := <-done:
		t.Fatalf("poll answered during the outage: %v", err)
	default:
	}
	if err := h.sim.ClearFault(id); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil || got == nil || got.Type != "Held" {
		t.Fatalf("poll after the outage: %v %v", got, err)
	}
}

func waitHits(t *testing.T, h *harness, id, hits int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, f := range h.sim.Faults() {
			if f.ID == id && f.Hits >= hits {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("fault %d never reached %d hits", id, hits)
}

func TestFaultValidation(t *testing.T) {
	h := newHarness(t, nil)
	bad := []gatewaysim.Fault{
		{Kind: "explode"},
		{Kind: gatewaysim.FaultRetcode},
		{Kind: gatewaysim.FaultHTTPStatus, Status: 200},
		{Kind: gatewaysim.FaultLatency},
		{Kind: gatewaysim.FaultHang, Route: "nosuchop"},
		{Kind: gatewaysim.FaultHang, Count: -1},
	}
	for _, f := range bad {
		if _, err := h.sim.SetFault(f); !errors.Is(err, gatewaysim.ErrInvalidFault) {
			t.Errorf("%+v: %v", f, err)
		}
	}
	if err := h.sim.ClearFault(99); !errors.Is(err, gatewaysim.ErrNotFound) {
		t.Errorf("clear unknown fault: %v", err)
	}
}

func TestFaultsSpareControlAPI(t *testing.T) {
	h := newHarness(t, nil)
	h.setFault(gatewaysim.Fault{Kind: gatewaysim.FaultHTTPStatus, Status: 500})
	if r := h.do("GET", "/sim/v1/agents/1001", "", ""); r.status != 200 {
		t.Fatalf("control API under an all-routes fault: %d", r.status)
	}
}

func errUnexpectedEOF() error { return io.ErrUnexpectedEOF }
