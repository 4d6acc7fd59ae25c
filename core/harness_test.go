package core_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is a core wired to the real simulator over loopback HTTP and a memory store.
type harness struct {
	sim   *gatewaysim.Sim
	core  *core.Core
	store *memory.Store
	calls *callCounter
	m     *core.Metrics
	url   string
}

func (h *harness) simURL(t *testing.T) string { t.Helper(); return h.url }

type setup struct {
	sim  func(*gatewaysim.Config)
	core func(*core.Options)
	mem  func(*memory.Options)
	gw   func(*gatewayclient.Config)
}

// callCounter counts gateway calls by operation, through the client's OnCall hook.
type callCounter struct {
	mu  sync.Mutex
	ops map[string]int
	rcs map[string]int
}

func (c *callCounter) observe(ci gatewayclient.CallInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops[ci.Op]++
	c.rcs[ci.Retcode]++
}

func (c *callCounter) op(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ops[name]
}

func (c *callCounter) retcode(rc string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rcs[rc]
}

func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	simCfg := gatewaysim.DemoConfig()
	simCfg.PollWait = 300 * time.Millisecond
	if s.sim != nil {
		s.sim(&simCfg)
	}
	sim := gatewaysim.New(simCfg)
	srv := httptest.NewServer(sim)

	calls := &callCounter{ops: map[string]int{}, rcs: map[string]int{}}
	gwCfg := gatewayclient.Config{BaseURL: srv.URL, PollTimeout: 2 * time.Second, RequestTimeout: 2 * time.Second, OnCall: calls.observe}
	if s.gw != nil {
		s.gw(&gwCfg)
	}
	client, err := gatewayclient.New(gwCfg)
	if err != nil {
		t.Fatal(err)
	}
	memOpts := memory.Options{}
	if s.mem != nil {
		s.mem(&memOpts)
	}
	st := memory.New(memOpts)
	m := core.NewMetrics(prometheus.NewRegistry())
	opts := core.Options{PollPause: 5 * time.Millisecond, BackoffMin: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond, Metrics: m, DrainBound: time.Second}
	if s.core != nil {
		s.core(&opts)
	}
	c, err := core.New(core.ClientGateway{Client: client}, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		sim.Close()
		srv.CloseClientConnections()
		srv.Close()
		client.Close()
		_ = st.Close()
	})
	return &harness{sim: sim, core: c, store: st, calls: calls, m: m, url: srv.URL}
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (h *harness) signIn(t *testing.T, id string) core.SessionInfo {
	t.Helper()
	s, err := h.core.SignIn(ctxT(t, 5*time.Second), core.SignInParams{
		AgentID: id, Password: "demo-" + id, PhoneNumber: "7" + id, InitialState: gatewayclient.StatusIdle,
	})
	if err != nil {
		t.Fatalf("sign in %s: %v", id, err)
	}
	return s
}

// recorder runs a stream in the background and collects its messages.
type recorder struct {
	msgs   chan core.StreamMsg
	done   chan error
	cancel context.CancelFunc
	block  chan struct{} // when non-nil, each event send waits for a token (a slow client)
}

func startStream(t *testing.T, c *core.Core, p core.StreamParams) *recorder {
	t.Helper()
	return startStreamWith(t, c, p, nil)
}

func startStreamWith(t *testing.T, c *core.Core, p core.StreamParams, block chan struct{}) *recorder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{msgs: make(chan core.StreamMsg, 100000), done: make(chan error, 1), cancel: cancel, block: block}
	go func() {
		r.done <- c.Stream(ctx, p, func(m core.StreamMsg) error {
			if r.block != nil && m.Event != nil {
				select {
				case <-r.block:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			r.msgs <- m
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

func (r *recorder) next(t *testing.T) core.StreamMsg {
	t.Helper()
	select {
	case m := <-r.msgs:
		return m
	case err := <-r.done:
		r.done <- err
		t.Fatalf("stream ended: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no stream message within 5s")
	}
	return core.StreamMsg{}
}

// waitEvent returns the next event of the given type for the agent, skipping others.
func (r *recorder) waitEvent(t *testing.T, agent, typ string) *core.Logged {
	t.Helper()
	for {
		m := r.next(t)
		if m.Event != nil && m.Event.AgentID == agent && m.Event.Type == typ {
			return m.Event
		}
	}
}
