package gatewayclient

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestParseSetGUID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"JSESSIONID=279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0", "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0"},
		{"JSESSIONID=0c0ffee0-1111-2222-3333-444455556666.AgentGateway1", "0c0ffee0-1111-2222-3333-444455556666.AgentGateway1"},
		{"279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0", "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0"},
		{"  JSESSIONID = abc.AgentGateway0  ", "abc.AgentGateway0"},
		{"jsessionid=abc", "abc"},
		{"JSESSIONID=abc; Path=/; Secure; HttpOnly", "abc"},
		{"Path=/; JSESSIONID=abc", "abc"},
		{"JSESSIONID=\"abc\"", "abc"},
		{"GUID=abc", "abc"},
		{"abc; Path=/", "abc"},
		{"JSESSIONID=; Path=/", ""},
		{"JSESSIONID=", ""},
		{"", ""},
		{"   ", ""},
		{";;;", ""},
		{"Path=/; HttpOnly", "HttpOnly"}, // a bare token is taken as the GUID
		{"Path=/", ""},
		{"JSESSIONID==", ""},
		{"JSESSIONID=-", ""},
		{"JSESSIONID=abc==", "abc=="},
		{"JSESSIONID=a b", ""},
		{"JSESSIONID=a\x00b", ""},
		{"JSESSIONID=ab\u00e9", ""},
		{"JSESSIONID=" + strings.Repeat("x", 257), ""},
		{"JSESSIONID=" + strings.Repeat("x", 256), strings.Repeat("x", 256)},
		{"JSESSIONID=bad value; GUID=good", "good"},
	}
	for _, tc := range cases {
		if got := ParseSetGUID(tc.in); got != tc.want {
			t.Errorf("ParseSetGUID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// rotatingGateway issues a new GUID on every poll (dynamic authentication at
// its most aggressive) and answers 000-003 to any request whose Guid it did
// not issue, or whose GUID has been superseded more than `grace` times.
type rotatingGateway struct {
	mu     sync.Mutex
	issued []string // in order; the last one is current
	grace  int
	seen   []string // Guid of every authenticated request
}

func (rg *rotatingGateway) issue() string {
	g := fmt.Sprintf("%08x-0000-4000-8000-000000000000.AgentGateway0", len(rg.issued))
	rg.issued = append(rg.issued, g)
	return g
}

func (rg *rotatingGateway) valid(g string) bool {
	for i := len(rg.issued) - 1; i >= 0 && i >= len(rg.issued)-1-rg.grace; i-- {
		if rg.issued[i] == g {
			return true
		}
	}
	return false
}

func (rg *rotatingGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rg.mu.Lock()
	defer rg.mu.Unlock()
	if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/onlineagent/1001") {
		w.Header().Set("Set-GUID", "JSESSIONID="+rg.issue())
		ok(`{"message":"","retcode":"0","result":{}}`)(w, r)
		return
	}
	g := r.Header.Get("Guid")
	rg.seen = append(rg.seen, g)
	if !rg.valid(g) {
		ok(`{"message":"no right to invite resouce","retcode":"000-003"}`)(w, r)
		return
	}
	if strings.Contains(r.URL.Path, "/agentevent/") {
		w.Header().Set("Set-GUID", "JSESSIONID="+rg.issue())
	}
	ok(`{"message":"","retcode":"0"}`)(w, r)
}

func (rg *rotatingGateway) current() string {
	rg.mu.Lock()
	defer rg.mu.Unlock()
	return rg.issued[len(rg.issued)-1]
}

func TestGUIDRotationSequential(t *testing.T) {
	rg := &rotatingGateway{grace: 0} // only the newest GUID is accepted
	g := newFakeGateway(t, rg.ServeHTTP)
	c := g.client(t)
	ctx := ctxT(t)
	s, _, err := c.SignIn(ctx, "1001", SignInRequest{})
	must(t, err)
	for i := 0; i < 5; i++ {
		_, err := s.Poll(ctx)
		must(t, err)
		if s.GUID() != rg.current() {
			t.Fatalf("after poll %d the session holds %q, gateway issued %q", i, s.GUID(), rg.current())
		}
		must(t, s.SetIdle(ctx)) // fails with 000-003 unless the rotated GUID is sent
	}
}

// TestGUIDAdoptedFromAnyResponse: a Set-GUID on a command answer (even a
// failed one or an HTTP error) is adopted too; an unusable one is ignored.
func TestGUIDAdoptedFromAnyResponse(t *testing.T) {
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		wantGUID  string
		wantError bool
	}{
		{"command success", ok(okBody, "Set-GUID", "JSESSIONID=new-1.AgentGateway1"), "new-1.AgentGateway1", false},
		{"retcode failure", ok(`{"retcode":"100-007"}`, "Set-GUID", "JSESSIONID=new-2"), "new-2", true},
		{"HTTP error", reply(503, "", "Set-GUID", "JSESSIONID=new-3"), "new-3", true},
		{"empty Set-GUID ignored", ok(okBody, "Set-GUID", "JSESSIONID="), testGUID, false},
		{"garbage Set-GUID ignored", ok(okBody, "Set-GUID", "JSESSIONID=a b c"), testGUID, false},
		{"last of several wins", ok(okBody, "Set-GUID", "JSESSIONID=first", "Set-GUID", "JSESSIONID=second"), "second", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakeGateway(t, tc.handler)
			s := g.client(t).Session("1001", testGUID, "")
			err := s.SetIdle(ctxT(t))
			if (err != nil) != tc.wantError {
				t.Fatalf("err = %v", err)
			}
			if s.GUID() != tc.wantGUID {
				t.Errorf("GUID = %q, want %q", s.GUID(), tc.wantGUID)
			}
		})
	}
}

// TestPollAndCommandInFlight: a command completes while a long poll on the
// same session is held open; the poll then rotates the GUID and the next
// command carries the new one.
func TestPollAndCommandInFlight(t *testing.T) {
	commandDone := make(chan struct{})
	var once sync.Once
	g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/agentevent/") {
			select {
			case <-commandDone:
			case <-r.Context().Done():
				return
			}
			ok(`{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001","content":null}}`,
				"Set-GUID", "JSESSIONID=rotated.AgentGateway0")(w, r)
			return
		}
		ok(okBody)(w, r)
		once.Do(func() { close(commandDone) })
	})
	s := g.client(t).Session("1001", testGUID, "c=1")
	ctx := ctxT(t)
	pollErr := make(chan error, 1)
	go func() {
		ev, err := s.Poll(ctx)
		if err == nil && (ev == nil || ev.Type != "AgentState_Ready") {
			err = fmt.Errorf("unexpected event %+v", ev)
		}
		pollErr <- err
	}()
	must(t, s.SetBusy(ctx, 0, false)) // runs while the poll is parked
	must(t, <-pollErr)
	must(t, s.SetIdle(ctx))
	rs := g.requests()
	last := rs[len(rs)-1]
	if got := last.Header.Get("Guid"); got != "rotated.AgentGateway0" {
		t.Errorf("command after rotation sent Guid %q", got)
	}
	if got := last.Header.Get("Cookie"); got != "c=1" {
		t.Errorf("cookie lost: %q", got)
	}
}

// TestConcurrentPollAndCommands hammers one session with a poller and
// several command senders (run with -race). Every request must carry a GUID
// the gateway issued, and the session must end on the newest one.
func TestConcurrentPollAndCommands(t *testing.T) {
	rg := &rotatingGateway{grace: 1 << 20} // accept any issued GUID; order is checked below
	g := newFakeGateway(t, rg.ServeHTTP)
	c := g.client(t)
	ctx := ctxT(t)
	s, _, err := c.SignIn(ctx, "1001", SignInRequest{})
	must(t, err)

	const polls, senders, commands = 40, 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, senders*commands+polls)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < polls; i++ {
			if _, err := s.Poll(ctx); err != nil {
				errs <- err
			}
		}
	}()
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < commands; j++ {
				if err := s.SetIdle(ctx); err != nil {
					errs <- err
				}
				_ = s.GUID()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s.GUID() != rg.current() {
		t.Errorf("session ended on %q, gateway's newest is %q", s.GUID(), rg.current())
	}
	rg.mu.Lock()
	defer rg.mu.Unlock()
	if len(rg.seen) != polls+senders*commands {
		t.Errorf("%d authenticated requests, want %d", len(rg.seen), polls+senders*commands)
	}
	for _, g := range rg.seen {
		if !rg.valid(g) {
			t.Errorf("request carried a GUID never issued: %q", g)
		}
	}
}

// TestGUIDNeverRegressesUnderOnePoller: with a single poller, the GUID a
// command sends is never older than the one the poller saw before it.
func TestGUIDNeverRegressesUnderOnePoller(t *testing.T) {
	rg := &rotatingGateway{grace: 0}
	g := newFakeGateway(t, rg.ServeHTTP)
	s, _, err := g.client(t).SignIn(ctxT(t), "1001", SignInRequest{})
	must(t, err)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	for i := 0; i < 20; i++ {
		_, err := s.Poll(ctx)
		must(t, err)
		// grace 0: only the newest GUID passes, so a stale send fails here.
		must(t, s.ResetSkills(ctx, false, []int64{1, 2}))
	}
}
