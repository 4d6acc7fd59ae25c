package server

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// BenchmarkStreamEvent is what a stream does per event before gRPC frames it: take the wire
// form of the shared core event and hand it to the codec. The first stream to send an event
// also converts it (the raw content decoded into a google.protobuf.Value) and marshals it; the
// others reuse those bytes, so a fan-out to N streams costs one "first" and N-1 "shared".
func BenchmarkStreamEvent(b *testing.B) {
	contents := []struct{ name, json string }{
		{"object", `{"callid":"1718000001-77","caller":"1001","called":"1002","feature":"6","type":"main","mediaAbility":"1","otherPhoneWorkno":"1002"}`},
		{"bare-callid", `"1718000001-77"`},
		{"null", `null`},
	}
	codec := newWireCodec()
	now := time.Now()
	for _, c := range contents {
		event := store.Event{
			AgentID: "1001", Seq: 42, Pos: 4242, Type: "AgentEvent_Talking", ReceivedAt: now, GatewayTime: now,
			CallID: "1718000001-77", Caller: "1001", Called: "1002", Feature: "6", Content: []byte(c.json),
		}
		const cursor = "ZXBvY2gtcG9zaXRpb24tY3Vyc29y"
		send := func(b *testing.B, ev *core.Logged) {
			data, err := codec.Marshal(wireMessage(core.StreamMsg{Event: ev}))
			if err != nil || data.Len() == 0 {
				b.Fatal(err)
			}
		}
		b.Run(c.name+"/first", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				send(b, &core.Logged{Event: event, Cursor: cursor})
			}
		})
		b.Run(c.name+"/shared", func(b *testing.B) {
			ev := &core.Logged{Event: event, Cursor: cursor}
			b.ReportAllocs()
			for b.Loop() {
				send(b, ev)
			}
		})
	}
}
