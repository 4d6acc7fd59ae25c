package core_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
)

// errCut is what a replica cut off from the store gets.
var errCut = errors.New("test: cut off from the store")

// cutStore is one replica's connection to the shared store, which the test can cut and restore
// (a network partition between that replica and the store; the store itself keeps serving the
// other replicas). While cut, every call fails and running Watch calls end with an error.
type cutStore struct {
	store.Store
	mu  sync.Mutex
	cut chan struct{} // closed while cut; nil while connected
}

func (s *cutStore) setCut(cut bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case cut && s.cut == nil:
		s.cut = make(chan struct{})
		close(s.cut)
	case !cut:
		s.cut = nil
	}
}

func (s *cutStore) isCut() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cut != nil
}

func (s *cutStore) PutSession(ctx context.Context, sess store.Session) (store.Session, error) {
	if s.isCut() {
		return store.Session{}, errCut
	}
	return s.Store.PutSession(ctx, sess)
}

func (s *cutStore) GetSession(ctx context.Context, id string) (store.Session, error) {
	if s.isCut() {
		return store.Session{}, errCut
	}
	return s.Store.GetSession(ctx, id)
}

func (s *cutStore) DeleteSession(ctx context.Context, id string) error {
	if s.isCut() {
		return errCut
	}
	return s.Store.DeleteSession(ctx, id)
}

func (s *cutStore) ListSessions(ctx context.Context, after string, limit int) ([]store.Session, error) {
	if s.isCut() {
		return nil, errCut
	}
	return s.Store.ListSessions(ctx, after, limit)
}

func (s *cutStore) AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if s.isCut() {
		return false, errCut
	}
	return s.Store.AcquireLease(ctx, key, owner, ttl)
}

func (s *cutStore) ReleaseLease(ctx context.Context, key, owner string) error {
	if s.isCut() {
		return errCut
	}
	return s.Store.ReleaseLease(ctx, key, owner)
}

func (s *cutStore) Append(ctx context.Context, id string, evs ...store.Event) ([]store.Event, error) {
	if s.isCut() {
		return nil, errCut
	}
	return s.Store.Append(ctx, id, evs...)
}

func (s *cutStore) AppendFenced(ctx context.Context, f store.Fence, id string, evs ...store.Event) ([]store.Event, error) {
	if s.isCut() {
		return nil, errCut
	}
	return s.Store.AppendFenced(ctx, f, id, evs...)
}

func (s *cutStore) Read(ctx context.Context, ids []string, after uint64, limit int) ([]store.Event, error) {
	if s.isCut() {
		return nil, errCut
	}
	return s.Store.Read(ctx, ids, after, limit)
}

func (s *cutStore) Gaps(ctx context.Context, ids []string, after uint64) ([]store.Gap, error) {
	if s.isCut() {
		return nil, errCut
	}
	return s.Store.Gaps(ctx, ids, after)
}

func (s *cutStore) Head(ctx context.Context) (uint64, string, error) {
	if s.isCut() {
		return 0, "", errCut
	}
	return s.Store.Head(ctx)
}

func (s *cutStore) Watch(ctx context.Context, notify func(uint64)) error {
	s.mu.Lock()
	cut := s.cut
	s.mu.Unlock()
	if cut != nil {
		return errCut
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func() { // ends the watch when the replica is cut off
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if s.isCut() {
					cancel()
					return
				}
			}
		}
	}()
	err := s.Store.Watch(wctx, notify)
	if ctx.Err() == nil && s.isCut() {
		return errCut
	}
	return err
}

func (s *cutStore) ReserveRequest(ctx context.Context, key, fp string, ttl time.Duration) (store.IdemRecord, bool, error) {
	if s.isCut() {
		return store.IdemRecord{}, false, errCut
	}
	return s.Store.ReserveRequest(ctx, key, fp, ttl)
}

func (s *cutStore) CompleteRequest(ctx context.Context, key string, result []byte) error {
	if s.isCut() {
		return errCut
	}
	return s.Store.CompleteRequest(ctx, key, result)
}

func (s *cutStore) GetRequest(ctx context.Context, key string) (store.IdemRecord, error) {
	if s.isCut() {
		return store.IdemRecord{}, errCut
	}
	return s.Store.GetRequest(ctx, key)
}

// Close leaves the shared store open: the cluster closes it once.
func (s *cutStore) Close() error { return nil }

// cluster is several cores (replicas) sharing one memory store and one simulator, each with its
// own gateway client and its own, cuttable, way to the store.
type cluster struct {
	sim   *gatewaysim.Sim
	st    *memory.Store
	url   string
	reps  []*replica
	polls *pollLog
	opts  func(*core.Options)
}

type replica struct {
	id     string
	core   *core.Core
	conn   *cutStore
	client *gatewayclient.Client
	m      *core.Metrics
	calls  *callCounter
	closed atomic.Bool
}

// pollLog records every poll's time span per agent and replica, to prove no two replicas ever
// polled one agent at once.
type pollLog struct {
	mu    sync.Mutex
	spans map[string][]pollSpan
}

type pollSpan struct {
	replica    string
	start, end time.Time
}

func (l *pollLog) add(replica string, ci gatewayclient.CallInfo) {
	if ci.Op != gatewayclient.OpGetAgentEvent {
		return
	}
	end := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spans[ci.AgentID] = append(l.spans[ci.AgentID], pollSpan{replica: replica, start: end.Add(-ci.Duration), end: end})
}

// overlaps returns, for the agent, a description of two replicas' polls that overlapped in time.
func (l *pollLog) overlaps(agent string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	sp := l.spans[agent]
	for i := range sp {
		for j := i + 1; j < len(sp); j++ {
			a, b := sp[i], sp[j]
			if a.replica != b.replica && a.start.Before(b.end) && b.start.Before(a.end) {
				return a.replica + " " + a.start.Format(time.StampMicro) + "-" + a.end.Format(time.StampMicro) +
					" overlaps " + b.replica + " " + b.start.Format(time.StampMicro) + "-" + b.end.Format(time.StampMicro)
			}
		}
	}
	return ""
}

func (l *pollLog) count(agent, replica string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.spans[agent] {
		if s.replica == replica {
			n++
		}
	}
	return n
}

const testLeaseTTL = time.Second

func newCluster(t *testing.T, n int, simCfg func(*gatewaysim.Config), opts func(*core.Options)) *cluster {
	t.Helper()
	cfg := gatewaysim.DemoConfig()
	cfg.PollWait = 200 * time.Millisecond
	if simCfg != nil {
		simCfg(&cfg)
	}
	sim := gatewaysim.New(cfg)
	srv := httptest.NewServer(sim)
	cl := &cluster{sim: sim, st: memory.New(memory.Options{}), url: srv.URL, opts: opts,
		polls: &pollLog{spans: map[string][]pollSpan{}}}
	t.Cleanup(func() {
		for _, r := range cl.reps {
			cl.close(r)
		}
		sim.Close()
		srv.CloseClientConnections()
		srv.Close()
		_ = cl.st.Close()
	})
	for i := range n {
		cl.start(t, "r"+strconv.Itoa(i))
	}
	return cl
}

// start runs a replica with the given id (a restart when the id was used before).
func (cl *cluster) start(t *testing.T, id string) *replica {
	t.Helper()
	r := &replica{id: id, conn: &cutStore{Store: cl.st}, calls: &callCounter{ops: map[string]int{}, rcs: map[string]int{}}}
	var err error
	r.client, err = gatewayclient.New(gatewayclient.Config{BaseURL: cl.url, PollTimeout: 2 * time.Second, RequestTimeout: 2 * time.Second,
		OnCall: func(ci gatewayclient.CallInfo) { r.calls.observe(ci); cl.polls.add(id, ci) }})
	if err != nil {
		t.Fatal(err)
	}
	r.m = core.NewMetrics(prometheus.NewRegistry())
	o := core.Options{PollPause: 5 * time.Millisecond, BackoffMin: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		Metrics: r.m, ReplicaID: id, LeaseTTL: testLeaseTTL, TakeoverInterval: 50 * time.Millisecond,
		PasswordVerifierKey: []byte("a key every replica of the test shares, 32+ bytes"), FlushBound: 10 * time.Second, LostConfirm: 300 * time.Millisecond, DrainBound: time.Second}
	if cl.opts != nil {
		cl.opts(&o)
	}
	r.core, err = core.New(core.ClientGateway{Client: r.client}, r.conn, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.core.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	cl.reps = append(cl.reps, r)
	return r
}

func (cl *cluster) close(r *replica) {
	if r.closed.Swap(true) {
		return
	}
	r.core.Close()
	r.client.Close()
}

// crash stops a replica the way kill -9 does as far as the store can tell: nothing is released.
func (cl *cluster) crash(r *replica) {
	r.conn.setCut(true)
	cl.close(r)
}

func (r *replica) signIn(t *testing.T, id string) core.SessionInfo {
	t.Helper()
	s, err := r.core.SignIn(ctxT(t, 5*time.Second), core.SignInParams{
		AgentID: id, Password: "demo-" + id, PhoneNumber: "7" + id, InitialState: gatewayclient.StatusIdle,
	})
	if err != nil {
		t.Fatalf("sign in %s on %s: %v", id, r.id, err)
	}
	return s
}

// polls reports whether the replica runs the agent's poller, by its metrics-free view: a poll by
// this replica recorded after since.
func (cl *cluster) polledAfter(agent, replica string, since time.Time) bool {
	cl.polls.mu.Lock()
	defer cl.polls.mu.Unlock()
	for _, s := range cl.polls.spans[agent] {
		if s.replica == replica && s.start.After(since) {
			return true
		}
	}
	return false
}

// waitFor polls cond every 5 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}
