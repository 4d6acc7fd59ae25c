package natstest_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestClusterSurvivesANodeKill: a store with three replicas on a three-process cluster keeps
// appending and reading, with nothing lost, while one node is killed and after it returns.
func TestClusterSurvivesANodeKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nats-server and runs a 3-process cluster")
	}
	c := natstest.StartCluster(t, natstest.Binary(t), 3)
	nc := natstest.Connect(t, c.URLs())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := natsstore.Open(ctx, natsstore.Options{Conn: nc, Replicas: 3, Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var want int
	appendSome := func(what string) {
		t.Helper()
		// Right after a kill the stream may need a new leader: retry until it has one.
		for deadline := time.Now().Add(30 * time.Second); ; {
			_, err := s.Append(ctx, "1001", store.Event{Type: what})
			if err == nil {
				want++
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("append %s: %v", what, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	for range 5 {
		appendSome("before")
	}
	c.Kill(0)
	for range 5 {
		appendSome("one node down")
	}
	c.Start(t, 0)
	c.WaitReady(t, 0)
	for range 5 {
		appendSome("back")
	}
	evs, err := s.Read(ctx, []string{"1001"}, 0, 100)
	if err != nil || len(evs) != want {
		t.Fatalf("Read = %d events, %v; want %d", len(evs), err, want)
	}
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Fatalf("event %d has Seq %d", i, e.Seq)
		}
	}
}
