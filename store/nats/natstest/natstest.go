// Package natstest runs real NATS JetStream servers, built from the nats-server module pinned
// in go.mod, for tests: in-process single nodes (RunServer, Start) and, for tests that kill
// and restart nodes, a cluster of separate nats-server processes (see cluster.go).
package natstest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
)

// RunServer starts an in-process JetStream server listening on an ephemeral loopback port and
// storing files under dir; mutate may change its options (authentication, say). The caller
// shuts it down with Stop.
func RunServer(dir string, mutate ...func(*server.Options)) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "natstest",
		Host:       "127.0.0.1",
		Port:       -1, // ephemeral
		JetStream:  true,
		StoreDir:   dir,
		NoLog:      true,
		NoSigs:     true,
	}
	for _, m := range mutate {
		m(opts)
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natstest: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		Stop(srv)
		return nil, errors.New("natstest: server not ready within 30s")
	}
	return srv, nil
}

// Stop shuts the server down and waits until its goroutines have ended.
func Stop(srv *server.Server) {
	srv.Shutdown()
	srv.WaitForShutdown()
}

// Start runs a server for the test and stops it when the test ends.
func Start(tb testing.TB, mutate ...func(*server.Options)) *server.Server {
	tb.Helper()
	srv, err := RunServer(tb.TempDir(), mutate...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { Stop(srv) })
	return srv
}

// Connect opens a client connection to url (comma-separated URLs of a cluster), closed when
// the test or benchmark ends.
func Connect(tb testing.TB, url string) *natsgo.Conn {
	tb.Helper()
	nc, err := natsgo.Connect(url, natsgo.Name("natstest"), natsgo.Timeout(10*time.Second))
	if err != nil {
		tb.Fatalf("natstest: connect %s: %v", url, err)
	}
	tb.Cleanup(nc.Close)
	return nc
}
