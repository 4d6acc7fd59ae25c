package server

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// BenchmarkStreamEvent is what each stream does per event before gRPC writes it: convert the
// shared core event to the contract message (the raw content decoded into a
// google.protobuf.Value) and marshal it. A fan-out to N streams pays this N times.
func BenchmarkStreamEvent(b *testing.B) {
	contents := []struct{ name, json string }{
		{"object", `{"callid":"1718000001-77","caller":"1001","called":"1002","feature":"6","type":"main","mediaAbility":"1","otherPhoneWorkno":"1002"}`},
		{"bare-callid", `"1718000001-77"`},
		{"null", `null`},
	}
	now := time.Now()
	for _, c := range contents {
		ev := &core.Logged{Event: store.Event{
			AgentID: "1001", Seq: 42, Pos: 4242, Type: "AgentEvent_Talking", ReceivedAt: now, GatewayTime: now,
			CallID: "1718000001-77", Caller: "1001", Called: "1002", Feature: "6", Content: []byte(c.json),
		}, Cursor: "ZXBvY2gtcG9zaXRpb24tY3Vyc29y"}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				msg := toStreamMessage(core.StreamMsg{Event: ev})
				if _, err := proto.Marshal(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
