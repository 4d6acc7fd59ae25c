package nats_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
	natsstore "github.com/ccgw-bridge/ccgw-bridge/store/nats"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// benchEvent is a typical CC-Gateway event: a call id, a few lifted fields, ~150 bytes of JSON.
var benchEvent = store.Event{
	Type: "AgentOther_PhoneAlerting", ReceivedAt: time.Unix(1_700_000_000, 0),
	CallID: "1700000000-12345", Caller: "71001", Called: "3000", MediaType: "5",
	Content: []byte(`{"callId":"1700000000-12345","caller":"71001","called":"3000","mediaType":5,"feature":0,"otherPhone":"","result":"0"}`),
}

// backends are what each benchmark compares in one run: memory is the floor, then JetStream on
// a loopback server with memory and with file storage.
func backends(b *testing.B) []struct {
	name string
	open func(b *testing.B) store.Store
} {
	natsOpen := func(st jetstream.StorageType) func(b *testing.B) store.Store {
		return func(b *testing.B) store.Store { return openBench(b, st) }
	}
	return []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"memory", func(*testing.B) store.Store { return memory.New(memory.Options{}) }},
		{"nats-mem", natsOpen(jetstream.MemoryStorage)},
		{"nats-file", natsOpen(jetstream.FileStorage)},
	}
}

func openBench(b *testing.B, st jetstream.StorageType) store.Store {
	b.Helper()
	nc := natstest.Connect(b, srv.ClientURL())
	prefix := fmt.Sprintf("B%d", stores.Add(1))
	s, err := natsstore.Open(context.Background(), natsstore.Options{Conn: nc, Prefix: prefix, Storage: st})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = s.Close()
		js, _ := jetstream.New(nc)
		for _, n := range []string{prefix + "_EVENTS", "KV_" + prefix + "_agents", "KV_" + prefix + "_sessions", "KV_" + prefix + "_leases", "KV_" + prefix + "_requests"} {
			_ = js.DeleteStream(context.Background(), n)
		}
	})
	return s
}

// BenchmarkAppend appends one event per op, cycling over 100 agents.
func BenchmarkAppend(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			s, ctx := be.open(b), context.Background()
			i := 0
			for b.Loop() {
				if _, err := s.Append(ctx, fmt.Sprint(100001+i%100), benchEvent); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkRead reads pages of 100 events across all agents, and of one agent among 100.
func BenchmarkRead(b *testing.B) {
	for _, be := range backends(b) {
		for _, set := range []string{"all", "one"} {
			b.Run(be.name+"/"+set, func(b *testing.B) {
				s, ctx := be.open(b), context.Background()
				for i := range 2000 {
					if _, err := s.Append(ctx, fmt.Sprint(100001+i%100), benchEvent); err != nil {
						b.Fatal(err)
					}
				}
				var ids []string
				if set == "one" {
					ids = []string{"100042"}
				}
				for b.Loop() {
					evs, err := s.Read(ctx, ids, 0, 100)
					if err != nil || len(evs) == 0 {
						b.Fatal(len(evs), err)
					}
				}
			})
		}
	}
}

// BenchmarkWatch measures the delay from an Append returning to a watcher's notify carrying
// its position; it reports the median and 99th percentile.
func BenchmarkWatch(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			s := be.open(b)
			ctx, cancel := context.WithCancel(context.Background())
			heads := make(chan uint64, 1)
			done := make(chan error, 1)
			go func() {
				done <- s.Watch(ctx, func(h uint64) {
					select {
					case heads <- h:
					default:
					}
				})
			}()
			<-heads
			var lat []time.Duration
			for b.Loop() {
				out, err := s.Append(ctx, "100001", benchEvent)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for h := range heads {
					if h >= out[0].Pos {
						break
					}
				}
				lat = append(lat, time.Since(start))
			}
			cancel()
			<-done
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
