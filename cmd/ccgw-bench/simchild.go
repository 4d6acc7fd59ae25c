package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// simMain is `ccgw-bench sim`: the bench's simulator directory served in a process of its own,
// so that a client talking to it directly crosses a process boundary just as a client of the
// bridge does. It prints "SIM_URL=<url>" once serving and runs until its standard input closes
// (the parent went away), SIGTERM or SIGINT.
func simMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ccgw-bench sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	callers := fs.Int("callers", 64, "calling agents per path")
	idle := fs.Int("idle", 0, "idle agents")
	stores := fs.Int("stores", 1, "bridges on different stores, each with callers of its own")
	wait := fs.Duration("poll-wait", gatewaysim.DefaultPollWait, "how long the simulator holds an event poll with nothing to answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	h, err := startSim(benchSimConfig(*callers, *idle, *stores, *wait))
	if err != nil {
		fmt.Fprintln(stderr, "ccgw-bench sim:", err)
		return 1
	}
	defer h.close()
	fmt.Fprintln(stdout, "SIM_URL="+h.url)
	ctx, stop := untilParentGoes()
	defer stop()
	<-ctx.Done()
	return 0
}

var errChildNoURL = errors.New("the simulator process printed no URL")

// simChild is a `ccgw-bench sim` process and the URL it serves.
type simChild struct {
	*selfChild
	url string
}

// startSimChild runs the bench executable itself as a simulator.
func startSimChild(ctx context.Context, env []string, callers, idle, stores int, wait time.Duration) (*simChild, error) {
	c, err := startSelf(env, "sim", "-callers="+strconv.Itoa(callers), "-idle="+strconv.Itoa(idle), "-stores="+strconv.Itoa(stores), "-poll-wait="+wait.String())
	if err != nil {
		return nil, err
	}
	url, err := c.await(ctx, "SIM_URL=", 30*time.Second)
	if err == nil && url == "" {
		err = errChildNoURL
	}
	if err != nil {
		c.close(10 * time.Second)
		return nil, err
	}
	return &simChild{selfChild: c, url: url}, nil
}

func (c *simChild) close() { c.selfChild.close(10 * time.Second) }
