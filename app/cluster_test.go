package app_test

import (
	"io"
	"net/http"
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
	res, err := http.Get(b.httpBase + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if !strings.Contains(string(body), "3 replicas") {
		t.Fatalf("/healthz: %s", body)
	}
	b.signIn(t, "1001")
}
