package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the command in-process on a random port and returns its
// address and a stop function that waits for a clean exit.
func start(t *testing.T, args ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), logs, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("run: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server never became ready")
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
	}
	t.Cleanup(stop)
	return addr, logs, stop
}

func TestHTTPSWithGeneratedCA(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	addr, logs, stop := start(t, "-ca-out", caFile, "-tls-names", "sim.test,10.9.9.9", "-log-level", "debug")
	c, err := gatewayclient.New(gatewayclient.Config{BaseURL: "https://" + addr, TLS: gatewayclient.TLSConfig{CAFile: caFile}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, res, err := c.SignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"})
	if err != nil {
		t.Fatalf("sign in over HTTPS: %v", err)
	}
	if res.WorkNo != "1001" || s.GUID() == "" {
		t.Fatalf("result %+v", res)
	}
	ev, err := s.Poll(ctx)
	if err != nil || ev == nil || ev.Type != "AgentOther_InService" {
		t.Fatalf("poll: %v %v", ev, err)
	}
	// The certificate also names the extra SAN: verify with ServerName.
	c2, err := gatewayclient.New(gatewayclient.Config{BaseURL: "https://" + addr, TLS: gatewayclient.TLSConfig{CAFile: caFile, ServerName: "sim.test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, _, err := c2.SignIn(ctx, "1002", gatewayclient.SignInRequest{Password: "demo-1002", PhoneNumber: "71002"}); err != nil {
		t.Fatalf("sign in with ServerName sim.test: %v", err)
	}
	// A client that does not trust the CA is refused.
	c3, _ := gatewayclient.New(gatewayclient.Config{BaseURL: "https://" + addr})
	defer c3.Close()
	if _, _, err := c3.SignIn(ctx, "1003", gatewayclient.SignInRequest{Password: "demo-1003", PhoneNumber: "71003"}); err == nil {
		t.Fatal("untrusted certificate accepted")
	}
	stop()
	out := logs.String()
	if !strings.Contains(out, "ccgw-sim serving") || !strings.Contains(out, "op=login") {
		t.Fatalf("logs:\n%s", out)
	}
	if strings.Contains(out, s.GUID()) || strings.Contains(out, "demo-1001") {
		t.Fatal("logs contain a GUID or password")
	}
}

func TestShutdownReleasesParkedPoll(t *testing.T) {
	addr, _, stop := start(t, "-plain-http", "-poll-wait", "1h")
	c, err := gatewayclient.New(gatewayclient.Config{BaseURL: "http://" + addr, PollTimeout: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, _, err := c.SignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // drain InService, Ready
		if _, err := s.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	polled := make(chan error, 1)
	go func() {
		_, err := s.Poll(ctx)
		polled <- err
	}()
	// Wait until the poll is parked, as seen through the control API.
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/sim/v1/agents/1001")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		if strings.Contains(b.String(), `"pollParked":true`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("poll never parked")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop() // must not wait an hour for the poll
	if err := <-polled; err != nil {
		t.Fatalf("parked poll at shutdown: %v", err)
	}
}

func TestDirectoryFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"d.yaml": "queues:\n  - {id: 5, name: Sales}\nagents:\n  - id: 3001\n    password: pw\n    phone: \"73001\"\n    skills: [5]\n",
		"d.json": `{"queues":[{"id":5,"name":"Sales"}],"agents":[{"id":"3001","password":"pw","phone":"73001","skills":[5]}]}`,
	}
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			addr, _, _ := start(t, "-plain-http", "-directory", path, "-auth-mode", "1")
			c, _ := gatewayclient.New(gatewayclient.Config{BaseURL: "http://" + addr})
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, _, err := c.SignIn(ctx, "3001", gatewayclient.SignInRequest{Password: "pw", PhoneNumber: "73001"}); err != nil {
				t.Fatalf("directory agent: %v", err)
			}
			if _, _, err := c.SignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"}); !gatewayclient.IsCredentialsRejected(err) {
				t.Fatalf("demo agent still present: %v", err)
			}
		})
	}
}

func TestBadFlagsAndFiles(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	_ = os.WriteFile(typo, []byte("agentz: []\n"), 0o600)
	empty := filepath.Join(dir, "empty.yaml")
	_ = os.WriteFile(empty, []byte("queues: []\n"), 0o600)
	cases := [][]string{
		{"-auth-mode", "3"},
		{"-guid-interval", "3m"},
		{"-poll-wait", "0s"},
		{"-stale-guid-retcode", "999"},
		{"-tls-cert", "x.pem"},
		{"-plain-http", "-ca-out", "x.pem"},
		{"-log-level", "loud"},
		{"-directory", filepath.Join(dir, "missing.yaml")},
		{"-directory", typo},
		{"-directory", empty},
		{"-listen", "256.0.0.1:1"},
		{"extra"},
		{"-nosuchflag"},
	}
	for _, args := range cases {
		var out syncBuffer
		err := run(context.Background(), append([]string{"-listen", "127.0.0.1:0", "-plain-http"}, args...), &out, func(string) {
			t.Errorf("%v: server started", args)
		})
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if err := run(context.Background(), []string{"-h"}, &syncBuffer{}, nil); !errors.Is(err, flagErrHelp()) {
		t.Errorf("-h: %v", err)
	}
}

func flagErrHelp() error { return flag.ErrHelp }
