//go:build linux

package failover

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestDataDirRestart is the one-machine deployment: one ccgw-bridge process with an embedded
// JetStream server in -data-dir, restarted gracefully and then killed (-9) and restarted on
// the same directory, with a simulator and probes running throughout. The restarted bridge
// adopts the stored sessions (no new sign-in), a client resumes from its cursor with nothing
// lost or repeated, and a retried request_id returns the first result without a second call.
func TestDataDirRestart(t *testing.T) {
	if os.Getenv("CCGW_FAILOVER") == "" {
		t.Skip("runs real simulator and bridge processes: make failover (CCGW_FAILOVER=1)")
	}
	const n = 20
	bins := buildBinaries(t)
	simURL := startSim(t, bins["ccgw-sim"], n, gwHeartbeat)
	args := []string{
		"-grpc-listen", "127.0.0.1:0", "-http-listen", "127.0.0.1:0", "-gateway-url", simURL, "-insecure-no-auth",
		"-data-dir", filepath.Join(t.TempDir(), "state"), "-replica-id", "solo",
		"-password-verifier-key-file", writeKey(t), "-lease-ttl", leaseTTL.String(), "-takeover-interval", "500ms",
		"-heartbeat", "1s", "-shutdown-timeout", "5s", "-log-format", "json", "-log-level", "info",
	}
	f := &fleet{t: t, bin: bins["ccgw-bridge"]}
	b := f.add("solo", args)
	agents := make([]string, n)
	for i := range agents {
		agents[i] = agentID(i)
	}
	signInAll(t, f, agents)
	before := simAgents(t, simURL)
	first := callInnerSkill(t, b, agents[0], "remembered-across-restarts")
	if first.err != nil {
		t.Fatal(first.err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	cl := &streamClient{f: f, got: map[probeKey]int{}, recvAt: map[probeKey]time.Time{}}
	pr := &prober{simURL: simURL, agents: agents, next: map[string]int{}, pushedAt: map[probeKey]time.Time{}}
	wg.Add(2)
	go func() { defer wg.Done(); cl.run(ctx) }()
	go func() { defer wg.Done(); pr.run(ctx, time.Second) }()
	time.Sleep(3 * time.Second)

	var stops []time.Time
	for _, restart := range []struct {
		name string
		stop func()
	}{
		{"graceful restart", func() {
			if err := b.proc.stop(15 * time.Second); err != nil {
				t.Error(err)
			}
		}},
		// A closure, not the method value b.proc.kill: that would bind the first process,
		// long gone after the graceful restart, and leave the running one alive next to the
		// one started on the same directory.
		{"kill -9 and restart", func() { b.proc.kill() }},
	} {
		t0 := time.Now()
		stops = append(stops, t0)
		restart.stop()
		if !b.proc.exited() {
			t.Fatalf("%s: the bridge is still running; a second one on its directory would share its files", restart.name)
		}
		f.start(b)
		moved, took := waitTakeover(f, t0, n)
		t.Logf("DATADIR %s: %d of %d sessions adopted, the last %v after the stop", restart.name, moved, n, took.Round(time.Millisecond))
		if moved != n {
			t.Errorf("%s: %d of %d sessions adopted", restart.name, moved, n)
		}
		time.Sleep(3 * time.Second)
	}
	retry := callInnerSkill(t, b, agents[0], "remembered-across-restarts")
	if retry.err != nil || retry.callID != first.callID {
		t.Errorf("request_id after the restarts: %+v, want call %s", retry, first.callID)
	}
	if calls := callInnerSkillCalls(t, f); calls != 0 {
		t.Errorf("the restarted bridge made %d callInnerSkill calls for a remembered request_id", calls)
	}

	pr.pause(true)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && !allDelivered(pr, []*streamClient{cl}) {
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	graceful := &caseResult{name: "up to the kill -9", start: time.Time{}, end: stops[1]}
	killed := &caseResult{name: "from the kill -9", start: stops[1], end: time.Now().Add(time.Hour)}
	pushed := attribute(pr, []*streamClient{cl}, []*caseResult{graceful, killed})
	after := simAgents(t, simURL)
	relogged, signedOut := 0, 0
	for _, a := range agents {
		if after[a].LoginTimeMs != before[a].LoginTimeMs {
			relogged++
		}
		if !after[a].SignedIn {
			signedOut++
		}
	}
	t.Logf("DATADIR %d probes pushed; before the kill -9 (with a graceful restart): lost %d, duplicated %d; from the kill -9 on: lost %d, duplicated %d; gaps %d; gateway: signed in again %d, signed out %d; request_id remembered: %v",
		pushed, graceful.lost[0], graceful.dups[0], killed.lost[0], killed.dups[0], cl.gaps, relogged, signedOut, retry.callID == first.callID)
	if graceful.lost[0]+graceful.dups[0]+killed.lost[0]+killed.dups[0]+cl.gaps+relogged+signedOut != 0 {
		t.Error("want nothing lost or repeated across either restart, no gap, no new sign-in and no agent signed out")
	}
}
