package gatewayclient

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"
)

// eventFixture is a documented poll answer (protocol reference §3 and §6,
// constructed examples) with the event it must decode to.
type eventFixture struct {
	name, body string
	want       Event // Content compared as compact JSON
}

var eventFixtures = []eventFixture{
	// §6.1 events named by the two operations.
	{"PhoneAlerting", `{"message":"","retcode":"0","event":{"eventType":"AgentOther_PhoneAlerting","workNo":"1001","content":null}}`,
		Event{Type: "AgentOther_PhoneAlerting", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"PhoneOffhook", `{"message":"","retcode":"0","event":{"eventType":"AgentOther_PhoneOffhook","workNo":"1001","content":{"type":"main"}}}`,
		Event{Type: "AgentOther_PhoneOffhook", WorkNo: "1001", Content: json.RawMessage(`{"type":"main"}`)}},
	{"Busy", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Busy","workNo":"1001","content":null}}`,
		Event{Type: "AgentState_Busy", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"Customer_Alerting", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Customer_Alerting","workNo":"1001","content":{"callid":"1718000001-77","otherPhoneWorkno":"","otherPhone":"1002","type":"main"}}}`,
		Event{Type: "AgentEvent_Customer_Alerting", WorkNo: "1001", CallID: "1718000001-77", OtherPhone: "1002",
			Content: json.RawMessage(`{"callid":"1718000001-77","otherPhoneWorkno":"","otherPhone":"1002","type":"main"}`)}},
	{"Talking", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Talking","workNo":"1001","content":{"caller":"1001","callid":"1718000001-77","called":"1002","feature":"6","type":"main","mediaAbility":"1"}}}`,
		Event{Type: "AgentEvent_Talking", WorkNo: "1001", CallID: "1718000001-77", Caller: "1001", Called: "1002", Feature: "6",
			Content: json.RawMessage(`{"caller":"1001","callid":"1718000001-77","called":"1002","feature":"6","type":"main","mediaAbility":"1"}`)}},
	{"Inside_Call_Fail (bare call id)", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Inside_Call_Fail","workNo":"1001","content":"1718000001-78"}}`,
		Event{Type: "AgentEvent_Inside_Call_Fail", WorkNo: "1001", CallID: "1718000001-78", Content: json.RawMessage(`"1718000001-78"`)}},
	{"Connect_Fail (bare call id)", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Connect_Fail","workNo":"1001","content":"1718000100-9"}}`,
		Event{Type: "AgentEvent_Connect_Fail", WorkNo: "1001", CallID: "1718000100-9", Content: json.RawMessage(`"1718000100-9"`)}},
	{"Call_Release (bare call id)", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Call_Release","workNo":"1001","content":"1718000100-9"}}`,
		Event{Type: "AgentEvent_Call_Release", WorkNo: "1001", CallID: "1718000100-9", Content: json.RawMessage(`"1718000100-9"`)}},
	{"SuccTransResult (callId, numeric result)", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_SuccTransResult","workNo":"1001","content":{"result":0,"callId":"1718000100-9"}}}`,
		Event{Type: "AgentEvent_SuccTransResult", WorkNo: "1001", CallID: "1718000100-9", Result: "0",
			Content: json.RawMessage(`{"result":0,"callId":"1718000100-9"}`)}},
	// §6.2 state events.
	{"Ready", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001","content":null}}`,
		Event{Type: "AgentState_Ready", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"SetNotReady_Success (reason as string)", `{"message":"","retcode":"0","event":{"eventType":"AgentState_SetNotReady_Success","workNo":"1001","content":{"reason":"0"}}}`,
		Event{Type: "AgentState_SetNotReady_Success", WorkNo: "1001", Reason: "0", Content: json.RawMessage(`{"reason":"0"}`)}},
	{"Work", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Work","workNo":"1001","content":null}}`,
		Event{Type: "AgentState_Work", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"SetRest_Success", `{"message":"","retcode":"0","event":{"eventType":"AgentState_SetRest_Success","workNo":"1001","content":{"reason":"0"}}}`,
		Event{Type: "AgentState_SetRest_Success", WorkNo: "1001", Reason: "0", Content: json.RawMessage(`{"reason":"0"}`)}},
	{"ShutdownService", `{"message":"","retcode":"0","event":{"eventType":"AgentOther_ShutdownService","workNo":"1001","content":{"loginTime":"1718000000000"}}}`,
		Event{Type: "AgentOther_ShutdownService", WorkNo: "1001", Content: json.RawMessage(`{"loginTime":"1718000000000"}`)}},
	// §3.1 poll example.
	{"InService", `{"message":"","retcode":"0","event":{"eventType":"AgentOther_InService","workNo":"1001","content":null}}`,
		Event{Type: "AgentOther_InService", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	// §0 / §6 typing quirks.
	{"eventGenTime as number", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","eventGenTime":1718000000123,"workNo":"1001","content":null}}`,
		Event{Type: "AgentState_Ready", WorkNo: "1001", GenTime: time.UnixMilli(1718000000123).UTC(), Content: json.RawMessage(`null`)}},
	{"eventGenTime as string", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Talking","eventGenTime":"1718000000123","workNo":"1001","content":{"callid":"c1","feature":0,"mediaType":5}}}`,
		Event{Type: "AgentEvent_Talking", WorkNo: "1001", GenTime: time.UnixMilli(1718000000123).UTC(), CallID: "c1", Feature: "0", MediaType: "5",
			Content: json.RawMessage(`{"callid":"c1","feature":0,"mediaType":5}`)}},
	{"eventGenTime garbage is ignored", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","eventGenTime":"soon","workNo":"1001"}}`,
		Event{Type: "AgentState_Ready", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"eventGenTime out of range is ignored", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","eventGenTime":99999999999999999,"workNo":"1001","content":null}}`,
		Event{Type: "AgentState_Ready", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"mediaType as string, feature as number", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Ringing","workNo":"1001","content":{"caller":"a1002","called":"A1001","callid":"c2","type":"main","feature":0,"mediaAbility":"1","mediaType":"5","transfer":"no"}}}`,
		Event{Type: "AgentEvent_Ringing", WorkNo: "1001", CallID: "c2", Caller: "a1002", Called: "A1001", Feature: "0", MediaType: "5",
			Content: json.RawMessage(`{"caller":"a1002","called":"A1001","callid":"c2","type":"main","feature":0,"mediaAbility":"1","mediaType":"5","transfer":"no"}`)}},
	{"Incoming_CallInfo (callId, numeric mediaType)", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Incoming_CallInfo","workNo":"1001","content":{"callId":"c3","skillName":"General","skillId":1,"caller":"88880021","called":"10086","mediaType":53}}}`,
		Event{Type: "AgentEvent_Incoming_CallInfo", WorkNo: "1001", CallID: "c3", Caller: "88880021", Called: "10086", MediaType: "53",
			Content: json.RawMessage(`{"callId":"c3","skillName":"General","skillId":1,"caller":"88880021","called":"10086","mediaType":53}`)}},
	{"callID spelling", `{"message":"","retcode":"0","event":{"eventType":"X","workNo":"1001","content":{"callID":"c4"}}}`,
		Event{Type: "X", WorkNo: "1001", CallID: "c4", Content: json.RawMessage(`{"callID":"c4"}`)}},
	{"bare numeric call id, numeric workNo, numeric retcode", `{"message":"","retcode":0,"event":{"eventType":"AgentEvent_Call_Release","workNo":1001,"content":1718000100}}`,
		Event{Type: "AgentEvent_Call_Release", WorkNo: "1001", CallID: "1718000100", Content: json.RawMessage(`1718000100`)}},
	{"content absent", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001"}}`,
		Event{Type: "AgentState_Ready", WorkNo: "1001", Content: json.RawMessage(`null`)}},
	{"escaped strings", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_MessageData","workNo":"1001","content":{"callid":"c\u002d5","message":"h\u00e9llo","caller":"\u0031"}}}`,
		Event{Type: "AgentEvent_MessageData", WorkNo: "1001", CallID: "c-5", Caller: "1",
			Content: json.RawMessage(`{"callid":"c\u002d5","message":"h\u00e9llo","caller":"\u0031"}`)}},
	{"PhoneRelease numeric phoneState", `{"message":"","retcode":"0","event":{"eventType":"AgentOther_PhoneRelease","workNo":"1001","content":{"phoneState":3}}}`,
		Event{Type: "AgentOther_PhoneRelease", WorkNo: "1001", Content: json.RawMessage(`{"phoneState":3}`)}},
}

func checkEvent(t *testing.T, got *Event, want Event) {
	t.Helper()
	if got == nil {
		t.Fatal("no event decoded")
	}
	if compactJSON(t, got.Content) != compactJSON(t, want.Content) {
		t.Errorf("Content = %s, want %s", got.Content, want.Content)
	}
	g, w := *got, want
	g.Content, w.Content = nil, nil
	if !g.GenTime.Equal(w.GenTime) {
		t.Errorf("GenTime = %v, want %v", g.GenTime, w.GenTime)
	}
	g.GenTime, w.GenTime = time.Time{}, time.Time{}
	if g.CallID != w.CallID || g.Type != w.Type || g.WorkNo != w.WorkNo || g.Caller != w.Caller || g.Called != w.Called ||
		g.OtherPhone != w.OtherPhone || g.Feature != w.Feature || g.MediaType != w.MediaType || g.Result != w.Result || g.Reason != w.Reason {
		t.Errorf("event = %+v\nwant    %+v", g, w)
	}
}

func TestDecodePollFixtures(t *testing.T) {
	for _, f := range eventFixtures {
		t.Run(f.name, func(t *testing.T) {
			ev, err := DecodePoll([]byte(f.body))
			if err != nil {
				t.Fatal(err)
			}
			checkEvent(t, ev, f.want)
			if _, err := json.Marshal(ev); err != nil {
				t.Errorf("event does not re-encode: %v", err)
			}
		})
	}
}

// TestPollDeliversFixtures runs the same fixtures through a real poll.
func TestPollDeliversFixtures(t *testing.T) {
	var body string
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) { ok(body)(w, r) })
	s := g.client(t).Session("1001", testGUID, "")
	for _, f := range eventFixtures {
		body = f.body
		ev, err := s.Poll(ctxT(t))
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		checkEvent(t, ev, f.want)
	}
}

func TestDecodePollEmpty(t *testing.T) {
	for _, body := range []string{
		`{"message":"","retcode":"0"}`,
		`{"message":"","retcode":"0","event":null}`,
		`{"message":"","retcode":"0","event":{}}`,
		`{"message":"","retcode":"0","event":{"eventType":"","content":null}}`,
		`{"message":"success","retcode":0,"result":{}}`,
		"\n {\"retcode\":\"0\"} \n",
	} {
		ev, err := DecodePoll([]byte(body))
		if ev != nil || err != nil {
			t.Errorf("%s: got %+v, %v; want an empty poll", body, ev, err)
		}
	}
}

func TestDecodePollErrors(t *testing.T) {
	cases := []struct {
		name, body string
		retcode    string // "" = a TransportBadResponse is expected
	}{
		{"not signed in", `{"message":"agent not login","retcode":"100-006"}`, "100-006"},
		{"GUID invalid", `{"message":"no right to invite resouce","retcode":"000-003"}`, "000-003"},
		{"wrong method", `{"message":"","retcode":"000-001","event":null}`, "000-001"},
		{"empty body", ``, ""},
		{"HTML", `<html><body>502</body></html>`, ""},
		{"truncated", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready"`, ""},
		{"array body", `[{"retcode":"0"}]`, ""},
		{"null body", `null`, ""},
		{"no retcode", `{"message":"","event":{"eventType":"AgentState_Ready"}}`, ""},
		{"null retcode", `{"message":"","retcode":null}`, ""},
		{"empty retcode", `{"message":"","retcode":""}`, ""},
		{"event is an array (batch poll shape)", `{"message":"","retcode":"0","event":[{"eventType":"AgentState_Ready","workNo":"1001"}]}`, ""},
		{"event is a string", `{"message":"","retcode":"0","event":"AgentState_Ready"}`, ""},
		{"content without eventType", `{"message":"","retcode":"0","event":{"workNo":"1001","content":"c-1"}}`, ""},
		{"trailing garbage", `{"retcode":"0"} x`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodePoll([]byte(tc.body))
			if ev != nil {
				t.Errorf("event %+v returned with error", ev)
			}
			if tc.retcode != "" {
				var ge *Error
				if !errors.As(err, &ge) || ge.Retcode != tc.retcode || ge.Op != OpGetAgentEvent {
					t.Fatalf("want *Error %s, got %#v", tc.retcode, err)
				}
				return
			}
			var te *TransportError
			if !errors.As(err, &te) || te.Kind != TransportBadResponse {
				t.Fatalf("want TransportBadResponse, got %#v", err)
			}
		})
	}
}

// TestEventContentIsACopy: the event must not alias the decoder's input, so
// a caller reusing its buffer cannot corrupt queued events.
func TestEventContentIsACopy(t *testing.T) {
	body := []byte(`{"message":"","retcode":"0","event":{"eventType":"E","workNo":"1","content":{"callid":"abc"}}}`)
	ev, err := DecodePoll(body)
	must(t, err)
	for i := range body {
		body[i] = 'x'
	}
	if string(ev.Content) != `{"callid":"abc"}` || ev.CallID != "abc" || ev.Type != "E" {
		t.Errorf("event changed with its input: %+v %s", ev, ev.Content)
	}
}
