package nats_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
	"github.com/ccgw-bridge/ccgw-bridge/store/storetest"
)

func tctx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// replicas opens n stores on one prefix, each with its own connection, as n bridge replicas.
func replicas(t *testing.T, n int, opts natsstore.Options) []*natsstore.Store {
	t.Helper()
	first := open(t, opts)
	t.Cleanup(func() { _ = first.Close() })
	out := []*natsstore.Store{first}
	for range n - 1 {
		o := opts
		o.Conn, o.Prefix, o.Storage = natstest.Connect(t, srv.ClientURL()), prefixOf(t, first), jetstream.MemoryStorage
		s, err := natsstore.Open(tctx(t), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		out = append(out, s)
	}
	return out
}

// TestReplicasShareOneLog: replicas appending to the same agents at once (which leases
// normally prevent) still give each agent one gapless sequence, and every replica reads and
// watches all of it.
func TestReplicasShareOneLog(t *testing.T) {
	rs := replicas(t, 3, natsstore.Options{})
	ctx := tctx(t)
	heads := make(chan uint64, 1000)
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- rs[2].Watch(wctx, func(h uint64) { heads <- h }) }()
	<-heads
	const per = 40
	var wg sync.WaitGroup
	for i, s := range rs {
		for _, agent := range []string{"1001", "1002"} {
			wg.Go(func() {
				for k := range per {
					if _, err := s.Append(ctx, agent, store.Event{Type: fmt.Sprintf("r%d-%d", i, k)}); err != nil {
						t.Errorf("replica %d: Append: %v", i, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	for _, s := range rs {
		evs, err := s.Read(ctx, nil, 0, 1000)
		if err != nil || len(evs) != 2*3*per {
			t.Fatalf("Read = %d events, %v; want %d", len(evs), err, 2*3*per)
		}
		next := map[string]uint64{}
		for _, e := range evs {
			if next[e.AgentID]++; e.Seq != next[e.AgentID] {
				t.Fatalf("%s has Seq %d where %d was due", e.AgentID, e.Seq, next[e.AgentID])
			}
		}
	}
	head, _, err := rs[0].Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for h := range heads {
		if h == head {
			break
		}
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch: %v", err)
	}
}

// TestFencedAcrossReplicas: once replica B took over an agent's lease and wrote, replica A,
// which still believes it polls the agent, can no longer append for it.
func TestFencedAcrossReplicas(t *testing.T) {
	clock := storetest.NewClock()
	rs := replicas(t, 2, natsstore.Options{Now: clock.Now})
	a, b, ctx := rs[0], rs[1], tctx(t)
	fa, fb := store.Fence{Key: "agent/1001", Owner: "a"}, store.Fence{Key: "agent/1001", Owner: "b"}
	if ok, err := a.AcquireLease(ctx, fa.Key, fa.Owner, 10*time.Second); !ok || err != nil {
		t.Fatalf("AcquireLease(a) = %v, %v", ok, err)
	}
	if _, err := a.AppendFenced(ctx, fa, "1001", store.Event{Type: "by a"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	if ok, err := b.AcquireLease(ctx, fb.Key, fb.Owner, 10*time.Second); !ok || err != nil {
		t.Fatalf("AcquireLease(b) = %v, %v", ok, err)
	}
	if _, err := b.AppendFenced(ctx, fb, "1001", store.Event{Type: "by b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendFenced(ctx, fa, "1001", store.Event{Type: "late a"}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("AppendFenced by the replica that lost the lease: %v, want ErrLeaseLost", err)
	}
	evs, err := a.Read(ctx, nil, 0, 10)
	if err != nil || len(evs) != 2 || evs[1].Type != "by b" || evs[1].Seq != 2 {
		t.Fatalf("log = %+v, %v", evs, err)
	}
}

// TestServerExpiryKeepsSequence: once the server's MaxAge has removed every message of an
// agent, a replica that never saw the agent continues its sequence and reports the gap, from
// the agent's checkpoint.
func TestServerExpiryKeepsSequence(t *testing.T) {
	rs := replicas(t, 2, natsstore.Options{Retention: store.Retention{MaxEvents: 10, MaxAge: 300 * time.Millisecond}})
	ctx := tctx(t)
	first, err := rs[0].Append(ctx, "1001", store.Event{Type: "a"}, store.Event{Type: "b"}, store.Event{Type: "c"})
	if err != nil {
		t.Fatal(err)
	}
	nc := natstest.Connect(t, srv.ClientURL())
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, prefixOf(t, rs[0])+"_EVENTS")
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, err := stream.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server kept %d messages past MaxAge", info.State.Msgs)
		}
	}
	gaps, err := rs[1].Gaps(ctx, nil, 0)
	if err != nil || len(gaps) != 1 || gaps[0] != (store.Gap{AgentID: "1001", FromSeq: 1, ToSeq: 3}) {
		t.Fatalf("Gaps = %+v, %v", gaps, err)
	}
	if gaps, err := rs[1].Gaps(ctx, nil, first[2].Pos); err != nil || len(gaps) != 0 {
		t.Fatalf("Gaps after the newest dropped event = %+v, %v", gaps, err)
	}
	more, err := rs[1].Append(ctx, "1001", store.Event{Type: "d"})
	if err != nil || more[0].Seq != 4 {
		t.Fatalf("Append after expiry = %+v, %v; want Seq 4", more, err)
	}
}

// TestSurvivesServerRestart: with file storage, sessions, events, leases and idempotency
// records are all there after the server restarts on the same directory.
func TestSurvivesServerRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := natstest.RunServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := tctx(t)
	write := func(s store.Store) {
		if _, err := s.PutSession(ctx, store.Session{AgentID: "1001", GUID: "g", State: store.SessionActive}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, "1001", store.Event{Type: "a"}, store.Event{Type: "b"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ReserveRequest(ctx, "req", "fp", time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteRequest(ctx, "req", []byte("done")); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.AcquireLease(ctx, "agent/1001", "a", time.Hour); !ok || err != nil {
			t.Fatalf("AcquireLease = %v, %v", ok, err)
		}
	}
	openOn := func(url string) store.Store {
		nc := natstest.Connect(t, url)
		s, err := natsstore.Open(ctx, natsstore.Options{Conn: nc})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	st := openOn(s1.ClientURL())
	write(st)
	_, epoch, err := st.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	natstest.Stop(s1)
	s2, err := natstest.RunServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer natstest.Stop(s2)
	st = openOn(s2.ClientURL())
	if sess, err := st.GetSession(ctx, "1001"); err != nil || sess.GUID != "g" {
		t.Fatalf("session after restart: %+v, %v", sess, err)
	}
	if evs, err := st.Read(ctx, nil, 0, 10); err != nil || len(evs) != 2 || evs[1].Seq != 2 {
		t.Fatalf("events after restart: %+v, %v", evs, err)
	}
	if head, epoch2, err := st.Head(ctx); err != nil || head != 2 || epoch2 != epoch {
		t.Fatalf("Head after restart = %d, %q, %v; want 2, %q", head, epoch2, err, epoch)
	}
	if rec, err := st.GetRequest(ctx, "req"); err != nil || rec.State != store.IdemDone || string(rec.Result) != "done" {
		t.Fatalf("request after restart: %+v, %v", rec, err)
	}
	if ok, err := st.AcquireLease(ctx, "agent/1001", "b", time.Hour); ok || err != nil {
		t.Fatalf("lease after restart taken by another owner: %v, %v", ok, err)
	}
}
