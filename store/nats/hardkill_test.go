package nats_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// TestHardKillKeepsPositions: a single-node file-storage server killed (-9) while agents
// append keeps every acknowledged event at its position, and the stream's sequence goes on
// from there: an event appended after the restart gets a position above every cursor issued
// before, so a client resuming from one misses nothing.
func TestHardKillKeepsPositions(t *testing.T) {
	ctx := tctx(t)
	c := natstest.StartCluster(t, natstest.Binary(t), 1)
	openOn := func() *natsstore.Store {
		t.Helper()
		s, err := natsstore.Open(ctx, natsstore.Options{Conn: natstest.Connect(t, c.Nodes[0].ClientURL)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	st := openOn()
	const agents = 8
	var (
		mu   sync.Mutex
		last = map[string]store.Event{} // newest acknowledged event per agent
		wg   sync.WaitGroup
		stop = make(chan struct{})
	)
	for a := range agents {
		id := fmt.Sprint(1001 + a)
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				evs, err := st.Append(ctx, id, store.Event{Type: "probe"})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				last[id] = evs[0]
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Second)
	c.Kill(0)
	close(stop)
	wg.Wait()
	c.Start(t, 0)
	c.WaitReady(t, 0)
	st = openOn()

	var acked uint64
	for id, ev := range last {
		acked = max(acked, ev.Pos)
		got, err := st.Read(ctx, []string{id}, ev.Pos-1, 1)
		if err != nil || len(got) != 1 || got[0].Pos != ev.Pos || got[0].Seq != ev.Seq {
			t.Fatalf("agent %s after the kill: read %+v, %v; want its acknowledged event %d at %d", id, got, err, ev.Seq, ev.Pos)
		}
	}
	if len(last) != agents || acked == 0 {
		t.Fatalf("%d agents appended before the kill", len(last))
	}
	for id, ev := range last {
		evs, err := st.Append(ctx, id, store.Event{Type: "after"})
		if err != nil {
			t.Fatal(err)
		}
		if evs[0].Pos <= acked || evs[0].Seq != ev.Seq+1 {
			t.Fatalf("agent %s: appended after the restart at %d (seq %d); want above %d (seq %d)", id, evs[0].Pos, evs[0].Seq, acked, ev.Seq+1)
		}
	}
	t.Logf("%d events acknowledged before the kill, all kept", acked)
}
