package gatewaysim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// client returns a gatewayclient for the harness's server.
func (h *harness) client() *gatewayclient.Client {
	h.t.Helper()
	c, err := gatewayclient.New(gatewayclient.Config{BaseURL: h.srv.URL, HTTPClient: h.srv.Client()})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(c.Close)
	return c
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// session signs the demo agent in through the client, joins all its
// queues and drains the sign-in events.
func (h *harness) session(c *gatewayclient.Client, id string) *gatewayclient.Session {
	h.t.Helper()
	s, _, err := c.SignIn(ctx(h.t), id, gatewayclient.SignInRequest{Password: "demo-" + id, PhoneNumber: "7" + id})
	if err != nil {
		h.t.Fatalf("sign in %s: %v", id, err)
	}
	if err := s.ResetSkills(ctx(h.t), true, nil); err != nil {
		h.t.Fatalf("reset skills %s: %v", id, err)
	}
	h.drain(s)
	return s
}

// drain polls the session exactly as often as it has queued events.
func (h *harness) drain(s *gatewayclient.Session) []*gatewayclient.Event {
	h.t.Helper()
	st, err := h.sim.AgentState(s.AgentID())
	if err != nil {
		h.t.Fatal(err)
	}
	var out []*gatewayclient.Event
	for i := 0; i < st.QueuedEvents; i++ {
		ev, err := s.Poll(ctx(h.t))
		if err != nil || ev == nil {
			h.t.Fatalf("poll %s: %v %v", s.AgentID(), ev, err)
		}
		out = append(out, ev)
	}
	return out
}

func types(evs []*gatewayclient.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func retcodeOf(err error) string {
	var ge *gatewayclient.Error
	if errors.As(err, &ge) {
		return ge.Retcode
	}
	return ""
}
