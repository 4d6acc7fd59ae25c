package gatewayclient

import (
	"context"
	"net/http"
	"testing"
)

const (
	testGUID   = "0c0ffee0-1111-2222-3333-444455556666.AgentGateway0"
	testCookie = "lbroute=node7"
	okBody     = `{"result":{},"message":"success","retcode":"0"}`
)

func ptr[T any](v T) *T { return &v }

// TestRequestsOnTheWire pins the exact request of every operation: method,
// path, raw query, headers and JSON body as the protocol reference states.
func TestRequestsOnTheWire(t *testing.T) {
	type tc struct {
		name   string
		reply  string
		call   func(context.Context, *Client) error
		method string
		path   string
		query  string
		guid   bool // Guid and Cookie headers expected (all but sign-in)
		body   string
	}
	sess := func(c *Client) *Session { return c.Session("1001", testGUID, testCookie) }
	cases := []tc{
		{
			name:  "sign-in with defaults",
			reply: `{"message":"","retcode":"0","result":{}}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.SignIn(ctx, "1001", SignInRequest{Password: "pw", PhoneNumber: "70001"})
				return err
			},
			method: "PUT", path: "/agentgateway/resource/onlineagent/1001",
			body: `{"password":"pw","phonenum":"70001","status":4}`,
		},
		{
			name:  "sign-in with every option",
			reply: `{"message":"","retcode":"0","result":{}}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.SignIn(ctx, "1001", SignInRequest{
					Password: "p<&>w", PhoneNumber: "70001", Status: StatusWork,
					AutoAnswer: ptr(false), AutoEnterIdle: ptr(true), ReleasePhone: ptr(false), AgentType: 11,
				})
				return err
			},
			method: "PUT", path: "/agentgateway/resource/onlineagent/1001",
			body: `{"password":"p<&>w","phonenum":"70001","status":5,"autoanswer":false,"autoenteridle":true,"releasephone":false,"agenttype":11}`,
		},
		{
			name:  "sign-in busy",
			reply: `{"message":"","retcode":"0","result":{}}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.SignIn(ctx, "1001", SignInRequest{Password: "pw", PhoneNumber: "70001", Status: StatusBusy})
				return err
			},
			method: "PUT", path: "/agentgateway/resource/onlineagent/1001",
			body: `{"password":"pw","phonenum":"70001","status":3}`,
		},
		{
			name:  "forced sign-in",
			reply: `{"message":"","retcode":"0","result":{}}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.ForceSignIn(ctx, "1001", SignInRequest{Password: "pw", PhoneNumber: "70001", ReleasePhone: ptr(true)})
				return err
			},
			method: "PUT", path: "/agentgateway/resource/onlineagent/1001/forcelogin",
			body: `{"password":"pw","phonenum":"70001","status":4,"releasephone":true}`,
		},
		{
			name: "sign-out", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).SignOut(ctx) },
			method: "DELETE", path: "/agentgateway/resource/onlineagent/1001/logout", guid: true,
		},
		{
			name: "forced sign-out", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).ForceSignOut(ctx) },
			method: "DELETE", path: "/agentgateway/resource/onlineagent/1001/forcelogout", guid: true,
		},
		{
			name: "reset skills, listed", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).ResetSkills(ctx, false, []int64{1, 2, 3}) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/resetskill/false", query: "skillid=1;2;3", guid: true,
		},
		{
			name: "reset skills, one", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).ResetSkills(ctx, false, []int64{42}) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/resetskill/false", query: "skillid=42", guid: true,
		},
		{
			name: "reset skills, all configured", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).ResetSkills(ctx, true, nil) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/resetskill/true", guid: true,
		},
		{
			name: "set idle", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).SetIdle(ctx) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/sayfree", guid: true,
		},
		{
			name: "set busy without reason", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).SetBusy(ctx, 0, false) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/saybusy", query: "reason=0&prolong=false", guid: true,
		},
		{
			name: "set busy with reason, prolonged", reply: okBody,
			call:   func(ctx context.Context, c *Client) error { return sess(c).SetBusy(ctx, 205, true) },
			method: "POST", path: "/agentgateway/resource/onlineagent/1001/saybusy", query: "reason=205&prolong=true", guid: true,
		},
		{
			name: "event poll", reply: `{"message":"","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := sess(c).Poll(ctx)
				return err
			},
			method: "GET", path: "/agentgateway/resource/agentevent/1001", guid: true,
		},
		{
			name: "internal call to a skill queue (seed example)", reply: `{"result":"1721980849-240","message":"success","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := sess(c).CallInnerSkill(ctx, 2)
				return err
			},
			method: "PUT", path: "/agentgateway/resource/voicecall/1001/callinnerskill", guid: true,
			body: `{"skillId":2}`,
		},
		{
			name: "session transfer (seed example)", reply: `{"message":"success","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				return sess(c).Transfer(ctx, TransferRequest{CallID: "1552524689-16797284", Caller: "88880021",
					DeviceType: DeviceAgent, Mode: ModeReleaseAfterTransfer, Address: "205", CallData: "help"})
			},
			method: "POST", path: "/agentgateway/resource/mediacall/1001/transfer", guid: true,
			body: `{"callid":"1552524689-16797284","caller":"88880021","devicetype":2,"mode":2,"address":"205","calldata":"help"}`,
		},
		{
			name: "session transfer to a skill queue, blind, minimal", reply: `{"message":"success","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				return sess(c).Transfer(ctx, TransferRequest{CallID: "1718000100-9", DeviceType: DeviceSkillQueue, Mode: ModeBlind, Address: "12"})
			},
			method: "POST", path: "/agentgateway/resource/mediacall/1001/transfer", guid: true,
			body: `{"callid":"1718000100-9","devicetype":1,"mode":0,"address":"12"}`,
		},
		{
			name: "session transfer to an agent with skill id", reply: `{"message":"success","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				return sess(c).Transfer(ctx, TransferRequest{CallID: "c-1", DeviceType: DeviceAgent, Mode: ModeBlind, Address: "1002", SkillID: 7})
			},
			method: "POST", path: "/agentgateway/resource/mediacall/1001/transfer", guid: true,
			body: `{"callid":"c-1","devicetype":2,"mode":0,"address":"1002","skillId":7}`,
		},
		{
			name: "session transfer to an access code", reply: `{"message":"success","retcode":"0"}`,
			call: func(ctx context.Context, c *Client) error {
				return sess(c).Transfer(ctx, TransferRequest{CallID: "c-2", DeviceType: DeviceAccessCode, Mode: ModeReleaseAfterTransfer, Address: "10086"})
			},
			method: "POST", path: "/agentgateway/resource/mediacall/1001/transfer", guid: true,
			body: `{"callid":"c-2","devicetype":4,"mode":2,"address":"10086"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakeGateway(t, ok(tc.reply, "Set-GUID", "JSESSIONID="+testGUID))
			c := g.client(t)
			if err := tc.call(ctxT(t), c); err != nil {
				t.Fatalf("call failed: %v", err)
			}
			guid, cookie := "", ""
			if tc.guid {
				guid, cookie = testGUID, testCookie
			}
			assertRequest(t, g.last(t), tc.method, tc.path, tc.query, guid, cookie, tc.body)
		})
	}
}

// TestBaseURLForms: the resource prefix is added once, whatever the form.
func TestBaseURLForms(t *testing.T) {
	g := newFakeGateway(t, ok(okBody))
	for _, base := range []string{g.srv.URL, g.srv.URL + "/", g.srv.URL + "/agentgateway/resource", g.srv.URL + "/agentgateway/resource/"} {
		c := g.client(t, func(cfg *Config) { cfg.BaseURL = base })
		if err := c.Session("1001", testGUID, "").SetIdle(ctxT(t)); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if p := g.last(t).Path; p != "/agentgateway/resource/onlineagent/1001/sayfree" {
			t.Errorf("BaseURL %q: path %q", base, p)
		}
	}
}

// TestNoCookieWhenNoneWasSet: without a sign-in cookie no Cookie header goes out.
func TestNoCookieWhenNoneWasSet(t *testing.T) {
	g := newFakeGateway(t, ok(okBody))
	c := g.client(t)
	if err := c.Session("1001", testGUID, "").SetIdle(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if v := g.last(t).Header.Values("Cookie"); len(v) != 0 {
		t.Errorf("Cookie = %q, want none", v)
	}
}

// TestMethodsAreExact guards against a refactor that changes a verb: the
// gateway accepts exactly one method per interface.
func TestMethodsAreExact(t *testing.T) {
	want := map[string]string{
		"/agentgateway/resource/onlineagent/1001":                 http.MethodPut,
		"/agentgateway/resource/onlineagent/1001/forcelogin":      http.MethodPut,
		"/agentgateway/resource/onlineagent/1001/logout":          http.MethodDelete,
		"/agentgateway/resource/onlineagent/1001/forcelogout":     http.MethodDelete,
		"/agentgateway/resource/onlineagent/1001/resetskill/true": http.MethodPost,
		"/agentgateway/resource/onlineagent/1001/sayfree":         http.MethodPost,
		"/agentgateway/resource/onlineagent/1001/saybusy":         http.MethodPost,
		"/agentgateway/resource/agentevent/1001":                  http.MethodGet,
		"/agentgateway/resource/voicecall/1001/callinnerskill":    http.MethodPut,
		"/agentgateway/resource/mediacall/1001/transfer":          http.MethodPost,
	}
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
		if m, known := want[r.URL.Path]; !known || m != r.Method {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		ok(`{"result":"1-1","message":"","retcode":"0"}`, "Set-GUID", "JSESSIONID=g")(w, r)
	})
	c := g.client(t)
	ctx := ctxT(t)
	s, _, err := c.SignIn(ctx, "1001", SignInRequest{})
	must(t, err)
	_, _, err = c.ForceSignIn(ctx, "1001", SignInRequest{})
	must(t, err)
	must(t, s.ResetSkills(ctx, true, nil))
	must(t, s.SetIdle(ctx))
	must(t, s.SetBusy(ctx, 0, false))
	_, err = s.Poll(ctx)
	must(t, err)
	_, err = s.CallInnerSkill(ctx, 1)
	must(t, err)
	must(t, s.Transfer(ctx, TransferRequest{CallID: "1-1", Address: "2", DeviceType: DeviceAgent}))
	must(t, s.SignOut(ctx))
	must(t, s.ForceSignOut(ctx))
	if n := len(g.requests()); n != len(want) {
		t.Errorf("%d requests, want %d", n, len(want))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
