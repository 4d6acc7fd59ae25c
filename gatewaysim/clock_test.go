package gatewaysim_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func TestFakeClock(t *testing.T) {
	c := gatewaysim.NewFakeClock(epoch)
	var fired []string
	c.AfterFunc(3*time.Second, func() { fired = append(fired, "3s") })
	stopped := c.AfterFunc(2*time.Second, func() { fired = append(fired, "stopped") })
	c.AfterFunc(time.Second, func() {
		fired = append(fired, "1s")
		// A timer created by a callback fires within the same Advance when due.
		c.AfterFunc(time.Second, func() { fired = append(fired, "1s+1s at "+c.Now().Sub(epoch).String()) })
	})
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should report true once")
	}
	if c.Pending() != 2 {
		t.Fatalf("pending %d", c.Pending())
	}
	c.Advance(2500 * time.Millisecond)
	if !slices.Equal(fired, []string{"1s", "1s+1s at 2s"}) || c.Now() != epoch.Add(2500*time.Millisecond) {
		t.Fatalf("fired %v at %v", fired, c.Now())
	}
	c.Advance(time.Second)
	if !slices.Equal(fired, []string{"1s", "1s+1s at 2s", "3s"}) || c.Pending() != 0 {
		t.Fatalf("fired %v", fired)
	}
}

func TestEventQueueBound(t *testing.T) {
	h := newHarness(t, func(c *gatewaysim.Config) { c.MaxQueuedEvents = 3 })
	g := h.signIn("1001") // InService, Ready
	for _, ty := range []string{"A", "B", "C"} {
		_ = h.sim.PushEvent("1001", ty, nil)
	}
	st, _ := h.sim.AgentState("1001")
	if st.QueuedEvents != 3 || st.DroppedEvents != 2 {
		t.Fatalf("state %+v", st)
	}
	if got := eventTypes(h.events("1001", g)); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Fatalf("kept %v, want the newest three", got)
	}
}

func TestCloseReleasesParkedPollAndIsIdempotent(t *testing.T) {
	h := newHarness(t, nil)
	g := h.signIn("1001")
	h.events("1001", g)
	done := make(chan wireResponse, 1)
	go func() { done <- h.do("GET", gw+"agentevent/1001", g, "") }()
	h.waitParked("1001")
	h.sim.Close()
	h.sim.Close()
	if r := <-done; r.raw != `{"message":"","retcode":"0"}` {
		t.Fatalf("poll at close: %s", r.raw)
	}
}
