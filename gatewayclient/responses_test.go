package gatewayclient

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
)

// TestSignInResult covers the documented sample (vdnid as a number) and
// the typing quirks of the result object.
func TestSignInResult(t *testing.T) {
	cases := []struct {
		name, body string
		want       SignInResult
	}{
		{
			name: "reference sample, vdnid as number",
			body: `{"message":"","retcode":"0","result":{"vdnid":1,"workno":"1001","mediatype":"TFF","loginTime":"1718000000000","isForceChange":"false","serverName":"AgentGateway","timeRemaining":"30"}}`,
			want: SignInResult{VDNID: "1", WorkNo: "1001", MediaType: "TFF", LoginTime: "1718000000000", IsForceChange: "false", ServerName: "AgentGateway", TimeRemaining: "30"},
		},
		{
			name: "numbers and booleans where strings are documented",
			body: `{"message":"","retcode":0,"result":{"vdnid":"12","workno":1001,"mediatype":"TTF","loginTime":1718000000000,"isForceChange":true,"serverName":"gw","timeRemaining":""}}`,
			want: SignInResult{VDNID: "12", WorkNo: "1001", MediaType: "TTF", LoginTime: "1718000000000", IsForceChange: "true", ServerName: "gw"},
		},
		{
			name: "nulls and structures are empty",
			body: `{"message":"","retcode":"0","result":{"vdnid":null,"workno":"1001","mediatype":{"x":1},"timeRemaining":[1]}}`,
			want: SignInResult{WorkNo: "1001"},
		},
		{name: "result absent", body: `{"message":"success","retcode":"0"}`},
		{name: "result a string", body: `{"message":"success","retcode":"0","result":"ok"}`},
		{name: "result empty", body: `{"message":"success","retcode":"0","result":{}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakeGateway(t, ok(tc.body, "Set-GUID", "JSESSIONID="+testGUID))
			c := g.client(t)
			s, res, err := c.SignIn(ctxT(t), "1001", SignInRequest{Password: "pw", PhoneNumber: "70001"})
			if err != nil {
				t.Fatal(err)
			}
			if *res != tc.want {
				t.Errorf("result = %+v, want %+v", *res, tc.want)
			}
			if s.GUID() != testGUID || s.AgentID() != "1001" {
				t.Errorf("session = agent %q guid %q", s.AgentID(), s.GUID())
			}
		})
	}
}

// TestSignInCapturesGUIDAndCookie: the GUID comes from Set-GUID, every
// Set-Cookie is replayed as one Cookie header on later calls.
func TestSignInCapturesGUIDAndCookie(t *testing.T) {
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.Header().Add("Set-Cookie", "lbroute=node7; Path=/; HttpOnly")
			w.Header().Add("Set-Cookie", "JSESSIONID=abc123; Path=/agentgateway; Secure")
			w.Header().Set("Set-GUID", "JSESSIONID="+testGUID)
		}
		ok(okBody)(w, r)
	})
	c := g.client(t)
	for _, sign := range []func(context.Context, string, SignInRequest) (*Session, *SignInResult, error){c.SignIn, c.ForceSignIn} {
		s, _, err := sign(ctxT(t), "1001", SignInRequest{Password: "pw", PhoneNumber: "70001"})
		if err != nil {
			t.Fatal(err)
		}
		if s.GUID() != testGUID {
			t.Errorf("GUID = %q", s.GUID())
		}
		if want := "lbroute=node7; JSESSIONID=abc123"; s.Cookie() != want {
			t.Errorf("Cookie() = %q, want %q", s.Cookie(), want)
		}
		must(t, s.SetIdle(ctxT(t)))
		assertRequest(t, g.last(t), "POST", "/agentgateway/resource/onlineagent/1001/sayfree", "", testGUID, "lbroute=node7; JSESSIONID=abc123", "")
	}
}

// TestSignInGUIDFallbacks: without Set-GUID, a Guid response header is used;
// with neither, a successful sign-in is an error, never a GUID-less session.
func TestSignInGUIDFallbacks(t *testing.T) {
	g := newFakeGateway(t, ok(okBody, "Guid", "from-guid-header.AgentGateway1"))
	s, _, err := g.client(t).SignIn(ctxT(t), "1001", SignInRequest{})
	if err != nil || s.GUID() != "from-guid-header.AgentGateway1" {
		t.Fatalf("session %v err %v", s, err)
	}

	g = newFakeGateway(t, ok(okBody, "Set-GUID", "JSESSIONID="))
	s, res, err := g.client(t).SignIn(ctxT(t), "1001", SignInRequest{})
	var te *TransportError
	if !errors.As(err, &te) || te.Kind != TransportBadResponse || s != nil || res != nil {
		t.Fatalf("want TransportBadResponse and no session, got %v %v %v", s, res, err)
	}
}

// TestRetcodeErrorsPerOperation: every operation turns a non-"0" retcode into
// an *Error carrying op, agent id, retcode and the gateway's message.
func TestRetcodeErrorsPerOperation(t *testing.T) {
	ops := []struct {
		op   string
		call func(context.Context, *Client) error
	}{
		{OpLogin, func(ctx context.Context, c *Client) error {
			_, _, err := c.SignIn(ctx, "1001", SignInRequest{})
			return err
		}},
		{OpForceLogin, func(ctx context.Context, c *Client) error {
			_, _, err := c.ForceSignIn(ctx, "1001", SignInRequest{})
			return err
		}},
		{OpLogout, func(ctx context.Context, c *Client) error { return c.Session("1001", testGUID, "").SignOut(ctx) }},
		{OpForceLogout, func(ctx context.Context, c *Client) error { return c.Session("1001", testGUID, "").ForceSignOut(ctx) }},
		{OpResetSkill, func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").ResetSkills(ctx, true, nil)
		}},
		{OpSayFree, func(ctx context.Context, c *Client) error { return c.Session("1001", testGUID, "").SetIdle(ctx) }},
		{OpSayBusy, func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").SetBusy(ctx, 0, false)
		}},
		{OpGetAgentEvent, func(ctx context.Context, c *Client) error {
			ev, err := c.Session("1001", testGUID, "").Poll(ctx)
			if ev != nil {
				t.Errorf("event %+v returned with an error", ev)
			}
			return err
		}},
		{OpCallInnerSkill, func(ctx context.Context, c *Client) error {
			id, err := c.Session("1001", testGUID, "").CallInnerSkill(ctx, 3)
			if id != "" {
				t.Errorf("call id %q returned with an error", id)
			}
			return err
		}},
		{OpTransfer, func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").Transfer(ctx, TransferRequest{CallID: "c", Address: "1", DeviceType: DeviceSkillQueue})
		}},
	}
	replies := []struct {
		body, retcode, message string
		is                     func(error) bool
	}{
		{`{"message":"agent not login","retcode":"100-006"}`, "100-006", "agent not login", IsNotSignedIn},
		{`{"message":"no right to invite resouce","retcode":"000-003","result":null}`, "000-003", "no right to invite resouce", IsGUIDInvalid},
		{`{"message":"param error","retcode":"000-002"}`, "000-002", "param error", IsInvalidParameter},
		{`{"retcode":"106-004"}`, "106-004", "", IsTransferRejected},
		{`{"message":"already login","retcode":"100-002"}`, "100-002", "already login", IsAlreadySignedIn},
		{`{"message":"bad password","retcode":"100-004"}`, "100-004", "bad password", IsCredentialsRejected},
		{`{"message":"?","retcode":"999-999"}`, "999-999", "?", IsUnknownRetcode},
	}
	for _, op := range ops {
		for _, rp := range replies {
			t.Run(op.op+"/"+rp.retcode, func(t *testing.T) {
				g := newFakeGateway(t, ok(rp.body))
				err := op.call(ctxT(t), g.client(t))
				var ge *Error
				if !errors.As(err, &ge) {
					t.Fatalf("want *Error, got %T %v", err, err)
				}
				want := Error{Op: op.op, AgentID: "1001", Retcode: rp.retcode, Message: rp.message}
				if *ge != want {
					t.Errorf("error = %+v, want %+v", *ge, want)
				}
				if !rp.is(err) {
					t.Errorf("classification helper false for %v", err)
				}
			})
		}
	}
}

// TestRetcodeTyping: a numeric retcode and a numeric message are accepted.
func TestRetcodeTyping(t *testing.T) {
	cases := []struct {
		body    string
		wantErr *Error
	}{
		{`{"message":"success","retcode":0}`, nil},
		{`{"message":0,"retcode":"0","result":null}`, nil},
		{`{"message":12,"retcode":"100-007"}`, &Error{Op: OpSayFree, AgentID: "1001", Retcode: "100-007", Message: "12"}},
	}
	for _, tc := range cases {
		g := newFakeGateway(t, ok(tc.body))
		err := g.client(t).Session("1001", "g", "").SetIdle(ctxT(t))
		if tc.wantErr == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var ge *Error
		if !errors.As(err, &ge) || !reflect.DeepEqual(ge, tc.wantErr) {
			t.Errorf("%s: got %#v, want %#v", tc.body, err, tc.wantErr)
		}
	}
}

// TestCallInnerSkillResult: the call id is the result, whatever its JSON
// type; a success without one is reported, never returned as "".
func TestCallInnerSkillResult(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"result":"1721980849-240","message":"success","retcode":"0"}`, "1721980849-240"},
		{`{"message":"success","retcode":"0","result":"1718000001-77"}`, "1718000001-77"},
		{`{"result":1718000001,"message":"success","retcode":"0"}`, "1718000001"},
		{`{"result":"17180\u0030-1","message":"","retcode":"0"}`, "171800-1"},
	}
	for _, tc := range cases {
		g := newFakeGateway(t, ok(tc.body))
		got, err := g.client(t).Session("1001", "g", "").CallInnerSkill(ctxT(t), 3)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.body, got, err, tc.want)
		}
	}
	for _, body := range []string{
		`{"message":"success","retcode":"0"}`,
		`{"message":"success","retcode":"0","result":null}`,
		`{"message":"success","retcode":"0","result":""}`,
		`{"message":"success","retcode":"0","result":{"callid":"x"}}`,
	} {
		g := newFakeGateway(t, ok(body))
		id, err := g.client(t).Session("1001", "g", "").CallInnerSkill(ctxT(t), 3)
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != TransportBadResponse || id != "" {
			t.Errorf("%s: want TransportBadResponse, got %q %v", body, id, err)
		}
	}
}

// TestLocalArgumentChecks: arguments that cannot form a valid request are
// refused before anything is sent, with ErrInvalidArgument / ErrNoGUID.
func TestLocalArgumentChecks(t *testing.T) {
	g := newFakeGateway(t, ok(okBody))
	c := g.client(t)
	ctx := ctxT(t)
	good := c.Session("1001", testGUID, "")
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"empty agent id", c.Session("", "g", "").SetIdle(ctx), ErrInvalidArgument},
		{"path in agent id", c.Session("1001/../x", "g", "").SetIdle(ctx), ErrInvalidArgument},
		{"agent id too long", c.Session("12345678901234567", "g", "").SetIdle(ctx), ErrInvalidArgument},
		{"sign-in agent id", func() error { _, _, err := c.SignIn(ctx, "a1", SignInRequest{}); return err }(), ErrInvalidArgument},
		{"no GUID", c.Session("1001", "", "").SetIdle(ctx), ErrNoGUID},
		{"GUID with newline", c.Session("1001", "g\r\nX-Evil: 1", "").SetIdle(ctx), ErrInvalidArgument},
		{"cookie with newline", c.Session("1001", "g", "a=b\nc").SetIdle(ctx), ErrInvalidArgument},
		{"negative skill id", good.ResetSkills(ctx, false, []int64{1, -2}), ErrInvalidArgument},
		{"zero skill id", good.ResetSkills(ctx, false, []int64{0}), ErrInvalidArgument},
		{"negative busy reason", good.SetBusy(ctx, -1, false), ErrInvalidArgument},
		{"internal call to skill 0", func() error { _, err := good.CallInnerSkill(ctx, 0); return err }(), ErrInvalidArgument},
		{"transfer without call id", good.Transfer(ctx, TransferRequest{Address: "1"}), ErrInvalidArgument},
		{"transfer without address", good.Transfer(ctx, TransferRequest{CallID: "c"}), ErrInvalidArgument},
		{"transfer with negative skill", good.Transfer(ctx, TransferRequest{CallID: "c", Address: "1", SkillID: -1}), ErrInvalidArgument},
	}
	for _, tc := range cases {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if !IsInvalidParameter(cases[0].err) || !IsGUIDInvalid(cases[4].err) {
		t.Error("local errors are not classified")
	}
	if n := len(g.requests()); n != 0 {
		t.Errorf("%d requests were sent for refused arguments", n)
	}
}
