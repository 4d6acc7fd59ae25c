package natstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Build compiles the nats-server command of the module version pinned in go.mod into dir and
// returns the binary's path. It runs the go command, so it needs the module cache (or proxy).
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "nats-server")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("natstest: building nats-server: %v\n%s", err, out)
	}
	return bin, nil
}

// Binary builds the pinned nats-server into a directory removed when the test ends.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin, err := Build(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// Cluster is a JetStream cluster of separate nats-server processes on loopback.
type Cluster struct {
	bin   string
	Nodes []*Node
}

// Node is one server of a Cluster. Its ports and files stay the same across restarts.
type Node struct {
	Name      string
	ClientURL string // nats://127.0.0.1:port
	dir, conf string
	cmd       *exec.Cmd
	exited    chan struct{}
}

// StartCluster starts n (at least 1) servers of bin (see Binary) as one cluster, waits until
// JetStream answers through every node, and kills them all when the test ends.
func StartCluster(tb testing.TB, bin string, n int, opts ...ClusterOption) *Cluster {
	tb.Helper()
	c, err := Launch(bin, tb.TempDir(), n, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Launch starts n (at least 1) servers of bin as one cluster with their files under dir, and
// waits until JetStream answers through every node. Close stops them. For programs that are not
// tests (the benchmark); tests use StartCluster.
func Launch(bin, dir string, n int, opts ...ClusterOption) (*Cluster, error) {
	var o clusterOptions
	for _, opt := range opts {
		opt(&o)
	}
	ports, err := freePorts(2 * n)
	if err != nil {
		return nil, err
	}
	client, route := ports[:n], ports[n:]
	c := &Cluster{bin: bin}
	for i := range n {
		nodeDir := filepath.Join(dir, fmt.Sprintf("n%d", i+1))
		if err := os.MkdirAll(nodeDir, 0o700); err != nil {
			return nil, err
		}
		var routes []string
		for j := range n {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", route[j]))
			}
		}
		cluster := ""
		if n > 1 {
			cluster = fmt.Sprintf("cluster {\n  name: natstest\n  listen: 127.0.0.1:%d\n  routes: [%s]\n  no_advertise: %t\n}\n",
				route[i], strings.Join(routes, ", "), o.noAdvertise)
		}
		conf := fmt.Sprintf("server_name: n%d\nlisten: 127.0.0.1:%d\njetstream {\n  store_dir: %q\n}\n%s",
			i+1, client[i], filepath.Join(nodeDir, "js"), cluster)
		path := filepath.Join(nodeDir, "nats.conf")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			return nil, err
		}
		c.Nodes = append(c.Nodes, &Node{Name: fmt.Sprintf("n%d", i+1), ClientURL: fmt.Sprintf("nats://127.0.0.1:%d", client[i]), dir: nodeDir, conf: path})
	}
	for i := range c.Nodes {
		if err := c.StartNode(i); err != nil {
			c.Close()
			return nil, err
		}
	}
	for i := range c.Nodes {
		if err := c.AwaitReady(i); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// ClusterOption changes how StartCluster configures the servers.
type ClusterOption func(*clusterOptions)

type clusterOptions struct{ noAdvertise bool }

// NoAdvertise keeps the servers from telling clients the other nodes' URLs, so a client reaches
// only the servers it was given: a proxy in front of them (a partition the test controls) cannot
// be bypassed through discovered URLs.
func NoAdvertise() ClusterOption { return func(o *clusterOptions) { o.noAdvertise = true } }

// URLs is every node's client URL, comma-separated, as -nats-url takes them.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		urls[i] = n.ClientURL
	}
	return strings.Join(urls, ",")
}

// PIDs are the running nodes' process ids (a stopped node is left out).
func (c *Cluster) PIDs() []int {
	var out []int
	for _, n := range c.Nodes {
		if n.cmd != nil {
			out = append(out, n.cmd.Process.Pid)
		}
	}
	return out
}

// Close kills every node.
func (c *Cluster) Close() {
	for i := range c.Nodes {
		c.Kill(i)
	}
}

// Start starts node i again (same ports and files), failing the test if it cannot.
func (c *Cluster) Start(tb testing.TB, i int) {
	tb.Helper()
	if err := c.StartNode(i); err != nil {
		tb.Fatal(err)
	}
}

// StartNode starts node i (again, with the same ports and files). Its output goes to a log
// file in its directory.
func (c *Cluster) StartNode(i int) error {
	n := c.Nodes[i]
	if n.cmd != nil {
		return fmt.Errorf("natstest: node %s is running", n.Name)
	}
	logf, err := os.OpenFile(filepath.Join(n.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin, "-c", n.conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return fmt.Errorf("natstest: starting %s: %w", n.Name, err)
	}
	n.cmd, n.exited = cmd, make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(n.exited)
	}()
	return nil
}

// Kill ends node i with SIGKILL (no shutdown of any kind) and waits until it has exited.
func (c *Cluster) Kill(i int) { c.signal(i, syscall.SIGKILL) }

// Stop ends node i with SIGTERM (a graceful shutdown) and waits until it has exited.
func (c *Cluster) Stop(i int) { c.signal(i, syscall.SIGTERM) }

func (c *Cluster) signal(i int, sig syscall.Signal) {
	n := c.Nodes[i]
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Signal(sig)
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
	n.cmd = nil
}

// WaitReady is AwaitReady failing the test.
func (c *Cluster) WaitReady(tb testing.TB, i int) {
	tb.Helper()
	if err := c.AwaitReady(i); err != nil {
		tb.Fatal(err)
	}
}

// AwaitReady waits (at most 60 s) until node i accepts connections and JetStream answers
// through it, which in a cluster needs an elected meta leader.
func (c *Cluster) AwaitReady(i int) error {
	n := c.Nodes[i]
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if last = ping(n.ClientURL); last == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(n.dir, "server.log"))
	return fmt.Errorf("natstest: node %s not ready: %w\n%s", n.Name, last, log)
}

func ping(url string) error {
	nc, err := natsgo.Connect(url, natsgo.Timeout(time.Second), natsgo.NoReconnect())
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
}

// freePorts returns n loopback ports that were free a moment ago (the kernel could hand one
// out again before the server binds it; the ephemeral range makes that unlikely).
func freePorts(n int) ([]int, error) {
	ports := make([]int, n)
	var errs []error
	for i := range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			errs = append(errs, err)
			break
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, errors.Join(errs...)
}
