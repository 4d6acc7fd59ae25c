package gatewayclient

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every secret carries this marker, so one search finds any leak, including
// a partial one.
const marker = "S3CR3T"

const (
	secretPassword = "pw-" + marker + "-7f3a"
	secretGUID     = marker + "0-1111-2222-3333-444455556666.AgentGateway0"
	secretUUIDPart = marker + "0-1111-2222-3333-444455556666"
	secretNewGUID  = marker + "9-aaaa-bbbb-cccc-ddddeeeeffff.AgentGateway1"
	secretCookieV  = "lb-" + marker + "-cookie-42"
	secretCookie   = "route=" + secretCookieV
)

// Gateway text that repeats every secret the call in question knows (a
// gateway cannot be trusted not to echo): the password and the new session's
// GUID and cookie for sign-in; the session's GUID, its UUID part, its cookie
// value and a GUID announced in the same answer for everything else. Each
// also names another session's GUID, which is a credential too.
const (
	otherGUID   = "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway1"
	signInEcho  = "password=" + secretPassword + " new=" + secretNewGUID + " cookie=" + secretCookieV + " other=" + otherGUID
	sessionEcho = "guid=" + secretGUID + " uuid=" + secretUUIDPart + " new=" + secretNewGUID + " cookie=" + secretCookieV + " other=" + otherGUID
)

func TestSecretsNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var mu sync.Mutex
	var infos []CallInfo
	withObservers := func(cfg *Config) {
		cfg.Logger = logger
		cfg.OnCall = func(ci CallInfo) { mu.Lock(); infos = append(infos, ci); mu.Unlock() }
	}
	type path struct {
		name string
		err  error
	}
	var paths []path
	add := func(name string, err error) {
		if err == nil {
			t.Errorf("%s: no error; the path was not forced", name)
			return
		}
		paths = append(paths, path{name, err})
	}
	server := func(h http.HandlerFunc, mod ...func(*Config)) *Client {
		g := newFakeGateway(t, h)
		return g.client(t, append([]func(*Config){withObservers}, mod...)...)
	}
	sess := func(c *Client) *Session { return c.Session("1001", secretGUID, secretCookie) }
	signIn := func(c *Client) error {
		_, _, err := c.SignIn(ctxT(t), "1001", SignInRequest{Password: secretPassword, PhoneNumber: "70001"})
		return err
	}
	setGUID := []string{"Set-GUID", "JSESSIONID=" + secretNewGUID, "Set-Cookie", secretCookie}
	envelope := func(rc, echo string) string { return `{"retcode":"` + rc + `","message":"` + echo + `"}` }

	// A real session with a cookie, obtained by signing in; the same gateway
	// then refuses its commands.
	live, _, err := server(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			ok(`{"retcode":"0","message":"","result":{}}`, "Set-GUID", "JSESSIONID="+secretGUID, "Set-Cookie", secretCookie+"; Path=/")(w, r)
			return
		}
		ok(envelope("100-009", sessionEcho), setGUID...)(w, r)
	}).SignIn(ctxT(t), "1001", SignInRequest{Password: secretPassword, PhoneNumber: "70001"})
	must(t, err)

	add("sign-in retcode", signIn(server(ok(envelope("100-004", signInEcho), setGUID...))))
	add("sign-in without GUID", signIn(server(ok(`{"retcode":"0","message":"`+signInEcho+`","result":{"workno":"`+secretPassword+`"}}`))))
	add("sign-in HTTP 500 envelope", signIn(server(reply(500, envelope("100-007", signInEcho), setGUID...))))
	add("sign-in non-JSON", signIn(server(ok(signInEcho, setGUID...))))
	add("forced sign-in retcode", func() error {
		_, _, err := server(ok(envelope("100-015", signInEcho), setGUID...)).ForceSignIn(ctxT(t), "1001", SignInRequest{Password: secretPassword})
		return err
	}())
	add("command retcode", sess(server(ok(envelope("100-006", sessionEcho), setGUID...))).SetIdle(ctxT(t)))
	add("command retcode on live session", live.SetBusy(ctxT(t), 0, false))
	_, perr := sess(server(ok(envelope("000-003", sessionEcho), setGUID...))).Poll(ctxT(t))
	add("poll retcode", perr)
	add("HTTP status with envelope", sess(server(reply(401, envelope("000-003", sessionEcho), setGUID...))).SignOut(ctxT(t)))
	add("HTTP status with HTML", sess(server(reply(502, "<html>"+sessionEcho+"</html>", setGUID...))).ForceSignOut(ctxT(t)))
	add("non-JSON body", sess(server(ok(sessionEcho, setGUID...))).ResetSkills(ctxT(t), false, []int64{1}))
	add("JSON of the wrong shape", sess(server(ok(`["`+sessionEcho+`"]`))).SetIdle(ctxT(t)))
	_, perr = sess(server(ok(`{"retcode":"0","event":{"content":"` + sessionEcho + `"}}`))).Poll(ctxT(t))
	add("typeless event", perr)
	add("body too large", sess(server(ok(envelope("100-006", sessionEcho)), func(c *Config) { c.MaxBodyBytes = 32 })).SetIdle(ctxT(t)))
	_, cerr := sess(server(ok(`{"retcode":"0","message":"`+sessionEcho+`"}`, setGUID...))).CallInnerSkill(ctxT(t), 1)
	add("success without call id", cerr)
	add("transfer rejected", sess(server(ok(envelope("106-005", sessionEcho), setGUID...))).Transfer(ctxT(t), TransferRequest{CallID: "c", Address: "1"}))
	add("own timeout", sess(server(blockUntilGone(nil), func(c *Config) { c.RequestTimeout = 30 * time.Millisecond })).SetIdle(ctxT(t)))

	arrived := make(chan struct{}, 1)
	cancelSrv := server(blockUntilGone(arrived))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, perr = sess(cancelSrv).Poll(ctx)
	add("caller cancel", perr)
	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	go func() { <-arrived }()
	add("caller deadline", sess(cancelSrv).SetIdle(dctx))
	dcancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close()
	closed, err := New(Config{BaseURL: "http://" + addr, Logger: logger})
	must(t, err)
	defer closed.Close()
	add("unreachable", sess(closed).SetIdle(ctxT(t)))
	add("unreachable sign-in", signIn(closed))

	tlsSrv := newTLSGateway(t, nil, false)
	untrusted, err := New(Config{BaseURL: tlsSrv.srv.URL, Logger: logger})
	must(t, err)
	defer untrusted.Close()
	add("TLS failure", sess(untrusted).SetIdle(ctxT(t)))

	add("GUID not a header value", closed.Session("1001", secretGUID+"\r\n", secretCookie).SetIdle(ctxT(t)))
	add("cookie not a header value", closed.Session("1001", secretGUID, secretCookie+"\n").SetIdle(ctxT(t)))
	add("bad agent id", closed.Session("1001/"+marker, secretGUID, secretCookie).SetIdle(ctxT(t)))
	add("no GUID", closed.Session("1001", "", secretCookie).SetIdle(ctxT(t)))

	leak := func(what, s string) {
		t.Helper()
		if strings.Contains(s, marker) {
			t.Errorf("%s leaks a secret: %s", what, s)
		}
	}
	for _, p := range paths {
		for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q"} {
			leak(p.name+" "+verb, fmt.Sprintf(verb, p.err))
		}
		leak(p.name+" Error()", p.err.Error())
		logger.Error("call failed", "err", p.err, "path", p.name)
	}
	mu.Lock()
	for _, ci := range infos {
		leak("CallInfo", fmt.Sprintf("%+v", ci))
		logger.Info("call", "info", ci, "err", ci.Err)
	}
	mu.Unlock()

	req := SignInRequest{Password: secretPassword, PhoneNumber: "70001"}
	for _, verb := range []string{"%v", "%+v", "%s", "%#v"} {
		leak("SignInRequest "+verb, fmt.Sprintf(verb, req))
		leak("*SignInRequest "+verb, fmt.Sprintf(verb, &req))
		leak("Session "+verb, fmt.Sprintf(verb, live))
	}
	logger.Info("objects", "req", req, "session", live)
	leak("slog output", logs.String())
	if !strings.Contains(logs.String(), `"session":{"agent_id":"1001"}`) {
		t.Errorf("slog output lacks the session's agent id: %s", logs.String())
	}
	// The accessors still hand out the credentials (for persistence); the
	// live session adopted the GUID its failed command announced.
	if live.Cookie() != secretCookie || live.GUID() != secretNewGUID {
		t.Errorf("the live session's credentials are wrong")
	}
}

// TestScrubbing covers the scrubber directly: longest secret first, UUID
// part of a GUID, control characters, length bound.
func TestScrubbing(t *testing.T) {
	var sec secrets
	sec.add(secretGUID, "abc", "", secretCookieV)
	sec.addCookie("route=" + secretCookieV + "; b=\"quoted-value\"")
	got := sanitizeMessage("a "+secretGUID+" b "+secretUUIDPart+" c "+secretCookieV+" d quoted-value e "+otherGUID+" abc\r\nx", sec)
	if want := "a [redacted] b [redacted] c [redacted] d [redacted] e [redacted] abc  x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	long := sanitizeMessage(strings.Repeat("é", 600), nil)
	if len(long) > maxMessageLen+3 || !strings.HasSuffix(long, "...") {
		t.Errorf("long message kept %d bytes", len(long))
	}
	if s := sanitizeMessage("\xff\xfe ok", nil); s != "ok" {
		t.Errorf("invalid UTF-8 kept: %q", s)
	}
}
