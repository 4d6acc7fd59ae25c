package nats_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
	"github.com/ccgw-bridge/ccgw-bridge/store/storetest"
)

// srv is one server for the package: every store gets its own prefix, so its own stream and
// buckets, and deletes them when its test ends.
var srv *server.Server

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "natsstore")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, err = natstest.RunServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	natstest.Stop(srv)
	_ = os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

var stores atomic.Int64

// open returns a store on a fresh prefix; its stream and buckets are deleted when the test ends.
func open(t *testing.T, opts natsstore.Options) *natsstore.Store {
	t.Helper()
	nc := natstest.Connect(t, srv.ClientURL())
	opts.Conn = nc
	if opts.Prefix == "" {
		opts.Prefix = fmt.Sprintf("T%d", stores.Add(1))
	}
	if opts.Storage == 0 {
		opts.Storage = jetstream.MemoryStorage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := natsstore.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	prefixes.Store(s, opts.Prefix)
	t.Cleanup(func() { drop(t, nc, opts.Prefix) })
	return s
}

var prefixes sync.Map // *natsstore.Store -> its prefix

func prefixOf(t *testing.T, s *natsstore.Store) string {
	t.Helper()
	p, ok := prefixes.Load(s)
	if !ok {
		t.Fatal("store not opened by open")
	}
	return p.(string)
}

// drop deletes a prefix's stream and buckets, so the server does not accumulate them.
func drop(t *testing.T, nc *natsgo.Conn, prefix string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Error(err)
		return
	}
	for _, name := range []string{prefix + "_EVENTS", "KV_" + prefix + "_agents", "KV_" + prefix + "_sessions", "KV_" + prefix + "_leases", "KV_" + prefix + "_requests"} {
		if err := js.DeleteStream(ctx, name); err != nil {
			t.Errorf("delete %s: %v", name, err)
		}
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts storetest.Options) store.Store {
		return open(t, natsstore.Options{Retention: opts.Retention, Now: opts.Now})
	})
}

func TestFileStorageConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, opts storetest.Options) store.Store {
		return open(t, natsstore.Options{Retention: opts.Retention, Now: opts.Now, Storage: jetstream.FileStorage})
	})
}
