package nats_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// TestTailReadsOnAReplicatedStream: on a stream with three replicas, the tail reads every
// replica's hub makes (direct gets that any replica answers, the end confirmed by the leader)
// see every event exactly once and in order, while two replicas append on connections to
// different nodes; and reads keep exactly each agent's newest MaxEvents, in one page or many.
func TestTailReadsOnAReplicatedStream(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nats-server and runs a 3-process cluster")
	}
	c := natstest.StartCluster(t, natstest.Binary(t), 3)
	ctx := tctx(t)
	// One store per node, so direct gets are answered by different replicas.
	openAll := func(prefix string, ret store.Retention) []*natsstore.Store {
		var rs []*natsstore.Store
		for i := range 3 {
			s, err := natsstore.Open(ctx, natsstore.Options{Conn: natstest.Connect(t, c.Nodes[i].ClientURL), Replicas: 3,
				Prefix: prefix, Storage: jetstream.FileStorage, Retention: ret})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			rs = append(rs, s)
		}
		return rs
	}
	agents := []string{"1001", "1002", "1003", "1004"}
	const per = 60
	total := len(agents) * per
	write := func(rs []*natsstore.Store) {
		var writers sync.WaitGroup
		for i, agent := range agents {
			s := rs[i%2] // two replicas write, on connections to different nodes
			writers.Go(func() {
				for k := range per {
					if _, err := s.Append(ctx, agent, store.Event{Type: fmt.Sprintf("e%d", k)}); err != nil {
						t.Errorf("Append %s: %v", agent, err)
						return
					}
				}
			})
		}
		writers.Wait()
	}

	rs := openAll("TAIL", store.Retention{})

	// Each reader tails the log the way the hub does: small pages from its last position.
	seen := make([][]store.Event, len(rs))
	tailCtx, stopTail := context.WithCancel(ctx)
	var readers sync.WaitGroup
	for i, s := range rs {
		readers.Go(func() {
			var pos uint64
			for len(seen[i]) < total && tailCtx.Err() == nil {
				evs, err := s.Read(tailCtx, nil, pos, 7)
				if err != nil {
					if tailCtx.Err() == nil {
						t.Errorf("reader %d: Read after %d: %v", i, pos, err)
					}
					return
				}
				for _, e := range evs {
					if e.Pos <= pos {
						t.Errorf("reader %d: position %d after %d", i, e.Pos, pos)
					}
					pos = e.Pos
				}
				seen[i] = append(seen[i], evs...)
			}
		})
	}
	write(rs)
	done := make(chan struct{})
	go func() { readers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	stopTail()
	readers.Wait()
	for i, evs := range seen {
		next := map[string]uint64{}
		for _, e := range evs {
			if next[e.AgentID]++; e.Seq != next[e.AgentID] {
				t.Fatalf("reader %d: %s has Seq %d where %d was due", i, e.AgentID, e.Seq, next[e.AgentID])
			}
		}
		if len(evs) != total {
			t.Errorf("reader %d saw %d events, want %d", i, len(evs), total)
		}
	}

	const maxEvents = 5
	rs = openAll("TAIL5", store.Retention{MaxEvents: maxEvents})
	write(rs)
	want := fmt.Sprint([]uint64{per - 4, per - 3, per - 2, per - 1, per})
	for i, s := range rs {
		for _, page := range []int{1000, 3} {
			got := map[string][]uint64{}
			var pos uint64
			for {
				evs, err := s.Read(ctx, nil, pos, page)
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) == 0 {
					break
				}
				for _, e := range evs {
					got[e.AgentID] = append(got[e.AgentID], e.Seq)
					pos = e.Pos
				}
			}
			for _, a := range agents {
				if fmt.Sprint(got[a]) != want {
					t.Errorf("replica %d, pages of %d: reads keep %s's %v, want its newest %d: %v", i, page, a, got[a], maxEvents, want)
				}
			}
		}
	}
}
