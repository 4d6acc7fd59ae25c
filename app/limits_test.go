package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// rawRequest writes raw bytes to the HTTP listener and returns the connection.
func (b *bridge) rawConn(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", b.app.HTTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// statusLine reads the response status code from c within d.
func statusLine(t *testing.T, c net.Conn, d time.Duration) int {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response within %v: %v", d, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// closedWithin asserts that the server closes c within d (reads return EOF or a reset).
func closedWithin(t *testing.T, c net.Conn, d time.Duration) {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(d))
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("connection still open after %v", d)
			}
			return
		}
	}
}

// The CSRF request of the issue: a text/plain POST from a foreign page is refused with 415
// and places no call; form bodies too.
func TestCrossSiteFormPostRefused(t *testing.T) {
	b := startBridge(t)
	b.signIn(t, "1001")
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		req, _ := http.NewRequest("POST", b.httpBase+"/v1/agents/1001/voice:callInnerSkill", strings.NewReader(`{"skillId":"1"}`))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.Header.Set("Origin", "https://evil.example")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: %d %s, want 415", ct, res.StatusCode, body)
		}
		if _, reason := decodeStatus(t, body); reason != "UNSUPPORTED_MEDIA_TYPE" {
			t.Errorf("reason %q", reason)
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Error("CORS header for an origin never allowed")
		}
	}
	s, err := b.sessions.GetSession(ctxT(t, 5*time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.GetSession().GetActiveCallIds()); n != 0 {
		t.Errorf("a refused request placed %d call(s)", n)
	}
}

func TestCORS(t *testing.T) {
	preflight := func(b *bridge, origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", b.httpBase+"/v1/agents/1001/voice:callInnerSkill", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	off := startBridge(t)
	if res := preflight(off, "https://app.example"); res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS off by default: preflight %d %v", res.StatusCode, res.Header)
	}
	on := startBridge(t, func(c *app.Config) { c.CORSOrigins = "https://app.example, https://other.example" })
	res := preflight(on, "https://app.example")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("allowed origin preflight: %d %v", res.StatusCode, res.Header)
	}
	if res := preflight(on, "https://evil.example"); res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin preflight: %d %v", res.StatusCode, res.Header)
	}
	req, _ := http.NewRequest("GET", on.httpBase+"/v1/sessions", nil)
	req.Header.Set("Origin", "https://app.example")
	got, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("actual request from an allowed origin: %v", got.Header)
	}
}

// A 50 MB body is refused before it is read: announced by Content-Length, the 413 comes
// without a byte of body sent; chunked, it comes after the limit, and the bridge allocates
// nowhere near the body's size.
func TestLargeBodyRefusedBeforeRead(t *testing.T) {
	b := startBridge(t)
	const size = 50 << 20
	c := b.rawConn(t)
	fmt.Fprintf(c, "POST /v1/agents/1001/voice:callInnerSkill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", size)
	if code := statusLine(t, c, 2*time.Second); code != http.StatusRequestEntityTooLarge {
		t.Errorf("announced 50 MB: %d, want 413", code)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c = b.rawConn(t)
	fmt.Fprint(c, "POST /v1/agents/1001/voice:callInnerSkill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	done := make(chan struct{})
	go func() {
		defer close(done)
		chunk := []byte(fmt.Sprintf("%x\r\n%s\r\n", 32<<10, strings.Repeat(" ", 32<<10)))
		for sent := 0; sent < size; sent += 32 << 10 {
			if _, err := c.Write(chunk); err != nil {
				return // the bridge closed the connection: the rest is never read
			}
		}
	}()
	if code := statusLine(t, c, 5*time.Second); code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 50 MB: %d, want 413", code)
	}
	_ = c.Close()
	<-done
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("refusing a 50 MB body allocated %d MB", grew>>20)
	}
}

// Idle keep-alive connections, slow headers and slow bodies are closed within their timeouts.
func TestSlowAndIdleConnectionsClosed(t *testing.T) {
	b := startBridge(t, func(c *app.Config) {
		c.IdleTimeout, c.HTTPReadHeaderTimeout, c.HTTPBodyTimeout = 500*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond
	})
	t.Run("idle", func(t *testing.T) {
		c := b.rawConn(t)
		fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		if code := statusLine(t, c, 2*time.Second); code != http.StatusOK {
			t.Fatalf("healthz %d", code)
		}
		closedWithin(t, c, 2*time.Second)
	})
	t.Run("slow headers", func(t *testing.T) {
		c := b.rawConn(t)
		fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		closedWithin(t, c, 2*time.Second)
	})
	t.Run("slow body", func(t *testing.T) {
		c := b.rawConn(t)
		fmt.Fprint(c, "POST /v1/agents/1001/voice:callInnerSkill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		stop := make(chan struct{})
		defer close(stop)
		go func() { // one byte every 200 ms, as the slow clients did
			for range 50 {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
				}
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		if code := statusLine(t, c, 3*time.Second); code != http.StatusRequestTimeout {
			t.Errorf("slow body: %d, want 408", code)
		}
		closedWithin(t, c, 2*time.Second)
	})
}

func refusedMetric(t *testing.T, b *bridge, reason string) string {
	t.Helper()
	for _, line := range strings.Split(b.scrape(t), "\n") {
		if strings.HasPrefix(line, `ccgw_requests_refused_total{reason="`+reason+`"}`) {
			return strings.Fields(line)[1]
		}
	}
	return ""
}

func TestStreamCaps(t *testing.T) {
	for _, tc := range []struct {
		name          string
		total, caller int
		reason        string
	}{{"per caller", 0, 2, "streams_per_caller"}, {"global", 2, 0, "streams_total"}} {
		t.Run(tc.name, func(t *testing.T) {
			b := startBridge(t, func(c *app.Config) { c.MaxStreams, c.MaxStreamsPerCaller = tc.total, tc.caller })
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			for range 2 {
				next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{})
				next() // the snapshot: the stream is open
			}
			s, err := b.events.StreamEvents(ctx, &ccgwv1.StreamEventsRequest{})
			if err == nil {
				_, err = s.Recv()
			}
			if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "too many event streams") {
				t.Fatalf("third stream: %v, want RESOURCE_EXHAUSTED", err)
			}
			if got := refusedMetric(t, b, tc.reason); got != "1" {
				t.Errorf("ccgw_requests_refused_total{reason=%q} = %q, want 1", tc.reason, got)
			}
		})
	}
}

func TestCommandRateLimit(t *testing.T) {
	b := startBridge(t, func(c *app.Config) { c.CommandRate, c.CommandBurst = 0.2, 1 })
	ctx := ctxT(t, 5*time.Second)
	signOut := func() error {
		_, err := b.sessions.SignOut(ctx, &ccgwv1.SignOutRequest{AgentId: "1001"})
		return err
	}
	if err := signOut(); status.Code(err) == codes.ResourceExhausted {
		t.Fatalf("first command refused: %v", err)
	}
	err := signOut()
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second command: %v, want RESOURCE_EXHAUSTED", err)
	}
	var retry *errdetails.RetryInfo
	for _, d := range status.Convert(err).Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			retry = r
		}
	}
	if retry == nil || retry.GetRetryDelay().AsDuration() <= 0 || retry.GetRetryDelay().AsDuration() > 5*time.Second {
		t.Errorf("RetryInfo %v", retry)
	}
	// Reads are not commands and are never limited.
	if _, err := b.sessions.ListSessions(ctx, &ccgwv1.ListSessionsRequest{}); err != nil {
		t.Errorf("a read was limited: %v", err)
	}
	if got := refusedMetric(t, b, "rate_limit"); got != "1" {
		t.Errorf("rate_limit refusals = %q, want 1", got)
	}
}

// A gRPC request larger than the body limit is refused by gRPC itself.
func TestGRPCReceiveLimit(t *testing.T) {
	b := startBridge(t, func(c *app.Config) { c.MaxBodyBytes = 4096 })
	_, err := b.calls.TransferSession(ctxT(t, 5*time.Second), &ccgwv1.TransferSessionRequest{AgentId: "1001", CallId: "c", Caller: strings.Repeat("1", 8000)})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("8 KB message with a 4 KB limit: %v, want RESOURCE_EXHAUSTED", err)
	}
}

// /metrics and /openapi.json move to the admin listener or go away; reflection can be off.
func TestAdminEndpointsPlacement(t *testing.T) {
	get := func(url string) int {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	moved := startBridge(t, func(c *app.Config) { c.AdminListen = "127.0.0.1:0" })
	for _, p := range []string{"/metrics", "/openapi.json"} {
		if got := get(moved.httpBase + p); got != http.StatusNotFound {
			t.Errorf("%s on the main listener: %d, want 404", p, got)
		}
		if got := get("http://" + moved.app.AdminAddr() + p); got != http.StatusOK {
			t.Errorf("%s on the admin listener: %d", p, got)
		}
	}
	off := startBridge(t, func(c *app.Config) { c.AdminListen, c.GRPCReflection = "none", false })
	if got := get(off.httpBase + "/metrics"); got != http.StatusNotFound {
		t.Errorf("/metrics with -admin-listen=none: %d", got)
	}
	if got := get(off.httpBase + "/healthz"); got != http.StatusOK {
		t.Errorf("/healthz must stay: %d", got)
	}
	err := off.conn.Invoke(ctxT(t, 5*time.Second), "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", &ccgwv1.GetSessionRequest{}, &ccgwv1.GetSessionResponse{})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("reflection off: %v, want UNIMPLEMENTED", err)
	}
}

// A stream whose client stops reading ends within -stream-send-timeout on the bridge's side
// (its stream slot is free again) though the client never reads; when the client reads at
// last, it gets what was sent and then RESOURCE_EXHAUSTED with a resume cursor.
func TestStreamOfNonReadingClientEnds(t *testing.T) {
	sim, use := externalSim(t, func(c *gatewaysim.Config) { c.MaxQueuedEvents = 5000 })
	b := startBridge(t, use, func(c *app.Config) { c.StreamSendTimeout, c.MaxStreamsPerCaller = 500*time.Millisecond, 1 })
	b.signIn(t, "1001")
	// Fixed small windows (no BDP growth): the bridge's sends stall after a few hundred KB.
	conn, err := grpc.NewClient(b.app.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stalled, err := ccgwv1.NewAgentEventServiceClient(conn).StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 200)
	for i := range 3000 {
		_ = sim.PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": strconv.Itoa(i) + pad})
	}
	start := time.Now()
	for {
		s, err := b.events.StreamEvents(ctx, &ccgwv1.StreamEventsRequest{AgentId: "1002"})
		if err == nil {
			_, err = s.Recv()
		}
		if err == nil {
			break // the stalled stream's slot is free: the bridge ended it
		}
		if status.Code(err) != codes.ResourceExhausted {
			t.Fatal(err)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("the stream of a client that stopped reading still holds its slot after 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("stalled stream ended on the bridge %v after the events were pushed", time.Since(start).Round(10*time.Millisecond))
	var last string
	for {
		m, err := stalled.Recv()
		if err != nil {
			st := status.Convert(err)
			if st.Code() != codes.ResourceExhausted {
				t.Fatalf("stalled stream ended with %v", err)
			}
			if cur := errorInfo(st).GetMetadata()["resume_after"]; cur == "" || cur != last {
				t.Fatalf("resume cursor %q, last received %q", cur, last)
			}
			return
		}
		if c := m.GetEvent().GetCursor(); c != "" {
			last = c
		} else if c := m.GetSnapshot().GetCursor(); c != "" {
			last = c
		}
	}
}

// A real gateway over plain http is accepted (with -insecure-no-auth here) but said to be
// unencrypted, and plaintext unauthenticated listeners in front of it are called insecure.
func TestPlainHTTPGatewayWarns(t *testing.T) {
	_, use := externalSim(t, nil)
	b := startBridge(t, use, func(c *app.Config) { c.InsecureNoAuth = true })
	logs := b.logs.String()
	for _, want := range []string{"the gateway URL is plain http", "INSECURE: plaintext listeners and no authentication"} {
		if !strings.Contains(logs, want) {
			t.Errorf("no warning %q", want)
		}
	}
}
