//go:build linux

package failover

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsNode is one nats-server process of the test's cluster.
type natsNode struct {
	name        string
	bin         string
	port, route int
	conf        string
	proc        *proc
}

func (n *natsNode) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.port) }

// startNATSCluster runs a JetStream cluster of n separate nats-server processes on loopback.
// Client URLs are not advertised (no_advertise), so a client reaches only the servers it was
// given: a proxy in front of them really cuts that client off.
func startNATSCluster(t *testing.T, bin string, n int) []*natsNode {
	t.Helper()
	nodes := make([]*natsNode, n)
	for i := range nodes {
		nodes[i] = &natsNode{name: fmt.Sprintf("n%d", i), bin: bin, port: freePort(t), route: freePort(t)}
	}
	base := t.TempDir()
	for i, nd := range nodes {
		var routes []string
		for j, o := range nodes {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", o.route))
			}
		}
		dir := filepath.Join(base, nd.name)
		conf := fmt.Sprintf(`server_name: %s
listen: "127.0.0.1:%d"
jetstream {
  store_dir: %q
  max_memory_store: 256MB
  max_file_store: 2GB
}
cluster {
  name: "ccgw-failover"
  listen: "127.0.0.1:%d"
  routes: [%s]
  no_advertise: true
}
`, nd.name, nd.port, dir, nd.route, strings.Join(routes, ", "))
		nd.conf = filepath.Join(base, nd.name+".conf")
		if err := os.WriteFile(nd.conf, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, nd := range nodes {
		nd.start(t)
	}
	waitJetStream(t, nodes)
	return nodes
}

func (n *natsNode) start(t *testing.T) {
	t.Helper()
	n.proc = startProc(t, "nats-"+n.name, n.bin, []string{"-c", n.conf}, nil)
}

// waitJetStream waits until the cluster has a JetStream meta leader (an account info request
// succeeds through every node).
func waitJetStream(t *testing.T, nodes []*natsNode) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for _, nd := range nodes {
		for {
			err := func() error {
				nc, err := natsgo.Connect(nd.url(), natsgo.Timeout(2*time.Second))
				if err != nil {
					return err
				}
				defer nc.Close()
				js, err := jetstream.New(nc)
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				_, err = js.AccountInfo(ctx)
				return err
			}()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("JetStream cluster not ready through %s: %v", nd.name, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
