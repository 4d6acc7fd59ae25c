package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

// childEnv switches the test binary into one of the processes the bench starts, so the smoke
// test exercises the child-process plumbing without a 15-30 s build of cmd/ccgw-bridge.
const childEnv = "BENCH_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "sim", "pollers":
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	case "bridge":
		os.Exit(bridgeMain(os.Args[1:]))
	}
	logf = func(string, ...any) {} // keep test output to failures
	goleak.VerifyTestMain(m)
}

// bridgeMain is what cmd/ccgw-bridge's main does with a configuration, for the self-exec child.
func bridgeMain(args []string) int {
	var cfg app.Config
	if err := cfg.Parse("ccgw-bridge", args, func(string) (string, bool) { return "", false }); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := app.Run(ctx, cfg, app.NewLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat)); err != nil {
		return 1
	}
	return 0
}

// tiny are options that run every scenario in a second or two.
func tiny(t *testing.T, extra ...string) *options {
	t.Helper()
	args := append([]string{
		"-concurrency=1,4", "-rounds=1", "-warmup=50ms", "-duration=150ms",
		"-events=20", "-event-interval=2ms", "-fanout-subs=5", "-fanout-events=5", "-fanout-interval=5ms",
		"-scale-agents=3,6", "-idle-window=200ms", "-settle=50ms", "-signin-concurrency=2", "-timeout=60s", "-gateway-wait=1s",
	}, extra...)
	o, err := parseOptions(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// selfExec makes the bench start this test binary as its simulator and bridge processes.
func selfExec(t *testing.T, o *options) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	o.bridgeBin = exe
	o.bridgeEnv = []string{childEnv + "=bridge"}
	o.simEnv = []string{childEnv + "=sim"} // the run subcommand picks sim or pollers from the arguments
}

func TestEveryScenarioWithTinySizes(t *testing.T) {
	for _, mode := range []string{"child", "inproc"} {
		t.Run(mode, func(t *testing.T) {
			o := tiny(t, "-bridge="+mode)
			selfExec(t, o)
			res, err := bench(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Commands) != 2*len(allPaths) {
				t.Errorf("got %d command measurements, want %d (2 concurrencies x %d paths)", len(res.Commands), 2*len(allPaths), len(allPaths))
			}
			for _, c := range res.Commands {
				if c.Ops == 0 || c.Lat.P50 <= 0 || c.Lat.P99 < c.Lat.P50 {
					t.Errorf("command %s c=%d: %+v", c.Path, c.Concurrency, c)
				}
			}
			ds := res.allDelivery()
			if len(ds) != 5 {
				t.Errorf("got %d delivery measurements, want 5", len(ds))
			}
			for _, d := range ds {
				if d.Received != d.Sent*d.Subs {
					t.Errorf("delivery %s %s: %d of %d receipts", d.Case, d.Path, d.Received, d.Sent*d.Subs)
				}
			}
			if len(res.Scale) != 1 {
				t.Fatalf("got %d scale results, want 1", len(res.Scale))
			}
			if s := res.Scale[0]; len(s.Levels) != 2 || s.Levels[1].Stats.Pollers < 6 || s.InProcess != (mode == "inproc") ||
				s.Floor == nil || s.Floor.Agents != 6 || s.Floor.Stats.RSS <= 0 {
				t.Errorf("scale result %+v", s)
			}
			md := res.markdown()
			for _, want := range []string{"### Targets", "### Command round trips", "### Event delivery", "### Scale", "| grpc | 4 |", "1 subscriber, 6 agents", "(floor)"} {
				if !strings.Contains(md, want) {
					t.Errorf("report lacks %q:\n%s", want, md)
				}
			}
		})
	}
}

// TestStoresAreComparedInOneRun runs every scenario on all three stores (a 3-node NATS cluster
// the bench starts itself) and checks that each store got its own measurements and the report
// compares them.
func TestStoresAreComparedInOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nats-server and runs a 3-process cluster")
	}
	o := tiny(t, "-stores="+strings.Join(allStores, ","), "-timeout=3m")
	selfExec(t, o)
	res, err := bench(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, store := range allStores[1:] {
		for _, c := range o.concurrency {
			if r, ok := res.command("grpc@"+store, c); !ok || r.Ops == 0 {
				t.Errorf("no grpc@%s measurement at concurrency %d", store, c)
			}
		}
	}
	for _, store := range allStores {
		n := 0
		for _, d := range res.allDelivery() {
			if d.Store != store {
				continue
			}
			n++
			if d.Received != d.Sent*d.Subs {
				t.Errorf("%s delivery %s %s: %d of %d receipts", store, d.Case, d.Path, d.Received, d.Sent*d.Subs)
			}
		}
		if n != 5 {
			t.Errorf("%s store: %d delivery measurements, want 5", store, n)
		}
		s := res.scale(store)
		if s == nil || len(s.Levels) != 2 || s.Levels[1].Stats.Pollers < 6 {
			t.Errorf("%s store: scale %+v", store, s)
			continue
		}
		if wantNATS := store == storeCluster; (len(s.natsPIDs) == 3) != wantNATS || (s.Levels[1].NATS.RSS > 0) != wantNATS {
			t.Errorf("%s store: NATS processes %v, RSS %v", store, s.natsPIDs, s.Levels[1].NATS.RSS)
		}
	}
	if res.Scale[0].Floor == nil || res.Scale[1].Floor != nil {
		t.Error("the floor is measured once, with the first store")
	}
	md := res.markdown()
	for _, want := range []string{"### Cost of the store (each against memory", "| Figure | memory | embedded | cluster |",
		"| grpc@cluster | 4 |", "Command p50, cluster / memory store, concurrency 1", "1 subscriber, embedded store", "bridge + NATS cluster"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestRunWritesTheReportAndRejectsBadFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results.md")
	var stdout strings.Builder
	args := append(tiny(t).args, "-scenarios=events", "-bridge=inproc", "-out="+out)
	if code := run(args, &stdout, io.Discard); code != 0 {
		t.Fatalf("run exited %d", code)
	}
	file, err := os.ReadFile(out)
	if err != nil || string(file) != stdout.String() || !strings.Contains(stdout.String(), "bridge gRPC stream") {
		t.Fatalf("file %q (%v) vs stdout %q", file, err, stdout.String())
	}
	for _, bad := range [][]string{
		{"-scenarios=nope"}, {"-concurrency=0"}, {"-scale-agents=10,5"}, {"-bridge=elsewhere"},
		{"-memprofile=x"}, {"-duration=0s"}, {"extra"}, {"-stores=memory,disk"}, {"-stores=memory,memory"}, {"-concurrency=10000"},
	} {
		if code := run(bad, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	l := summarize(d[50:], d[:50])
	if l.N != 100 || l.P50 != 50*time.Millisecond || l.P99 != 99*time.Millisecond || l.Max != 100*time.Millisecond {
		t.Fatalf("%+v", l)
	}
	if one := summarize([]time.Duration{7}); one.P50 != 7 || one.P99 != 7 {
		t.Fatalf("%+v", one)
	}
	if (summarize() != latency{}) {
		t.Fatal("empty input must give the zero summary")
	}
}

func TestTargetsSayByHowMuchTheyAreMissed(t *testing.T) {
	r := &results{Opts: &options{}, Commands: []cmdResult{
		{Path: "direct", Concurrency: 1, Ops: 100, Elapsed: time.Second, Lat: latency{P50: 100 * time.Microsecond}},
		{Path: "grpc", Concurrency: 1, Ops: 50, Elapsed: time.Second, Lat: latency{P50: 200 * time.Microsecond}},
		{Path: "direct", Concurrency: 64, Ops: 1000, Elapsed: time.Second},
		{Path: "grpc", Concurrency: 64, Ops: 700, Elapsed: time.Second},
	}}
	ts := r.targets()
	if len(ts) != 2 || !strings.Contains(ts[0].Status, "missed") || !strings.Contains(ts[0].Status, "0.50") || ts[1].Status != "met" {
		t.Fatalf("%+v", ts)
	}
}
