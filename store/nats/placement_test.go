package nats_test

import (
	"testing"
	"time"

	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// A bridge that opens its store while the cluster cannot place three replicas yet (here: two of
// three nodes down, as when a site restarts) waits for the cluster instead of failing to start.
func TestOpenWaitsForTheClusterToPlaceReplicas(t *testing.T) {
	c := natstest.StartCluster(t, natstest.Binary(t), 3)
	c.Stop(1)
	c.Stop(2)
	nc := natstest.Connect(t, c.Nodes[0].ClientURL)
	opened := make(chan error, 1)
	go func() {
		s, err := natsstore.Open(tctx(t), natsstore.Options{Conn: nc, Replicas: 3, Prefix: "PLACE"})
		if err == nil {
			_ = s.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("Open returned before the cluster could place 3 replicas: %v", err)
	case <-time.After(1500 * time.Millisecond):
	}
	c.Start(t, 1)
	c.Start(t, 2)
	if err := <-opened; err != nil {
		t.Fatalf("Open after the cluster formed again: %v", err)
	}
}
