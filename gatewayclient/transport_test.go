package gatewayclient

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func transportErr(t *testing.T, err error, kind TransportKind) *TransportError {
	t.Helper()
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("want *TransportError %v, got %T %v", kind, err, err)
	}
	if te.Kind != kind {
		t.Fatalf("kind = %v, want %v (%v)", te.Kind, kind, err)
	}
	return te
}

// blockUntilGone holds a request until the client gives up on it; arrived is
// signalled when the request has reached the server.
func blockUntilGone(arrived chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			arrived <- struct{}{}
		}
		<-r.Context().Done()
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Config{BaseURL: "http://" + addr})
	must(t, err)
	defer c.Close()
	err = c.Session("1001", testGUID, "").SetIdle(ctxT(t))
	te := transportErr(t, err, TransportUnreachable)
	if te.Op != OpSayFree || te.AgentID != "1001" || te.StatusCode != 0 {
		t.Errorf("error fields: %+v", te)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a refused connection looks like a cancellation: %v", err)
	}
}

func TestOwnTimeouts(t *testing.T) {
	g := newFakeGateway(t, blockUntilGone(nil))
	t.Run("command uses RequestTimeout", func(t *testing.T) {
		c := g.client(t, func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond; cfg.PollTimeout = time.Hour })
		err := c.Session("1001", testGUID, "").SetIdle(ctxT(t))
		transportErr(t, err, TransportTimeout)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("our own timeout must not look like the caller's: %v", err)
		}
		if !strings.Contains(err.Error(), "50ms") {
			t.Errorf("message should name the limit: %v", err)
		}
	})
	t.Run("poll uses PollTimeout", func(t *testing.T) {
		c := g.client(t, func(cfg *Config) { cfg.RequestTimeout = time.Hour; cfg.PollTimeout = 60 * time.Millisecond })
		_, err := c.Session("1001", testGUID, "").Poll(ctxT(t))
		transportErr(t, err, TransportTimeout)
		if !strings.Contains(err.Error(), "60ms") {
			t.Errorf("message should name the poll limit: %v", err)
		}
	})
}

func TestCallerCancellation(t *testing.T) {
	arrived := make(chan struct{}, 1)
	g := newFakeGateway(t, blockUntilGone(arrived))
	c := g.client(t)
	s := c.Session("1001", testGUID, "")

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := s.Poll(ctx)
	transportErr(t, err, TransportCanceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	go func() { <-arrived }()
	_, err = s.CallInnerSkill(ctx, 3)
	transportErr(t, err, TransportCanceled)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false: %v", err)
	}

	// Already canceled before the call.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = s.SetIdle(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("pre-canceled context: %v", err)
	}
}

func TestHTTPStatus(t *testing.T) {
	t.Run("500 with HTML", func(t *testing.T) {
		g := newFakeGateway(t, reply(500, "<html>Internal Server Error</html>"))
		err := g.client(t).Session("1001", testGUID, "").SetIdle(ctxT(t))
		te := transportErr(t, err, TransportHTTPStatus)
		var ge *Error
		if te.StatusCode != 500 || errors.As(err, &ge) {
			t.Errorf("status %d, inner %v", te.StatusCode, te.Err)
		}
		if !strings.Contains(err.Error(), "500 Internal Server Error") {
			t.Errorf("message: %v", err)
		}
	})
	t.Run("401 carrying a gateway envelope", func(t *testing.T) {
		g := newFakeGateway(t, reply(401, `{"message":"no right to invite resouce","retcode":"000-003"}`))
		_, err := g.client(t).Session("1001", testGUID, "").Poll(ctxT(t))
		te := transportErr(t, err, TransportHTTPStatus)
		if te.StatusCode != 401 || !IsGUIDInvalid(err) {
			t.Errorf("want 401 wrapping 000-003: %v", err)
		}
	})
	t.Run("204 is not success", func(t *testing.T) {
		g := newFakeGateway(t, reply(204, ""))
		transportErr(t, g.client(t).Session("1001", testGUID, "").SetIdle(ctxT(t)), TransportHTTPStatus)
	})
	t.Run("redirects are not followed", func(t *testing.T) {
		elsewhere := newFakeGateway(t, ok(okBody))
		g := newFakeGateway(t, reply(http.StatusFound, "", "Location", elsewhere.srv.URL+"/agentgateway/resource/onlineagent/1001/sayfree"))
		err := g.client(t).Session("1001", testGUID, "").SetIdle(ctxT(t))
		if te := transportErr(t, err, TransportHTTPStatus); te.StatusCode != http.StatusFound {
			t.Errorf("status %d", te.StatusCode)
		}
		if n := len(elsewhere.requests()); n != 0 {
			t.Errorf("the GUID was carried to the redirect target (%d requests)", n)
		}
	})
}

func TestBadResponse(t *testing.T) {
	for _, body := range []string{"", "not json", "<html/>", `{"message":"x"}`, `"0"`, `{"retcode":"0"`} {
		g := newFakeGateway(t, ok(body))
		err := g.client(t).Session("1001", testGUID, "").SetIdle(ctxT(t))
		te := transportErr(t, err, TransportBadResponse)
		if te.StatusCode != 200 {
			t.Errorf("%q: status %d", body, te.StatusCode)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 64
	fits := `{"message":"` + strings.Repeat("a", limit-28) + `","retcode":"0"}`
	if len(fits) != limit {
		t.Fatalf("fixture is %d bytes", len(fits))
	}
	big := `{"message":"` + strings.Repeat("a", limit-27) + `","retcode":"0"}`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
	}{
		{"exactly the limit", ok(fits), false},
		{"one byte over, with Content-Length", ok(big), true},
		{"over, chunked", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(big[:10]))
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(big[10:]))
		}, true},
		{"huge", ok(`{"retcode":"0","message":"` + strings.Repeat("x", 1<<20) + `"}`), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakeGateway(t, tc.handler)
			c := g.client(t, func(cfg *Config) { cfg.MaxBodyBytes = limit })
			err := c.Session("1001", testGUID, "").SetIdle(ctxT(t))
			if !tc.wantErr {
				must(t, err)
				return
			}
			transportErr(t, err, TransportTooLarge)
		})
	}
}

// TestTruncatedBody: the connection dies in the middle of the body.
func TestTruncatedBody(t *testing.T) {
	g := newFakeGateway(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"retcode\":")
		_ = buf.Flush()
	})
	err := g.client(t).Session("1001", testGUID, "").SetIdle(ctxT(t))
	te := transportErr(t, err, TransportConnectionLost)
	if te.StatusCode != 200 {
		t.Errorf("status %d", te.StatusCode)
	}
}

// TestGarbageResponse: the peer does not speak HTTP at all.
func TestGarbageResponse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = bufio.NewReader(conn).ReadString('\n')
		_, _ = conn.Write([]byte("SSH-2.0-OpenSSH\r\n\r\n"))
	}()
	defer func() { ln.Close(); wg.Wait() }()
	c, err := New(Config{BaseURL: "http://" + ln.Addr().String()})
	must(t, err)
	defer c.Close()
	transportErr(t, c.Session("1001", testGUID, "").SetIdle(ctxT(t)), TransportConnectionLost)
}

func TestOnCall(t *testing.T) {
	var mu sync.Mutex
	var calls []CallInfo
	record := func(ci CallInfo) { mu.Lock(); calls = append(calls, ci); mu.Unlock() }
	var body string
	status := 200
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
		reply(status, body, "Set-GUID", "JSESSIONID="+testGUID)(w, r)
	})
	c := g.client(t, func(cfg *Config) { cfg.OnCall = record })
	ctx := ctxT(t)

	body = `{"message":"","retcode":"0","result":{}}`
	s, _, err := c.SignIn(ctx, "1001", SignInRequest{Password: "pw"})
	must(t, err)
	body = `{"message":"agent not login","retcode":"100-006"}`
	errRetcode := s.SetIdle(ctx)
	status, body = 502, "bad gateway"
	_, errStatus := s.Poll(ctx)
	errLocal := s.SetBusy(ctx, -1, false) // refused locally: no HTTP call, no report

	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 {
		t.Fatalf("%d OnCall reports, want 3: %+v", len(calls), calls)
	}
	want := []struct {
		op, retcode string
		err         error
	}{{OpLogin, "0", nil}, {OpSayFree, "100-006", errRetcode}, {OpGetAgentEvent, "", errStatus}}
	for i, w := range want {
		ci := calls[i]
		if ci.Op != w.op || ci.AgentID != "1001" || ci.Retcode != w.retcode || ci.Err != w.err || ci.Duration <= 0 {
			t.Errorf("report %d = %+v, want op %s retcode %q err %v", i, ci, w.op, w.retcode, w.err)
		}
	}
	if errLocal == nil {
		t.Error("negative reason accepted")
	}
}

// netTimeout is a network error that reports a timeout, like a dial or
// TLS-handshake timeout; Go's own such errors also match
// context.DeadlineExceeded, which must not leak through.
type netTimeout struct{}

func (netTimeout) Error() string        { return "dial tcp 10.0.0.1:8043: i/o timeout" }
func (netTimeout) Timeout() bool        { return true }
func (netTimeout) Temporary() bool      { return true }
func (netTimeout) Is(target error) bool { return target == context.DeadlineExceeded }

func TestNetworkTimeoutIsOurs(t *testing.T) {
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, netTimeout{} })}
	c, err := New(Config{BaseURL: "https://gateway.test:8043", HTTPClient: hc})
	must(t, err)
	err = c.Session("1001", testGUID, "").SetIdle(ctxT(t))
	transportErr(t, err, TransportTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a network timeout must not look like the caller's deadline: %v", err)
	}
	if !strings.Contains(err.Error(), "i/o timeout") {
		t.Errorf("cause lost: %v", err)
	}
}

var _ net.Error = netTimeout{}
