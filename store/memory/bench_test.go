package memory

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// benchEvent is a typical CC-Gateway event: a call id, a few lifted fields, ~150 bytes of JSON.
var benchEvent = store.Event{
	Type: "AgentOther_PhoneAlerting", ReceivedAt: time.Unix(1_700_000_000, 0),
	CallID: "1700000000-12345", Caller: "71001", Called: "3000", MediaType: "5",
	Content: []byte(`{"callId":"1700000000-12345","caller":"71001","called":"3000","mediaType":5,"feature":0,"otherPhone":"","result":"0"}`),
}

func agentIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(100001 + i)
	}
	return ids
}

// filled returns a store holding perAgent events for each of n agents, interleaved.
func filled(b *testing.B, n, perAgent int) (*Store, []string) {
	b.Helper()
	s := New(Options{})
	ids := agentIDs(n)
	ctx := context.Background()
	for range perAgent {
		for _, id := range ids {
			if _, err := s.Append(ctx, id, benchEvent); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s, ids
}

// BenchmarkAppend appends one event per op, cycling over the agents; with one agent the ring is
// at its 10,000-event cap so every append also trims.
func BenchmarkAppend(b *testing.B) {
	for _, n := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			s, ids := filled(b, n, max(1, 10_000/n))
			defer s.Close()
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.Append(ctx, ids[i], benchEvent); err != nil {
					b.Fatal(err)
				}
				if i++; i == len(ids) {
					i = 0
				}
			}
		})
	}
}

// BenchmarkReadTail reads the newest k events over all 10,000 agents, the way a subscriber to
// every agent catches up after a notification. "merge" starts past the recent index, forcing a
// search of every agent's log, for comparison.
func BenchmarkReadTail(b *testing.B) {
	s, _ := filled(b, 10_000, 10)
	defer s.Close()
	ctx := context.Background()
	head, _, _ := s.Head(ctx)
	for _, k := range []uint64{1, 100} {
		b.Run(fmt.Sprintf("all/k=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				evs, err := s.Read(ctx, nil, head-k, 1000)
				if err != nil || uint64(len(evs)) != k {
					b.Fatalf("Read = %d events, %v", len(evs), err)
				}
			}
		})
	}
	b.Run("all/merge/k=100", func(b *testing.B) {
		after := head - defaultRecentIndex - 100
		b.ReportAllocs()
		for b.Loop() {
			evs, err := s.Read(ctx, nil, after, 100)
			if err != nil || len(evs) != 100 {
				b.Fatalf("Read = %d events, %v", len(evs), err)
			}
		}
	})
	some := agentIDs(50)
	b.Run("50agents/k=1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Read(ctx, some, head-1, 1000); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRead1000SubscribersOneAgent: 1,000 goroutines each reading the newest event of one
// agent, with and without an appender adding to that agent meanwhile.
func BenchmarkRead1000SubscribersOneAgent(b *testing.B) {
	for _, appending := range []bool{false, true} {
		b.Run(fmt.Sprintf("appending=%v", appending), func(b *testing.B) {
			s, _ := filled(b, 1, 10_000)
			defer s.Close()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			if appending {
				wg.Go(func() {
					for ctx.Err() == nil {
						s.Append(ctx, "100001", benchEvent)
						time.Sleep(10 * time.Microsecond)
					}
				})
			}
			one := []string{"100001"}
			b.SetParallelism(max(1, 1000/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			b.ResetTimer() // not the 10,000-event fill
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					head := s.log.head.Load()
					evs, err := s.Read(ctx, one, head-1, 10)
					if err != nil || len(evs) == 0 {
						b.Errorf("Read = %d events, %v", len(evs), err)
						return
					}
				}
			})
			cancel()
			wg.Wait()
		})
	}
}

// BenchmarkWatchFanout measures one append reaching 1,000 watchers: each op appends and waits
// until every watcher's notify has seen the new head. p50/p99 of that delay are reported.
func BenchmarkWatchFanout(b *testing.B) {
	const watchers = 1000
	s := New(Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var target atomic.Uint64
	var reached atomic.Int64
	done := make(chan struct{}, 1)
	var wg sync.WaitGroup
	ready := make(chan struct{}, watchers)
	for range watchers {
		wg.Go(func() {
			var counted uint64
			first := true
			s.Watch(ctx, func(h uint64) {
				if first {
					first = false
					ready <- struct{}{}
					return
				}
				if t := target.Load(); h >= t && counted < t {
					counted = t
					if reached.Add(1) == watchers {
						done <- struct{}{}
					}
				}
			})
		})
	}
	for range watchers {
		<-ready
	}
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		reached.Store(0)
		head := s.log.head.Load()
		target.Store(head + 1)
		start := time.Now()
		if _, err := s.Append(ctx, "100001", benchEvent); err != nil {
			b.Fatal(err)
		}
		<-done
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkGaps: a resuming subscriber to every agent asks for gaps. Near the head the answer
// comes from store-wide bookkeeping; from an old cursor every agent is visited.
func BenchmarkGaps(b *testing.B) {
	s, _ := filled(b, 10_000, 10)
	defer s.Close()
	ctx := context.Background()
	head, _, _ := s.Head(ctx)
	for _, c := range []struct {
		name  string
		after uint64
	}{{"all/near-head", head - 100}, {"all/old-cursor", 1}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Gaps(ctx, nil, c.after); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
