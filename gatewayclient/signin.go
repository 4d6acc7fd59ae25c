package gatewayclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
)

// InitialStatus is the agent state right after sign-in.
type InitialStatus int

const (
	StatusBusy InitialStatus = 3
	StatusIdle InitialStatus = 4 // the default (used when Status is 0)
	StatusWork InitialStatus = 5 // wrap-up
)

// SignInRequest is the body of a (forced) sign-in. Optional fields left nil
// or zero are omitted, so the gateway applies its documented defaults.
// Formatting or logging a SignInRequest never shows the password.
type SignInRequest struct {
	Password, PhoneNumber string
	Status                InitialStatus // 0 = StatusIdle
	AutoAnswer            *bool
	AutoEnterIdle         *bool
	ReleasePhone          *bool
	AgentType             int // 0 = omit (gateway default 4: PC + phone)
}

func (r SignInRequest) String() string {
	return "gatewayclient.SignInRequest{PhoneNumber:" + strconv.Quote(r.PhoneNumber) +
		" Status:" + strconv.Itoa(int(r.Status)) + " Password:" + redacted + "}"
}

func (r SignInRequest) GoString() string { return r.String() }

// LogValue implements slog.LogValuer without the password.
func (r SignInRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("phone_number", r.PhoneNumber), slog.Int("status", int(r.Status)))
}

// signInBody is the wire form. Types follow the documentation (numbers and
// booleans), not the string-typed samples; the gateway accepts both.
type signInBody struct {
	Password      string `json:"password"`
	PhoneNum      string `json:"phonenum"`
	Status        int    `json:"status"`
	AutoAnswer    *bool  `json:"autoanswer,omitempty"`
	AutoEnterIdle *bool  `json:"autoenteridle,omitempty"`
	ReleasePhone  *bool  `json:"releasephone,omitempty"`
	AgentType     int    `json:"agenttype,omitempty"`
}

func (r SignInRequest) wire() ([]byte, error) {
	st := r.Status
	if st == 0 {
		st = StatusIdle
	}
	return marshalBody(signInBody{
		Password: r.Password, PhoneNum: r.PhoneNumber, Status: int(st),
		AutoAnswer: r.AutoAnswer, AutoEnterIdle: r.AutoEnterIdle, ReleasePhone: r.ReleasePhone,
		AgentType: r.AgentType,
	})
}

// marshalBody encodes without HTML escaping, so the gateway receives the
// characters as given, and without the encoder's trailing newline.
func marshalBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SignInResult is the sign-in answer's result, every field as text whatever
// JSON type the gateway used (vdnid arrives as a number in samples).
type SignInResult struct {
	VDNID         string // virtual call center id
	WorkNo        string
	MediaType     string // T/F flags: CTI, WebM, MailM sign-in success, e.g. "TTF"
	LoginTime     string // epoch milliseconds as text
	IsForceChange string // "true": password must be changed first
	ServerName    string
	TimeRemaining string // days until password expiry; "" = never
}

type signInResultWire struct {
	VDNID         lenientString `json:"vdnid"`
	WorkNo        lenientString `json:"workno"`
	MediaType     lenientString `json:"mediatype"`
	LoginTime     lenientString `json:"loginTime"`
	IsForceChange lenientString `json:"isForceChange"`
	ServerName    lenientString `json:"serverName"`
	TimeRemaining lenientString `json:"timeRemaining"`
}

// decodeSignInResult never fails: a result that is absent or not an object
// yields an empty SignInResult, since the sign-in itself succeeded.
func decodeSignInResult(raw json.RawMessage) *SignInResult {
	var w signInResultWire
	if len(raw) > 0 && raw[0] == '{' {
		_ = json.Unmarshal(raw, &w) // lenient fields cannot fail on a valid object
	}
	return &SignInResult{
		VDNID: string(w.VDNID), WorkNo: string(w.WorkNo), MediaType: string(w.MediaType),
		LoginTime: string(w.LoginTime), IsForceChange: string(w.IsForceChange),
		ServerName: string(w.ServerName), TimeRemaining: string(w.TimeRemaining),
	}
}

var errNoSetGUID = errors.New("sign-in succeeded but the response carried no usable Set-GUID header; the agent may be signed in at the gateway")

// SignIn signs the agent in (PUT onlineagent/{id}). On retcode 100-002
// (IsAlreadySignedIn) use ForceSignIn. Not retried: do not call it again
// before it returns.
func (c *Client) SignIn(ctx context.Context, agentID string, req SignInRequest) (*Session, *SignInResult, error) {
	return c.signIn(ctx, OpLogin, "onlineagent/"+agentID, agentID, req)
}

// ForceSignIn signs the agent in even if it is signed in elsewhere
// (PUT onlineagent/{id}/forcelogin), taking the session over.
func (c *Client) ForceSignIn(ctx context.Context, agentID string, req SignInRequest) (*Session, *SignInResult, error) {
	return c.signIn(ctx, OpForceLogin, "onlineagent/"+agentID+"/forcelogin", agentID, req)
}

func (c *Client) signIn(ctx context.Context, op, path, agentID string, in SignInRequest) (*Session, *SignInResult, error) {
	if c == nil {
		return nil, nil, fmt.Errorf("%s%w: nil Client", prefix(op, agentID), ErrInvalidArgument)
	}
	body, err := in.wire()
	if err != nil {
		return nil, nil, err
	}
	var sess *Session
	var res *SignInResult
	r := &request{op: op, method: http.MethodPut, agentID: agentID, path: path, body: body, secrets: []string{in.Password}}
	err = c.run(ctx, r, func(h http.Header, data []byte) (string, string, error) {
		env, rc, err := decodeEnvelope(data)
		if err != nil || rc != "0" {
			return rc, msgOf(env), err
		}
		guid := guidFromHeader(h)
		if guid == "" {
			// Listed as a response header too; unconfirmed, so only a fallback.
			guid = cleanGUID(h.Get("Guid"))
		}
		if guid == "" {
			return "", "", errNoSetGUID
		}
		sess = &Session{client: c, agentID: agentID, guid: guid, cookie: cookieHeader(h)}
		res = decodeSignInResult(env.Result)
		return rc, string(env.Message), nil
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, res, nil
}

func msgOf(env *envelope) string {
	if env == nil {
		return ""
	}
	return string(env.Message)
}
