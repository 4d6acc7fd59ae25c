package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// options are the bench's flags. The defaults reproduce BENCHMARKS.md.
type options struct {
	scenarios   []string
	out         string
	bridge      string // child | inproc
	bridgeBin   string
	bridgeFlags []string
	keepLogs    bool
	timeout     time.Duration
	stores      []string // the first serves every command path; each other adds grpc@<store>
	gatewayWait time.Duration

	// commands
	paths            []string
	concurrency      []int
	rounds           int
	warmup, duration time.Duration
	maxOps           int

	// event delivery
	events         int
	eventInterval  time.Duration
	fanoutSubs     int
	fanoutEvents   int
	fanoutInterval time.Duration

	// scale
	scaleAgents []int
	idleWindow  time.Duration
	settle      time.Duration
	signInConc  int

	cpuProfile, memProfile, idleProfile string

	args      []string // as given, for the report
	bridgeEnv []string // extra environment of a child bridge (the smoke test's self-exec switch)
	simEnv    []string // likewise for the simulator process of the commands scenario
}

var (
	allScenarios = []string{"commands", "events", "scale"}
	allPaths     = []string{"direct", "grpc", "grpc-auth", "grpc-health", "rest"}
)

func parseOptions(args []string, stderr io.Writer) (*options, error) {
	o := &options{args: args}
	fs := flag.NewFlagSet("ccgw-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scen := fs.String("scenarios", strings.Join(allScenarios, ","), "scenarios to run, comma-separated: commands, events, scale")
	fs.StringVar(&o.out, "out", "", "also write the markdown results to this file (e.g. BENCHMARKS-results.md)")
	fs.StringVar(&o.bridge, "bridge", "child", "child: run the real ccgw-bridge binary in its own process; inproc: app.New inside the bench (for -cpuprofile/-memprofile of the bridge; process figures then include the bench)")
	fs.StringVar(&o.bridgeBin, "bridge-bin", "", "ccgw-bridge executable for -bridge=child (default: go build ./cmd/ccgw-bridge into a temporary directory)")
	extra := fs.String("bridge-flags", "", "extra ccgw-bridge flags, space-separated, appended to the bench's (experiments only: e.g. -log-level=warn)")
	fs.BoolVar(&o.keepLogs, "keep-logs", false, "keep the bridges' log files (their directory is printed)")
	fs.DurationVar(&o.timeout, "timeout", 0, "bound on the whole run; everything is stopped when it passes (default 5m per store)")
	fs.DurationVar(&o.gatewayWait, "gateway-wait", gatewaysim.DefaultPollWait, "the simulator's long-poll wait (the gateway's is 10 s; a bridge's graceful stop waits up to this long for its polls, so the smoke test shortens it)")
	storeList := fs.String("stores", storeMemory, "where the bridges keep their state, comma-separated: memory, embedded (-data-dir), cluster (a 3-node NATS cluster the bench starts); events and scale run once per store, commands add the path grpc@<store> for each store after the first")

	paths := fs.String("paths", strings.Join(allPaths, ","), "command paths to measure: direct, grpc, grpc-auth (gRPC with a bearer JWT and a policy, on a second bridge), grpc-health, rest")
	conc := fs.String("concurrency", "1,64", "closed-loop concurrencies of the command round trips")
	fs.IntVar(&o.rounds, "rounds", 3, "windows per command measurement; the paths take turns window by window")
	fs.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unrecorded warm-up before each command window")
	fs.DurationVar(&o.duration, "duration", 6*time.Second, "measured time of each command measurement, over all its windows")
	fs.IntVar(&o.maxOps, "max-ops", 1_000_000, "cap on measured commands per measurement window (each of -rounds)")

	fs.IntVar(&o.events, "events", 1000, "probe events per single-subscriber delivery measurement")
	fs.DurationVar(&o.eventInterval, "event-interval", 5*time.Millisecond, "gap between probe events with one subscriber")
	fs.IntVar(&o.fanoutSubs, "fanout-subs", 1000, "subscribers on one agent in the fan-out measurement")
	fs.IntVar(&o.fanoutEvents, "fanout-events", 100, "probe events in the fan-out measurement")
	fs.DurationVar(&o.fanoutInterval, "fanout-interval", 100*time.Millisecond, "gap between probe events in the fan-out measurement")

	agents := fs.String("scale-agents", "1000,10000", "signed-in agent counts of the scale scenario, ascending")
	fs.DurationVar(&o.idleWindow, "idle-window", 20*time.Second, "window over which idle CPU is measured at each scale level")
	fs.DurationVar(&o.settle, "settle", 3*time.Second, "pause before each scale measurement (after start, after sign-in)")
	fs.IntVar(&o.signInConc, "signin-concurrency", 16, "sign-ins in flight in the scale scenario")

	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the bench process (with -bridge=inproc it includes the bridge)")
	fs.StringVar(&o.memProfile, "memprofile", "", "with -bridge=inproc: write a heap profile at the largest scale level")
	fs.StringVar(&o.idleProfile, "idle-cpuprofile", "", "with -bridge=inproc: write a CPU profile of the idle window at the largest scale level only")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var errs []error
	var err error
	o.bridgeFlags = strings.Fields(*extra)
	if o.scenarios, err = parseList("scenarios", *scen, allScenarios); err != nil {
		errs = append(errs, err)
	}
	if o.paths, err = parseList("paths", *paths, allPaths); err != nil {
		errs = append(errs, err)
	}
	if o.stores, err = parseList("stores", *storeList, allStores); err != nil {
		errs = append(errs, err)
	} else if len(o.stores) != len(uniqStrings(o.stores)) {
		errs = append(errs, errors.New("-stores names a store twice"))
	}
	if o.timeout == 0 {
		o.timeout = time.Duration(max(1, len(o.stores))) * 5 * time.Minute
	}
	if o.concurrency, err = parseInts("concurrency", *conc); err != nil {
		errs = append(errs, err)
	} else if slices.Max(o.concurrency) >= storeStride {
		errs = append(errs, fmt.Errorf("-concurrency must stay below %d (the agents of one store's bridge)", storeStride))
	}
	if o.scaleAgents, err = parseInts("scale-agents", *agents); err != nil {
		errs = append(errs, err)
	} else if !slices.IsSorted(o.scaleAgents) {
		errs = append(errs, errors.New("-scale-agents must be ascending"))
	}
	if o.bridge != "child" && o.bridge != "inproc" {
		errs = append(errs, fmt.Errorf("-bridge must be child or inproc, got %q", o.bridge))
	}
	if (o.memProfile != "" || o.idleProfile != "") && o.bridge != "inproc" {
		errs = append(errs, errors.New("-memprofile and -idle-cpuprofile need -bridge=inproc (a child bridge's profile is not the bench's)"))
	}
	if o.cpuProfile != "" && o.idleProfile != "" {
		errs = append(errs, errors.New("-cpuprofile and -idle-cpuprofile cannot both be given (one CPU profile at a time)"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"timeout", o.timeout}, {"duration", o.duration}, {"event-interval", o.eventInterval},
		{"fanout-interval", o.fanoutInterval}, {"idle-window", o.idleWindow}, {"gateway-wait", o.gatewayWait},
	} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("-%s must be positive, got %v", d.name, d.v))
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{
		{"max-ops", o.maxOps}, {"rounds", o.rounds}, {"events", o.events}, {"fanout-subs", o.fanoutSubs},
		{"fanout-events", o.fanoutEvents}, {"signin-concurrency", o.signInConc},
	} {
		if n.v < 1 {
			errs = append(errs, fmt.Errorf("-%s must be at least 1, got %d", n.name, n.v))
		}
	}
	if o.warmup < 0 || o.settle < 0 {
		errs = append(errs, errors.New("-warmup and -settle must not be negative"))
	}
	return o, errors.Join(errs...)
}

func (o *options) has(scenario string) bool { return slices.Contains(o.scenarios, scenario) }

func uniqStrings(s []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(s)))
}

// parseList reads a comma-separated selection from known.
func parseList(flagName, s string, known []string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("-%s: unknown name %q (want %s)", flagName, name, strings.Join(known, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// parseInts reads a comma-separated list of positive integers (underscores allowed: 10_000).
func parseInts(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(f), "_", ""))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-%s: %q is not a positive integer", flagName, f)
		}
		out = append(out, n)
	}
	return out, nil
}
