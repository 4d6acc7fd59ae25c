package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// pollersMain is `ccgw-bench pollers`: the smallest thing that keeps N agents signed in at a
// gateway without the bridge — one gatewayclient.Client, one long-poll loop per agent with the
// bridge's pause policy, nothing else. Its process figures are the floor the bridge's idle cost
// is compared with. It prints "STARTED" at once, "POLLING" once every agent is signed in (or
// "FAILED <reason>"), and runs until its standard input closes, SIGTERM or SIGINT.
func pollersMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccgw-bench pollers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("gateway-url", "", "simulator base URL")
	base := fs.Int("base", scaleAgentBase, "agents base+1 .. base+n")
	n := fs.Int("n", 1000, "agents")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fmt.Fprintln(stdout, "STARTED")
	ctx, stop := untilParentGoes()
	defer stop()
	gc, err := gatewayclient.New(gatewayclient.Config{BaseURL: *url})
	if err != nil {
		fmt.Fprintln(stdout, "FAILED", err)
		return 1
	}
	defer gc.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	var sessions []*gatewayclient.Session
	err = forEach(ctx, ids(*base, *n), 16, func(signInCtx context.Context, id string) error {
		ss, err := signInDirect(signInCtx, gc, []string{id})
		if err != nil {
			return err
		}
		mu.Lock()
		sessions = append(sessions, ss[0])
		mu.Unlock()
		wg.Go(func() { directPoller(ctx, ss[0], nil) }) // ctx: forEach's own ends when it returns
		return nil
	})
	if err != nil {
		fmt.Fprintln(stdout, "FAILED", err)
		stop()
		return 1
	}
	fmt.Fprintln(stdout, "POLLING", len(sessions))
	<-ctx.Done()
	return 0
}

func startPollersChild(env []string, gatewayURL string, base, n int) (*selfChild, error) {
	return startSelf(env, "pollers", "-gateway-url="+gatewayURL, "-base="+strconv.Itoa(base), "-n="+strconv.Itoa(n))
}

// cpuSample is the CPU time so far of the bench, the simulator, the bridge and the NATS
// cluster's processes (negative: not known, e.g. an in-process bridge, whose CPU is the
// bench's, or no NATS processes).
type cpuSample struct{ bench, sim, bridge, nats float64 }

func sampleCPU(simPID, bridgePID int, natsPIDs ...int) cpuSample {
	s := cpuSample{bench: selfCPU(), sim: -1, bridge: -1, nats: -1}
	if len(natsPIDs) > 0 {
		s.nats = procSum(natsPIDs).CPUSeconds
	}
	if p, err := procSample(simPID); simPID > 0 && err == nil {
		s.sim = p.CPUSeconds
	}
	if p, err := procSample(bridgePID); bridgePID > 0 && err == nil {
		s.bridge = p.CPUSeconds
	}
	return s
}

func (s cpuSample) since(b cpuSample) (bench, sim, bridge, nats float64) {
	d := func(now, then float64) float64 {
		if now < 0 || then < 0 {
			return -1
		}
		return now - then
	}
	return d(s.bench, b.bench), d(s.sim, b.sim), d(s.bridge, b.bridge), d(s.nats, b.nats)
}

func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// procSample reads a process's CPU time and resident set from /proc, as the Prometheus process
// collector does for the bridge.
func procSample(pid int) (procStats, error) {
	at := time.Now()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStats{}, err
	}
	// Fields after the command name (which is in parentheses and may hold spaces).
	i := strings.LastIndexByte(string(stat), ')')
	f := strings.Fields(string(stat)[i+1:])
	if len(f) < 22 {
		return procStats{}, errors.New("short /proc stat")
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	rssPages, _ := strconv.ParseFloat(f[21], 64)
	const ticks = 100 // USER_HZ on Linux
	return procStats{At: at, CPUSeconds: (utime + stime) / ticks, RSS: rssPages * float64(os.Getpagesize())}, nil
}
