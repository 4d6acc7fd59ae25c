package core

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/memory"
)

// BenchmarkHubDispatch is the hub's fan-out of one event to N streams on the event's agent:
// view update, a non-blocking send per subscriber, metrics. Each subscriber's channel is then
// drained, as its stream goroutine would, so the per-op cost is the fan-out plus N receives.
// Allocations per op should not grow with N: the event is shared, never copied per stream.
func BenchmarkHubDispatch(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("subs=%d", n), func(b *testing.B) {
			st := memory.New(memory.Options{})
			defer st.Close()
			h := newHub(st, slog.New(slog.DiscardHandler), NewMetrics(prometheus.NewRegistry()))
			subs := make([]*subscriber, n)
			for i := range subs {
				subs[i], _, _, _ = h.subscribe([]string{"1001"}, nil, 16)
			}
			ev := &Logged{Event: store.Event{
				AgentID: "1001", Type: "AgentEvent_Talking", CallID: "1718000001-77", ReceivedAt: time.Now(),
				Content: json.RawMessage(`{"callid":"1718000001-77","caller":"1001","called":"1002","feature":"6"}`),
			}, Cursor: "c"}
			b.ReportAllocs()
			pos := uint64(0)
			for b.Loop() {
				pos++
				ev.Pos, ev.Seq = pos, pos
				now := time.Now()
				h.mu.Lock()
				h.dispatch(ev, now)
				h.mu.Unlock()
				for _, s := range subs {
					<-s.ch
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/delivery")
		})
	}
}
