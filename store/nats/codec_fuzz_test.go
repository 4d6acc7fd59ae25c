package nats

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// FuzzDecodeEvent: any bytes in the stream (another program may publish there) decode to an
// event or an error, never a panic, and what decodes re-encodes to the same event.
func FuzzDecodeEvent(f *testing.F) {
	good, _ := encodeEvent(store.Event{AgentID: "1001", Seq: 2, Type: "AgentState_Ready", ReceivedAt: time.Unix(1, 2),
		Content: []byte(`{"a":1}`)}, 5, 3, 99)
	for _, seed := range [][]byte{good, nil, []byte("{}"), []byte(`{"a":"1","s":1,"c":"!!"}`), []byte(`{"s":-1}`)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeEvent(&jetstream.RawStreamMsg{Subject: "CCGW.ev.x", Sequence: 7, Data: data})
		if err != nil {
			return
		}
		if d.ev.Seq == 0 || d.ev.AgentID == "" || d.ev.Pos != 7 {
			t.Fatalf("decoded an event without identity: %+v", d.ev)
		}
		first := d.first
		if d.ev.Seq == 1 {
			first = 0
		}
		again, err := encodeEvent(d.ev, d.prev, first, d.at)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := decodeEvent(&jetstream.RawStreamMsg{Subject: "CCGW.ev.x", Sequence: 7, Data: again})
		if err != nil || d2.ev.Type != d.ev.Type || !bytes.Equal(d2.ev.Content, d.ev.Content) || d2.prev != d.prev || d2.at != d.at {
			t.Fatalf("round trip changed %+v into %+v (%v)", d, d2, err)
		}
	})
}

// FuzzDecodeSession: a session record decodes or fails, and a failure never repeats the
// record (it holds the GUID and cookie).
func FuzzDecodeSession(f *testing.F) {
	good, _ := encodeSession(store.Session{AgentID: "1001", GUID: "guid-s3cr3t", Cookie: "c", SkillIDs: []int64{1}})
	f.Add(good)
	f.Add([]byte(`{"guid":"s3cr3t-guid"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := decodeSession(data, 3)
		if err != nil && len(data) > 8 && strings.Contains(err.Error(), string(data)) {
			t.Fatalf("error %q repeats the record", err)
		}
	})
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_=-]+$`)

// FuzzToken: every id maps to a valid subject token and KV key, and back to itself.
func FuzzToken(f *testing.F) {
	for _, s := range []string{"1001", "agent/1001", "=x", "a.b", " ", "ü", "callInnerSkill/1001/r-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if id == "" {
			return
		}
		tok := token(id)
		if !tokenRE.MatchString(tok) {
			t.Fatalf("token(%q) = %q is not a valid subject token and key", id, tok)
		}
		if back, ok := untoken(tok); !ok || back != id {
			t.Fatalf("untoken(token(%q)) = %q, %v", id, back, ok)
		}
	})
}
