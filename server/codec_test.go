package server

import (
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func TestWireCodecSendsOneEncodingPerEvent(t *testing.T) {
	codec := newWireCodec()
	ev := &core.Logged{Event: store.Event{AgentID: "1001", Seq: 7, Pos: 9, Type: "AgentEvent_Talking", ReceivedAt: time.Unix(1718000000, 0),
		CallID: "1718000001-77", Reason: "42", Content: []byte(`{"callid":"1718000001-77","reason":"42"}`)}, Cursor: "cur"}
	first, err := codec.Marshal(wireMessage(core.StreamMsg{Event: ev}))
	if err != nil {
		t.Fatal(err)
	}
	second, err := codec.Marshal(wireMessage(core.StreamMsg{Event: ev}))
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("got %d and %d buffers, want one each", len(first), len(second))
	}
	a, b := first[0].ReadOnlyData(), second[0].ReadOnlyData()
	if len(a) == 0 || &a[0] != &b[0] {
		t.Fatal("two streams of one event must send the same encoded bytes")
	}
	want, _ := proto.Marshal(toStreamMessage(core.StreamMsg{Event: ev}))
	var got, wantMsg ccgwv1.StreamEventsResponse
	if err := codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(a)}, &got); err != nil {
		t.Fatal(err)
	}
	_ = proto.Unmarshal(want, &wantMsg)
	if !proto.Equal(&got, &wantMsg) || got.GetEvent().GetReason() != "42" || got.GetEvent().GetCursor() != "cur" {
		t.Fatalf("decoded %v, want %v", &got, &wantMsg)
	}
	// Everything else is ordinary protobuf.
	hb := wireMessage(core.StreamMsg{Heartbeat: &core.HeartbeatMsg{Time: time.Unix(1, 0), Cursor: "c"}})
	if _, ok := hb.(*ccgwv1.StreamEventsResponse); !ok {
		t.Fatalf("heartbeat went out as %T", hb)
	}
	if data, err := codec.Marshal(hb); err != nil || data.Len() == 0 {
		t.Fatalf("heartbeat: %v", err)
	}
	if codec.Name() != "proto" {
		t.Fatalf("codec name %q", codec.Name())
	}
}

func TestWireCodecReportsAFailedEncoding(t *testing.T) {
	boom := errors.New("boom")
	if _, err := newWireCodec().Marshal(&encodedMessage{err: boom}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

// BenchmarkRequestDecode compares decoding a request through rawRequest (what every RPC now
// does, to answer malformed input with INVALID_ARGUMENT) with the codec decoding it directly
// (the floor).
func BenchmarkRequestDecode(b *testing.B) {
	codec := newWireCodec()
	in, _ := proto.Marshal(&ccgwv1.TransferSessionRequest{AgentId: "1001", CallId: "1718000100-9", RequestId: "transfer-1",
		Target: &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 12}}, CallData: "order=42"})
	data := mem.BufferSlice{mem.SliceBuffer(in)}
	b.Run("codec", func(b *testing.B) {
		for b.Loop() {
			if err := codec.Unmarshal(data, &ccgwv1.TransferSessionRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		recv := func(v any) error { return codec.Unmarshal(data, v) }
		for b.Loop() {
			if err := decodeRequest(recv, &ccgwv1.TransferSessionRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
