package gatewayclient

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDecodePoll feeds arbitrary bodies to the poll decoder. It must never
// panic, and whatever it returns must be internally consistent.
func FuzzDecodePoll(f *testing.F) {
	for _, fx := range eventFixtures {
		f.Add([]byte(fx.body))
	}
	for _, s := range []string{
		`{"message":"","retcode":"0"}`, `{"message":"","retcode":"0","event":null}`, `{"message":"","retcode":"0","event":{}}`,
		`{"message":"agent not login","retcode":"100-006"}`, `{"message":"no right to invite resouce","retcode":"000-003"}`,
		`{"retcode":"0","event":[{"eventType":"AgentState_Ready"}]}`, `{"retcode":0,"event":{"eventType":1,"content":1.5e3}}`,
		`{"retcode":"0","event":{"eventType":"E","eventGenTime":"1e30","content":{"callid":{"x":1},"result":[1]}}}`,
		`{"retcode":"0","event":{"eventType":"E","content":"\u00e9\ud800"}}`, ``, `null`, `[]`, `"0"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := DecodePoll(body)
		if err != nil {
			if ev != nil {
				t.Fatal("event returned together with an error")
			}
			var ge *Error
			var te *TransportError
			switch {
			case errors.As(err, &ge):
				if ge.Retcode == "" || ge.Retcode == "0" || ge.Op != OpGetAgentEvent {
					t.Fatalf("inconsistent *Error %+v", ge)
				}
			case errors.As(err, &te):
				if te.Kind != TransportBadResponse {
					t.Fatalf("kind %v", te.Kind)
				}
			default:
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if ev == nil {
			return // empty poll
		}
		if ev.Type == "" {
			t.Fatal("event without type")
		}
		if !json.Valid(ev.Content) {
			t.Fatalf("Content is not JSON: %q", ev.Content)
		}
		if !ev.GenTime.IsZero() && (ev.GenTime.Year() < 1970 || ev.GenTime.Year() > 9999) {
			t.Fatalf("implausible GenTime %v", ev.GenTime)
		}
		// Bare string content is the call id.
		var s string
		if ev.Content[0] == '"' && json.Unmarshal(ev.Content, &s) == nil && s != ev.CallID {
			t.Fatalf("bare content %q but CallID %q", s, ev.CallID)
		}
		// The decoded event re-encodes and survives a round trip.
		enc, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("event does not re-encode: %v", err)
		}
		var back Event
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("re-encoded event does not decode: %v", err)
		}
		if back.Type != strings.ToValidUTF8(ev.Type, "\uFFFD") || back.CallID != strings.ToValidUTF8(ev.CallID, "\uFFFD") ||
			!back.GenTime.Equal(ev.GenTime) {
			t.Fatalf("round trip changed the event: %+v -> %+v", ev, back)
		}
	})
}

// FuzzParseSetGUID: never panics; a result is a usable header value that
// occurs in the input and parses back to itself.
func FuzzParseSetGUID(f *testing.F) {
	for _, s := range []string{
		"JSESSIONID=279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0",
		"JSESSIONID=0c0ffee0-1111-2222-3333-444455556666.AgentGateway1",
		"279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0",
		"  JSESSIONID = abc  ", "JSESSIONID=abc; Path=/; Secure", "Path=/; JSESSIONID=abc", `JSESSIONID="abc"`,
		"GUID=x", "", ";", "JSESSIONID=", "a=b=c", "JSESSIONID=a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		g := ParseSetGUID(in)
		if g == "" {
			return
		}
		if len(g) > maxGUIDLen || !strings.Contains(in, g) || !validHeaderValue(g) || strings.ContainsAny(g, " ;,\"") {
			t.Fatalf("ParseSetGUID(%q) = %q is not a clean GUID", in, g)
		}
		// A bare value containing '=' reads as "key=value", so only '='-free
		// GUIDs must survive a second bare parse.
		if again := ParseSetGUID(g); !strings.Contains(g, "=") && again != g {
			t.Fatalf("not idempotent: %q -> %q", g, again)
		}
		if prefixed := ParseSetGUID("JSESSIONID=" + g); prefixed != g {
			t.Fatalf("prefixed form %q -> %q", g, prefixed)
		}
		h := http.Header{}
		h.Add("Set-GUID", in)
		if got := guidFromHeader(h); got != g {
			t.Fatalf("header path %q, direct %q", got, g)
		}
	})
}

// FuzzDecodeResponse covers the command envelope, the sign-in result and the
// call-id result: no panic, and a decoded envelope always has a retcode.
func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"message":"","retcode":"0","result":{"vdnid":1,"workno":"1001","mediatype":"TFF","loginTime":"1718000000000","isForceChange":"false","serverName":"AgentGateway","timeRemaining":"30"}}`,
		`{"result":"1721980849-240","message":"success","retcode":"0"}`,
		`{"message":"success","retcode":"0"}`, `{"result":{},"message":"success","retcode":"0"}`,
		`{"retcode":"100-002","message":"already"}`, `{"retcode":0,"result":12}`, `{"retcode":null}`, `x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, rc, err := decodeEnvelope(body)
		if err != nil {
			if env != nil || rc != "" {
				t.Fatal("partial result with an error")
			}
			return
		}
		if rc == "" || env == nil {
			t.Fatal("envelope without retcode accepted")
		}
		_ = decodeSignInResult(env.Result)
		var id lenientString
		if len(env.Result) > 0 {
			if err := id.UnmarshalJSON(env.Result); err != nil {
				t.Fatalf("lenient result failed on valid JSON %q: %v", env.Result, err)
			}
		}
		_ = sanitizeMessage(string(env.Message), secrets{"secret-value"})
	})
}

// FuzzDecodePollDifferential holds the hand-walked poll decoder to the
// encoding/json reference: same success/failure, retcode and event.
func FuzzDecodePollDifferential(f *testing.F) {
	for _, fx := range eventFixtures {
		f.Add([]byte(fx.body))
	}
	for _, s := range []string{
		`{"retcode":"0","event":{"eventType":"A"},"event":{"workNo":"1"}}`,
		`{"retcode":"0","event":{"eventType":"A"},"event":null,"event":{"workNo":"1"}}`,
		`{"retcode":"0","retcode":null}`, `{"RETCODE":"0","Event":{"EVENTTYPE":"x","Content":{"CALLID":"1","callId":"2"}}}`,
		`{"retcode":"0","event":{"eventType":"x","content":{"callid":"","callID":"3","meſſage":1}}}`,
		`{"retcode":"0","event":{"eventType":"x","content":{"call\u0069d":"4"}}}`,
		`{"retcode":"100-006","event":"x"}`, ` {"retcode" : 0 , "event" : { "eventType" : "e" , "content" : [1, {"a":"}"}] } } `,
		`{"retcode":"0","event":{"eventType":"x","eventGenTime":"1.7e12"}}`, `{"retcode":"0","event":{"eventType":"x","eventGenTime":"\u0031"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantRC, wantErr := referenceDecodePoll(body)
		w, rc, err := parsePoll(body)
		var got *Event
		if err == nil && rc == "0" {
			got, err = w.event()
		}
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("error mismatch: walker %v, reference %v", err, wantErr)
		}
		if err != nil {
			return
		}
		if rc != wantRC {
			t.Fatalf("retcode %q, reference %q", rc, wantRC)
		}
		if (got == nil) != (want == nil) {
			t.Fatalf("event %+v, reference %+v", got, want)
		}
		if got == nil {
			return
		}
		if string(got.Content) != string(want.Content) || !got.GenTime.Equal(want.GenTime) {
			t.Fatalf("content/time %s %v, reference %s %v", got.Content, got.GenTime, want.Content, want.GenTime)
		}
		g, r := *got, *want
		g.Content, r.Content, g.GenTime, r.GenTime = nil, nil, time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, r) {
			t.Fatalf("event %+v\nreference %+v", g, r)
		}
	})
}
