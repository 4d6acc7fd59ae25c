package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// TestStreamReplicasFollowTheCluster: without -nats-stream-replicas the bridge keeps 3 copies
// on a 3-node cluster, even when given only one node's URL (the others are discovered).
func TestStreamReplicasFollowTheCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nats-server and runs a 3-process cluster")
	}
	c := natstest.StartCluster(t, natstest.Binary(t), 3)
	b := startBridge(t, func(cfg *app.Config) { cfg.NATSURL = c.Nodes[1].ClientURL })
	if _, body := b.healthz(t); !strings.Contains(fmt.Sprint(body), "3 replicas") {
		t.Fatalf("/healthz: %v", body)
	}
	b.signIn(t, "1001")
}
