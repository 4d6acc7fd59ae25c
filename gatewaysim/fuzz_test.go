package gatewaysim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzSim is a simulator on a fake clock with agent 1001 signed in and
// holding one chat, so that decoders run past authentication.
func fuzzSim(t testing.TB) (*Sim, string, string) {
	cfg := DemoConfig()
	cfg.Clock = NewFakeClock(time.Unix(1718000000, 0))
	s := New(cfg)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("PUT", gwPrefix+"onlineagent/1001", strings.NewReader(`{"password":"demo-1001","phonenum":"71001"}`))
	s.ServeHTTP(rec, req)
	//lint:ignore SA1008 the simulator writes Set-GUID verbatim, as the real gateway spells it
	guid := strings.TrimPrefix(strings.Join(rec.Header()["Set-GUID"], ""), "JSESSIONID=")
	if guid == "" {
		t.Fatalf("sign-in failed: %s", rec.Body)
	}
	started, err := s.StartChat(CallTarget{AgentID: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	return s, guid, started.CallID
}

// checkEnvelope asserts the answer is HTTP 200 with a well-formed envelope.
func checkEnvelope(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	var env struct {
		Message *string `json:"message"`
		Retcode string  `json:"retcode"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil || env.Message == nil || env.Retcode == "" {
		t.Fatalf("bad answer %d %q", rec.Code, rec.Body)
	}
}

func fuzzBody(f *testing.F, method, path string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s, guid, callID := fuzzSim(t)
		defer s.Close()
		body = strings.ReplaceAll(body, "CALLID", callID)
		req := httptest.NewRequest(method, gwPrefix+path, strings.NewReader(body))
		req.Header.Set("Guid", guid)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkEnvelope(t, rec)
	})
}

func FuzzSignInBody(f *testing.F) {
	fuzzBody(f, "PUT", "onlineagent/1002", []string{
		`{"password":"demo-1002","phonenum":"71002","status":4,"releasephone":false,"agenttype":4}`,
		`{"password":"demo-1002","phonenum":"71002","status":"3","releasephone":"false","autoanswer":"true"}`,
		`{"password":"","phonenum":70001,"ip":"127.0.0.1","agenttype":11}`,
		`{"password":null}`, `[]`, ``, `{"status":1e400}`,
	})
}

func FuzzCallInnerSkillBody(f *testing.F) {
	fuzzBody(f, "PUT", "voicecall/1001/callinnerskill", []string{
		`{"skillId":2}`, `{"skillId":"1"}`, `{"skillId":1.0}`, `{"skillId":-1}`, `{}`, `{"skillId":99999999999999999999}`,
	})
}

func FuzzTransferBody(f *testing.F) {
	fuzzBody(f, "POST", "mediacall/1001/transfer", []string{
		`{"callid":"CALLID","caller":"88880021","devicetype":2,"mode":2,"address":"205","calldata":"help"}`,
		`{"callid":"CALLID","devicetype":1,"mode":0,"address":"2"}`,
		`{"callid":"CALLID","devicetype":"4","mode":"2","address":"4001","skillId":"3"}`,
		`{"callid":"1552524689-16797284","devicetype":3,"mode":0,"address":"1"}`,
	})
}

func FuzzQueryParams(f *testing.F) {
	for _, s := range []string{"skillid=1;2;3&phonelinkage=1", "reason=205&prolong=false", "callid=1-2", "a=%zz&=&&b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, guid, _ := fuzzSim(t)
		defer s.Close()
		q := queryParams(raw)
		// Where the standard parser accepts the query (it refuses ';', which the gateway's skill
		// lists need, and bad escapes), both must read the same first value for every key.
		if std, err := url.ParseQuery(raw); err == nil {
			if len(q) != len(std) {
				t.Fatalf("%q: %d keys, net/url finds %d", raw, len(q), len(std))
			}
			for k, vs := range std {
				if q[k] != vs[0] {
					t.Fatalf("%q: key %q = %q, net/url reads %q", raw, k, q[k], vs[0])
				}
			}
		}
		for _, path := range []string{"onlineagent/1001/resetskill/false", "onlineagent/1001/saybusy"} {
			req := httptest.NewRequest("POST", gwPrefix+path, nil)
			req.URL.RawQuery = raw
			req.Header.Set("Guid", guid)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			checkEnvelope(t, rec)
		}
	})
}
