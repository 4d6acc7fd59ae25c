// Command ccgw-bench measures ccgw-bridge against talking to the CC-Gateway simulator
// directly, on this machine, in one bounded run:
//
//   - commands: round trips of the internal call to a skill queue, direct REST to the
//     simulator vs through the bridge over gRPC and over REST, closed loop at each -concurrency;
//   - events: delivery latency from the simulator emitting an event to a gRPC subscriber, with
//     one subscriber and with -fanout-subs on one agent, against a direct long poll;
//   - scale: the bridge process's RSS, heap, goroutines and idle CPU with -scale-agents
//     agents signed in and idle-polling, read from its /metrics, plus event delivery there.
//
// The simulator runs in the bench process (so sends and receipts share one monotonic clock);
// the commands scenario runs it in a process of its own (`ccgw-bench sim`) instead, so both of
// its paths cross process boundaries as in production. The bridge is the real cmd/ccgw-bridge
// binary in a child process, built by the bench unless -bridge-bin names one. Usage, from the
// repository root:
//
//	go run ./cmd/ccgw-bench -out BENCHMARKS-results.md
//
// It prints markdown tables on stdout and progress on stderr. -bridge=inproc runs the bridge
// inside the bench instead, so -cpuprofile and -memprofile capture the bridge's code.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "sim":
			return simMain(args[1:], stdout, stderr)
		case "pollers":
			return pollersMain(args[1:], stdout, stderr)
		}
	}
	o, err := parseOptions(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "ccgw-bench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := bench(ctx, o)
	if res != nil {
		md := res.markdown()
		fmt.Fprint(stdout, md)
		if o.out != "" {
			if werr := os.WriteFile(o.out, []byte(md), 0o644); werr != nil {
				fmt.Fprintln(stderr, "ccgw-bench:", werr)
				return 1
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "ccgw-bench:", err)
		return 1
	}
	return 0
}

// bench runs the chosen scenarios within o.timeout. It returns what was measured even when a
// later scenario fails.
func bench(ctx context.Context, o *options) (*results, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	res := &results{Machine: describeMachine(), Opts: o, Started: time.Now()}
	defer func() { res.Took = time.Since(res.Started) }()

	dir, err := os.MkdirTemp("", "ccgw-bench-")
	if err != nil {
		return nil, err
	}
	if o.keepLogs {
		logf("bridge logs in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	st, err := startStores(ctx, o, dir)
	if err != nil {
		return nil, err
	}
	defer st.close()
	launch := &bridgeLauncher{inproc: o.bridge == "inproc", flags: o.bridgeFlags, bin: o.bridgeBin, env: o.bridgeEnv, logDir: dir, stores: st}
	if !launch.inproc && launch.bin == "" {
		logf("building cmd/ccgw-bridge")
		if launch.bin, err = buildBridge(ctx, dir); err != nil {
			return nil, err
		}
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	if o.has("commands") {
		if res.Commands, err = runCommands(ctx, o, launch); err != nil {
			return res, fmt.Errorf("commands: %w", err)
		}
	}
	if o.has("events") {
		if res.Delivery, err = runEvents(ctx, o, launch); err != nil {
			return res, fmt.Errorf("events: %w", err)
		}
	}
	if o.has("scale") {
		if res.Scale, err = runScale(ctx, o, launch); err != nil {
			return res, fmt.Errorf("scale: %w", err)
		}
	}
	return res, nil
}
