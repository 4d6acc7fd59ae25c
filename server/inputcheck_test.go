package server

import (
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

func TestJSONViolations(t *testing.T) {
	md := (&ccgwv1.TransferSessionRequest{}).ProtoReflect().Descriptor()
	tests := []struct {
		body  string
		field string
	}{
		{`hello`, ""},
		{`null`, ""},
		{`{"callID":"x"}`, "callID"},
		{`{"mode":"BLIND"}`, "mode"},
		{`{"mode":7.5}`, "mode"},
		{`{"agent":{"agentId":1.5}}`, "agent.agent_id"},
		{`{"agent":"1002"}`, "agent"},
		{`{"skillQueue":{"skillId":"1"},"accessCode":{"code":"4000"}}`, ""}, // oneof set twice
	}
	for _, tc := range tests {
		m := &ccgwv1.TransferSessionRequest{}
		err := protojson.Unmarshal([]byte(tc.body), m)
		if err == nil {
			t.Fatalf("%s decoded", tc.body)
		}
		vs := jsonViolations(md, []byte(tc.body), err)
		if len(vs) == 0 || vs[0].GetField() != tc.field || vs[0].GetDescription() == "" {
			t.Errorf("%s: %v, want field %q", tc.body, vs, tc.field)
		}
	}
}

// FuzzJSONViolations: any body protojson refuses gets at least one violation, without a panic,
// and every violation names a field path made of valid text.
func FuzzJSONViolations(f *testing.F) {
	for _, s := range []string{`{"skillQueue":{"skillId":"x"}}`, `{"mode":"X"}`, `[`, `{"a":1}`, `{"callData":"\u00e9"}`, `{"agent":{"agent":{}}}`} {
		f.Add([]byte(s))
	}
	md := (&ccgwv1.TransferSessionRequest{}).ProtoReflect().Descriptor()
	f.Fuzz(func(t *testing.T, body []byte) {
		err := protojson.Unmarshal(body, &ccgwv1.TransferSessionRequest{})
		if err == nil {
			return
		}
		vs := jsonViolations(md, body, err)
		if len(vs) == 0 {
			t.Fatalf("%q refused without a violation", body)
		}
		for _, v := range vs {
			if v.GetDescription() == "" {
				t.Fatalf("%q: violation without a description", body)
			}
		}
	})
}

// FuzzInvalidUTF8InWire: the walk over arbitrary bytes never panics, and when it names a field,
// unmarshalling really fails.
func FuzzInvalidUTF8InWire(f *testing.F) {
	good, _ := proto.Marshal(&ccgwv1.TransferSessionRequest{AgentId: "1001", CallId: "c",
		Target: &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: "1002"}}})
	f.Add(good)
	f.Add([]byte{0x0a, 0x02, 0xff, 0xfe})
	f.Add([]byte{0x0a})
	md := (&ccgwv1.TransferSessionRequest{}).ProtoReflect().Descriptor()
	f.Fuzz(func(t *testing.T, b []byte) {
		field := invalidUTF8InWire(md, b, "", 0)
		if field == "" {
			return
		}
		if !utf8.ValidString(field) {
			t.Fatalf("path %q is not text", field)
		}
		if err := proto.Unmarshal(b, &ccgwv1.TransferSessionRequest{}); err == nil {
			t.Fatalf("%x unmarshals, yet %q was reported as not UTF-8", b, field)
		}
	})
}

func TestInvalidUTF8InMessage(t *testing.T) {
	m := &ccgwv1.StreamEventsRequest{EventTypes: []string{"ok", "bad\xff"}}
	if got := invalidUTF8InMessage(m.ProtoReflect(), ""); got != "event_types[1]" {
		t.Fatalf("got %q", got)
	}
	tr := &ccgwv1.TransferSessionRequest{Target: &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: "\xfe"}}}
	if got := invalidUTF8InMessage(tr.ProtoReflect(), ""); got != "agent.agent_id" {
		t.Fatalf("got %q", got)
	}
	if got := invalidUTF8InMessage((&ccgwv1.GetSessionRequest{AgentId: "1001"}).ProtoReflect(), ""); got != "" {
		t.Fatalf("valid text reported: %q", got)
	}
	if _, err := proto.Marshal(m); err == nil {
		t.Fatal("the premise: protobuf refuses to marshal text that is not UTF-8")
	}
}

// FuzzPassThroughGUID: X-Ccgw-Guid comes from clients; what the check accepts must travel
// unchanged as gRPC metadata and as the gateway's Guid header (printable ASCII, no spaces).
func FuzzPassThroughGUID(f *testing.F) {
	f.Add("279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0")
	f.Add("gu\u00efd")
	f.Add("a b")
	f.Add("")
	f.Fuzz(func(t *testing.T, g string) {
		if !validPassThroughGUID(g) {
			return
		}
		if len(g) == 0 || len(g) > 256 {
			t.Fatalf("accepted %d bytes", len(g))
		}
		for _, r := range g {
			if r <= ' ' || r > '~' {
				t.Fatalf("accepted %q with %q", g, r)
			}
		}
	})
}
