package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
)

// openedStore is the store and what must be closed after it.
type openedStore struct {
	store.Store
	desc string // for the health details: which store, never a secret
	nc   *natsgo.Conn
	srv  *server.Server
	lock *os.File // held on -data-dir while the embedded server may touch its files
}

// close closes the store, then its connection, then the embedded server (which flushes its
// files), in that order.
func (o *openedStore) close() {
	if o.Store != nil {
		_ = o.Store.Close()
	}
	if o.nc != nil {
		o.nc.Close() // every store call waited for its answer: nothing is left in flight
	}
	if o.srv != nil {
		o.srv.Shutdown()
		o.srv.WaitForShutdown()
	}
	if o.lock != nil {
		_ = o.lock.Close() // releases the lock, after the server has let go of the files
	}
}

// openStore opens the store the configuration chooses: JetStream on an external cluster
// (-nats-url), JetStream in an embedded single-node server storing under -data-dir, or memory.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (_ *openedStore, err error) {
	ret := store.Retention{MaxEvents: cfg.RetentionEvents, MaxAge: cfg.RetentionAge}
	o := &openedStore{}
	defer func() {
		if err != nil {
			o.close()
		}
	}()
	replicas := cfg.NATSStreamReplicas
	switch {
	case cfg.NATSURL != "":
		if o.nc, err = connectNATS(cfg, log); err != nil {
			return nil, err
		}
		if replicas == 0 {
			replicas = 1
			if clusterSize(o.nc) >= 3 {
				replicas = 3
			}
		}
		o.desc = fmt.Sprintf("nats (external %s, %d replicas, prefix %s)", redactNATSURLs(cfg.NATSURL), replicas, cfg.NATSPrefix)
	case cfg.DataDir != "":
		if err = os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("-data-dir: %w", err)
		}
		if o.lock, err = lockDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
		if o.srv, o.nc, err = embedNATS(cfg.DataDir); err != nil {
			return nil, err
		}
		replicas = 1
		o.desc = "nats (embedded, data in " + cfg.DataDir + ")"
	default:
		o.Store, o.desc = memory.New(memory.Options{Retention: ret}), "memory"
		return o, nil
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// Through a local: a failed Open's nil *Store in the interface field would not be nil to
	// close, which would call Close on it.
	st, err := natsstore.Open(octx, natsstore.Options{Conn: o.nc, Prefix: cfg.NATSPrefix, Replicas: replicas,
		Storage: jetstream.FileStorage, Retention: ret})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	o.Store = st
	return o, nil
}

// connectNATS connects to an external cluster. Credentials come only from files, and only
// server addresses are ever logged.
func connectNATS(cfg Config, log *slog.Logger) (*natsgo.Conn, error) {
	opts := []natsgo.Option{
		natsgo.Name("ccgw-bridge"),
		natsgo.Timeout(10 * time.Second),
		natsgo.MaxReconnects(-1), // a store outage is survived, not fatal
		natsgo.ReconnectWait(time.Second),
		natsgo.DisconnectErrHandler(func(nc *natsgo.Conn, err error) {
			log.Warn("NATS disconnected", "err", err)
		}),
		natsgo.ReconnectHandler(func(nc *natsgo.Conn) {
			log.Info("NATS reconnected", "server", redactNATSURLs(nc.ConnectedUrlRedacted()))
		}),
		natsgo.ErrorHandler(func(_ *natsgo.Conn, _ *natsgo.Subscription, err error) {
			log.Warn("NATS error", "err", err)
		}),
	}
	if cfg.NATSCredsFile != "" {
		opts = append(opts, natsgo.UserCredentials(cfg.NATSCredsFile))
	}
	if cfg.NATSNkeyFile != "" {
		opt, err := natsgo.NkeyOptionFromSeed(cfg.NATSNkeyFile)
		if err != nil {
			// The library's message names the file, never the seed.
			return nil, fmt.Errorf("-nats-nkey-file: %w", err)
		}
		opts = append(opts, opt)
	}
	if cfg.NATSCAFile != "" {
		opts = append(opts, natsgo.RootCAs(cfg.NATSCAFile))
	}
	if cfg.NATSCertFile != "" {
		opts = append(opts, natsgo.ClientCert(cfg.NATSCertFile, cfg.NATSKeyFile))
	}
	nc, err := natsgo.Connect(cfg.NATSURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w", redactNATSURLs(cfg.NATSURL), err)
	}
	return nc, nil
}

// clusterSize counts the distinct servers the connection knows of (the configured ones and
// those the cluster announced).
func clusterSize(nc *natsgo.Conn) int {
	hosts := map[string]bool{}
	for _, s := range append(nc.Servers(), nc.DiscoveredServers()...) {
		if u, err := url.Parse(s); err == nil {
			hosts[u.Host] = true
		}
	}
	return len(hosts)
}

// embedNATS starts a single-node JetStream server with its files under dir and no network
// listener at all: the bridge talks to it in-process, so nothing else can reach it.
func embedNATS(dir string) (*server.Server, *natsgo.Conn, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("-data-dir: %w", err)
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: "ccgw-bridge-embedded",
		JetStream:  true,
		StoreDir:   abs,
		DontListen: true,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("-data-dir: embedded NATS: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, nil, errors.New("-data-dir: the embedded NATS server did not start within 30 s")
	}
	nc, err := natsgo.Connect("", natsgo.InProcessServer(srv), natsgo.Name("ccgw-bridge"))
	if err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, nil, fmt.Errorf("-data-dir: connecting to the embedded NATS server: %w", err)
	}
	return srv, nc, nil
}

// redactNATSURLs keeps scheme, host and port of each comma-separated URL: anything else (a
// user, password or token) is dropped, so it can go into logs and health details.
func redactNATSURLs(raw string) string {
	var out []string
	for _, s := range strings.Split(raw, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Host == "" {
			out = append(out, "(unparseable)")
			continue
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return strings.Join(slices.Compact(out), ",")
}
