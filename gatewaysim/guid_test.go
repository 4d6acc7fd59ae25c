package gatewaysim_test

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// TestGUIDRotationManyIntervals follows a well-behaved client that polls
// every 10 s for 20 minutes of gateway time: it adopts every Set-GUID; each
// GUID is rotated once it is 60 s old and its predecessor dies 120 s after
// it was issued.
func TestGUIDRotationManyIntervals(t *testing.T) {
	h := newHarness(t, nil)
	cur := h.signIn("1001")
	h.events("1001", cur)
	issued := map[string]time.Time{cur: h.clock.Now()}
	var retired []string
	rotations := 0
	for step := 0; step < 120; step++ {
		h.clock.Advance(10 * time.Second)
		if err := h.sim.PushEvent("1001", "Tick", nil); err != nil {
			t.Fatal(err)
		}
		r := h.do("GET", gw+"agentevent/1001", cur, "")
		if r.env.Retcode != "0" || r.env.Event == nil {
			t.Fatalf("step %d: %s", step, r.raw)
		}
		age := h.clock.Now().Sub(issued[cur])
		next := guidFrom(r.header)
		if (next != "") != (age >= 60*time.Second) {
			t.Fatalf("step %d: GUID age %v, Set-GUID %q", step, age, next)
		}
		if next != "" {
			if !guidPattern.MatchString(next) || issued[next] != (time.Time{}) {
				t.Fatalf("step %d: bad or reused GUID %q", step, next)
			}
			retired = append(retired, cur)
			issued[next] = h.clock.Now()
			cur = next
			rotations++
		}
		// Every retired GUID works until 120 s after issue, then is stale.
		for _, old := range retired {
			r := h.do("POST", gw+"onlineagent/1001/saybusy", old, "")
			alive := h.clock.Now().Before(issued[old].Add(120 * time.Second))
			if alive != (r.env.Retcode == "0") || !alive && r.env.Retcode != "000-003" {
				t.Fatalf("step %d: GUID issued %v ago answered %s", step, h.clock.Now().Sub(issued[old]), r.env.Retcode)
			}
		}
		h.events("1001", cur) // drain SetNotReady events
	}
	if rotations != 20 {
		t.Fatalf("rotations %d, want 20", rotations)
	}
}

func TestStaticModeNeverRotates(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) { c.AuthMode = 1; c.HeartbeatTimeout = time.Hour })
	g := h.signIn("1001")
	for i := 0; i < 30; i++ {
		h.clock.Advance(time.Minute)
		_ = h.sim.PushEvent("1001", "Tick", nil)
		r := h.do("GET", gw+"agentevent/1001", g, "")
		if r.env.Retcode != "0" || r.header.Get("Set-GUID") != "" {
			t.Fatalf("minute %d: %s Set-GUID=%q", i, r.raw, r.header.Get("Set-GUID"))
		}
	}
	if err := h.sim.RotateGUID("1001"); err == nil {
		t.Fatal("RotateGUID in static mode succeeded")
	}
}

// A client that missed the response carrying a rotation still holds the
// old GUID; its next poll gets the current GUID again.
func TestSetGUIDRedeliveredToOldGUID(t *testing.T) {
	h := newHarness(t, nil)
	old := h.signIn("1001")
	h.events("1001", old)
	if err := h.sim.RotateGUID("1001"); err != nil {
		t.Fatal(err)
	}
	cur, err := h.sim.DebugGUID("1001")
	if err != nil || cur == old {
		t.Fatalf("rotate: %v", err)
	}
	_ = h.sim.PushEvent("1001", "Tick", nil)
	r := h.do("GET", gw+"agentevent/1001", old, "")
	if guidFrom(r.header) != cur {
		t.Fatal("poll with the replaced GUID did not carry the current GUID")
	}
	_ = h.sim.PushEvent("1001", "Tick", nil)
	if r := h.do("GET", gw+"agentevent/1001", cur, ""); r.header.Get("Set-GUID") != "" {
		t.Fatal("poll with the current GUID carried Set-GUID again")
	}
}

func TestExpiredGUIDOnPoll(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) {
		c.GUIDInterval = time.Second
		c.GUIDTimeout = 3 * time.Second
	})
	old := h.signIn("1001")
	h.clock.Advance(time.Second)
	r := h.do("GET", gw+"agentevent/1001", old, "")
	cur := guidFrom(r.header)
	if cur == "" {
		t.Fatalf("no rotation after the interval: %s", r.raw)
	}
	h.clock.Advance(2 * time.Second) // old issued 3 s ago: expired
	if r := h.do("GET", gw+"agentevent/1001", old, ""); r.env.Retcode != "000-003" {
		t.Fatalf("expired GUID poll: %s", r.raw)
	}
	if r := h.do("GET", gw+"agentevent/1001", cur, ""); r.env.Retcode != "0" {
		t.Fatalf("current GUID poll: %s", r.raw)
	}
}

func TestHeartbeatTimeout(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001")["1001"]
	// Polling every 100 s keeps the agent alive well past 120 s.
	for i := 0; i < 5; i++ {
		h.clock.Advance(100 * time.Second)
		_ = h.sim.PushEvent("1001", "Tick", nil)
		r := h.do("GET", gw+"agentevent/1001", g, "")
		if r.env.Retcode != "0" {
			t.Fatalf("poll %d: %s", i, r.raw)
		}
		if n := guidFrom(r.header); n != "" {
			g = n
		}
	}
	h.clock.Advance(119 * time.Second)
	if st, _ := h.sim.AgentState("1001"); !st.SignedIn {
		t.Fatal("signed out before the heartbeat timeout")
	}
	h.clock.Advance(time.Second)
	st, _ := h.sim.AgentState("1001")
	if st.SignedIn || st.QueuedEvents != 1 {
		t.Fatalf("after 120 s without a poll: %+v", st)
	}
	r := h.do("GET", gw+"agentevent/1001", g, "")
	if r.env.Event == nil || r.env.Event.EventType != "AgentOther_ShutdownService" {
		t.Fatalf("late poll: %s", r.raw)
	}
	if r := h.do("GET", gw+"agentevent/1001", g, ""); r.env.Retcode != "100-006" {
		t.Fatalf("after ShutdownService: %s", r.raw)
	}
	h.signIn("1001") // and it can sign in again
}

func TestParkedPollIsHeartbeat(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) { c.PollWait = 10 * time.Minute })
	g := h.signIn("1001")
	h.events("1001", g)
	done := make(chan wireResponse, 1)
	go func() { done <- h.do("GET", gw+"agentevent/1001", g, "") }()
	h.waitParked("1001")
	h.clock.Advance(5 * time.Minute)
	if st, _ := h.sim.AgentState("1001"); !st.SignedIn {
		t.Fatal("agent with a parked poll was timed out")
	}
	h.clock.Advance(5 * time.Minute)
	if r := <-done; r.env.Retcode != "0" {
		t.Fatalf("poll %s", r.raw)
	}
}
