package nats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// wireEvent is an event as stored in its message. Pos is the message's stream sequence and is
// not stored; Prev and First let a reader tell what retention dropped before this event.
type wireEvent struct {
	Agent string `json:"a"`
	Seq   uint64 `json:"s"`
	Prev  uint64 `json:"p,omitempty"` // Pos of the agent's previous event (0 for Seq 1)
	First uint64 `json:"f,omitempty"` // Pos of the agent's Seq 1 (0 when this is Seq 1)
	At    int64  `json:"at"`          // append time on the writer's clock, Unix ns: the start of its age

	Type        string    `json:"t"`
	ReceivedAt  time.Time `json:"rt"`
	GatewayTime time.Time `json:"gt"`
	CallID      string    `json:"ci,omitempty"`
	Caller      string    `json:"cr,omitempty"`
	Called      string    `json:"cd,omitempty"`
	OtherPhone  string    `json:"op,omitempty"`
	Feature     string    `json:"fe,omitempty"`
	MediaType   string    `json:"mt,omitempty"`
	Result      string    `json:"re,omitempty"`
	Reason      string    `json:"rs,omitempty"`
	Content     []byte    `json:"c,omitempty"` // any bytes (base64 in JSON): the store does not vouch for its syntax
}

func encodeEvent(e store.Event, prev, first uint64, at int64) ([]byte, error) {
	return json.Marshal(wireEvent{
		Agent: e.AgentID, Seq: e.Seq, Prev: prev, First: first, At: at,
		Type: e.Type, ReceivedAt: e.ReceivedAt, GatewayTime: e.GatewayTime,
		CallID: e.CallID, Caller: e.Caller, Called: e.Called, OtherPhone: e.OtherPhone,
		Feature: e.Feature, MediaType: e.MediaType, Result: e.Result, Reason: e.Reason, Content: e.Content,
	})
}

// decoded is a stored event with what its message says about the agent's earlier events.
type decoded struct {
	ev    store.Event
	prev  uint64 // Pos of the previous event, 0 if none
	first uint64 // Pos of Seq 1
	at    int64  // append time, Unix ns
}

func decodeEvent(m *jetstream.RawStreamMsg) (decoded, error) {
	var w wireEvent
	if err := json.Unmarshal(m.Data, &w); err != nil || w.Seq == 0 || w.Agent == "" {
		return decoded{}, fmt.Errorf("store/nats: message %d on %s is not an event (%v)", m.Sequence, m.Subject, err)
	}
	d := decoded{prev: w.Prev, first: w.First, at: w.At, ev: store.Event{
		AgentID: w.Agent, Seq: w.Seq, Pos: m.Sequence,
		Type: w.Type, ReceivedAt: w.ReceivedAt, GatewayTime: w.GatewayTime,
		CallID: w.CallID, Caller: w.Caller, Called: w.Called, OtherPhone: w.OtherPhone,
		Feature: w.Feature, MediaType: w.MediaType, Result: w.Result, Reason: w.Reason, Content: w.Content,
	}}
	if w.Seq == 1 {
		d.first = m.Sequence
	}
	return d, nil
}

// checkpoint is an agent's newest append, kept in the agents bucket.
type checkpoint struct {
	Seq   uint64 `json:"s"` // newest Seq
	Pos   uint64 `json:"p"` // its Pos
	First uint64 `json:"f"` // Pos of Seq 1
}

// wireSession is a session as stored; Revision is the KV revision and not stored.
type wireSession struct {
	AgentID                string    `json:"agent_id"`
	GUID                   string    `json:"guid"`
	Cookie                 string    `json:"cookie,omitempty"`
	PhoneNumber            string    `json:"phone_number,omitempty"`
	SkillIDs               []int64   `json:"skill_ids,omitempty"`
	State                  int       `json:"state"`
	LostReason             string    `json:"lost_reason,omitempty"`
	SignedInAt             time.Time `json:"signed_in_at"`
	VoiceEnabled           bool      `json:"voice,omitempty"`
	TextEnabled            bool      `json:"text,omitempty"`
	PasswordChangeRequired bool      `json:"pwd_change,omitempty"`
	PasswordExpiresInDays  int32     `json:"pwd_expires_days"`
	RequestVerifier        string    `json:"request_verifier,omitempty"`
}

func encodeSession(s store.Session) ([]byte, error) {
	return json.Marshal(wireSession{
		AgentID: s.AgentID, GUID: s.GUID, Cookie: s.Cookie, PhoneNumber: s.PhoneNumber, SkillIDs: s.SkillIDs,
		State: int(s.State), LostReason: s.LostReason, SignedInAt: s.SignedInAt,
		VoiceEnabled: s.VoiceEnabled, TextEnabled: s.TextEnabled,
		PasswordChangeRequired: s.PasswordChangeRequired, PasswordExpiresInDays: s.PasswordExpiresInDays,
		RequestVerifier: s.RequestVerifier,
	})
}

// decodeSession never puts the stored bytes into its error: they hold the GUID and cookie.
func decodeSession(b []byte, rev uint64) (store.Session, error) {
	var w wireSession
	if err := json.Unmarshal(b, &w); err != nil {
		return store.Session{}, fmt.Errorf("store/nats: session record at revision %d does not decode", rev)
	}
	return store.Session{
		AgentID: w.AgentID, GUID: w.GUID, Cookie: w.Cookie, PhoneNumber: w.PhoneNumber, SkillIDs: w.SkillIDs,
		State: store.SessionState(w.State), LostReason: w.LostReason, SignedInAt: w.SignedInAt,
		VoiceEnabled: w.VoiceEnabled, TextEnabled: w.TextEnabled,
		PasswordChangeRequired: w.PasswordChangeRequired, PasswordExpiresInDays: w.PasswordExpiresInDays,
		RequestVerifier: w.RequestVerifier, Revision: rev,
	}, nil
}

// lease is a lease record: who holds it until when, on the writer's clock.
type lease struct {
	Owner   string `json:"o"`
	Expires int64  `json:"e"` // Unix ns
}

// request is an idempotency record; Key is the KV key's decoded form and not stored.
type request struct {
	Fingerprint string `json:"fp"`
	Done        bool   `json:"done,omitempty"`
	Result      []byte `json:"r,omitempty"`
	Created     int64  `json:"c"` // Unix ns
	Expires     int64  `json:"e"` // Unix ns
}

// getJSON reads the record under key from kv (its zero value and revision 0 when there is
// none) and decodes it; what names the record in errors.
func getJSON[T any](ctx context.Context, s *Store, kv jetstream.KeyValue, what, key string) (T, uint64, error) {
	var v T
	e, err := kv.Get(ctx, token(key))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return v, 0, nil
	}
	if err != nil {
		return v, 0, s.wrap(ctx, "get "+what, err)
	}
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return v, 0, fmt.Errorf("store/nats: %s %q does not decode: %w", what, key, err)
	}
	return v, e.Revision(), nil
}
