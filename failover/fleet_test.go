//go:build linux

package failover

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// bridge is one ccgw-bridge replica process, restartable under the same replica id.
type bridge struct {
	idx  int
	id   string
	args []string
	proc *proc

	mu       sync.Mutex
	grpcAddr string
	httpAddr string
	conn     *grpc.ClientConn
}

// fleet is the set of replicas plus what the test learns from their logs.
type fleet struct {
	t    *testing.T
	bin  string
	reps []*bridge

	mu        sync.Mutex
	adoptions []adoption
}

type adoption struct {
	replica, agent string
	at             time.Time
}

// logLine is the part of a bridge's JSON log line the test reads.
type logLine struct {
	Time  time.Time `json:"time"`
	Msg   string    `json:"msg"`
	Agent string    `json:"agent"`
	GRPC  string    `json:"grpc"`
	HTTP  string    `json:"http"`
}

// bridgeArgs are the flags every replica shares; natsURLs is the replica's way to NATS.
func bridgeArgs(t *testing.T, simURL, keyFile string, natsURLs []string) []string {
	t.Helper()
	return []string{
		"-grpc-listen", "127.0.0.1:0", "-http-listen", "127.0.0.1:0",
		"-gateway-url", simURL, "-insecure-no-auth", // the test talks plaintext gRPC on loopback
		"-nats-url", strings.Join(natsURLs, ","), "-nats-stream-replicas", "3",
		"-lease-ttl", leaseTTL.String(), "-takeover-interval", "500ms",
		"-password-verifier-key-file", keyFile,
		"-heartbeat", "1s", "-shutdown-timeout", "5s", "-retention-age", retentionAge.String(),
		"-log-format", "json", "-log-level", "info",
	}
}

func writeKey(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "verifier.key")
	if err := os.WriteFile(f, []byte("failover-test-verifier-key-shared-by-all-replicas"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fleet) add(id string, args []string) *bridge {
	b := &bridge{idx: len(f.reps), id: id, args: append([]string{"-replica-id", id}, args...)}
	f.reps = append(f.reps, b)
	f.start(b)
	return b
}

// start runs (or restarts) the replica and waits until it serves.
func (f *fleet) start(b *bridge) {
	f.t.Helper()
	ready := make(chan struct{})
	var once sync.Once
	b.proc = startProc(f.t, b.id, f.bin, b.args, func(line string) {
		var l logLine
		if json.Unmarshal([]byte(line), &l) != nil {
			return
		}
		switch l.Msg {
		case "ccgw-bridge serving":
			b.mu.Lock()
			b.grpcAddr, b.httpAddr = l.GRPC, l.HTTP
			b.mu.Unlock()
			once.Do(func() { close(ready) })
		case "adopted a stored session":
			f.mu.Lock()
			f.adoptions = append(f.adoptions, adoption{replica: b.id, agent: l.Agent, at: l.Time})
			f.mu.Unlock()
		}
	})
	select {
	case <-ready:
	case <-b.proc.done:
		f.t.Fatalf("%s exited before serving:\n%s", b.id, b.proc.output())
	case <-time.After(90 * time.Second):
		b.proc.dump()
		f.t.Fatalf("%s not serving within 90s:\n%s", b.id, b.proc.output())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		_ = b.conn.Close()
	}
	conn, err := grpc.NewClient(b.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		f.t.Fatal(err)
	}
	b.conn = conn
	f.t.Cleanup(func() { _ = conn.Close() })
}

// client returns the replica's current gRPC connection (nil while it is down).
func (b *bridge) client() *grpc.ClientConn {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proc == nil || b.proc.exited() {
		return nil
	}
	return b.conn
}

func (b *bridge) metricsURL() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return "http://" + b.httpAddr + "/metrics"
}

// adoptedBetween returns the adoptions in [from, to).
func (f *fleet) adoptedBetween(from, to time.Time) []adoption {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []adoption
	for _, a := range f.adoptions {
		if !a.at.Before(from) && a.at.Before(to) {
			out = append(out, a)
		}
	}
	return out
}

// takeover summarises adoptions after an event at t0: how many agents, and when the last was
// adopted, relative to t0.
func takeover(as []adoption, t0 time.Time) (n int, last time.Duration) {
	seen := map[string]bool{}
	for _, a := range as {
		seen[a.agent] = true
		last = max(last, a.at.Sub(t0))
	}
	return len(seen), last
}

func agentID(i int) string { return fmt.Sprint(2001 + i) }
