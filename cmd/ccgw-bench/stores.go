package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// The stores a bench bridge can keep its state in (-stores), in report order. memory is the
// floor the others are compared with.
const (
	storeMemory   = "memory"   // the default: everything in the bridge process
	storeEmbedded = "embedded" // -data-dir: a single-node JetStream server inside the bridge, file storage
	storeCluster  = "cluster"  // -nats-url: a 3-node JetStream cluster of nats-server processes, 3 replicas
)

var allStores = []string{storeMemory, storeEmbedded, storeCluster}

// clusterNodes is the size of the cluster store's NATS cluster and its stream replicas.
const clusterNodes = 3

// stores prepares the backends the bench's bridges run on: the NATS cluster (nats-server built
// from the module version go.mod pins, three processes on loopback) when cluster is measured,
// and fresh data directories and stream prefixes for each bridge.
type stores struct {
	dir     string
	cluster *natstest.Cluster
}

func startStores(ctx context.Context, o *options, dir string) (*stores, error) {
	s := &stores{dir: dir}
	if !slices.Contains(o.stores, storeCluster) {
		return s, nil
	}
	logf("building nats-server and starting a %d-node JetStream cluster", clusterNodes)
	bin, err := natstest.Build(dir)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.cluster, err = natstest.Launch(bin, filepath.Join(dir, "nats"), clusterNodes); err != nil {
		return nil, err
	}
	return s, nil
}

// flags are the bridge flags that put the bridge called name on store. Every bridge starts
// empty: a data directory or a stream prefix of its own.
func (s *stores) flags(store, name string) ([]string, error) {
	switch store {
	case storeMemory:
		return nil, nil
	case storeEmbedded:
		d := filepath.Join(s.dir, name+"-data")
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
		return []string{"-data-dir=" + d}, nil
	case storeCluster:
		if s.cluster == nil {
			return nil, fmt.Errorf("store %s was not prepared", store)
		}
		return []string{"-nats-url=" + s.cluster.URLs(), "-nats-prefix=" + name, fmt.Sprintf("-nats-stream-replicas=%d", clusterNodes)}, nil
	}
	return nil, fmt.Errorf("unknown store %q", store)
}

// natsPIDs are the processes, besides the bridge, that serve store: the cluster's nodes, or
// none (memory, and the embedded server, which runs inside the bridge).
func (s *stores) natsPIDs(store string) []int {
	if store != storeCluster || s.cluster == nil {
		return nil
	}
	return s.cluster.PIDs()
}

func (s *stores) close() {
	if s.cluster != nil {
		s.cluster.Close()
	}
}
