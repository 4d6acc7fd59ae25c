package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	h, err := startSim(benchSimConfig(*callers, *idle))
	if err != nil {
		fmt.Fprintln(stderr, "ccgw-bench sim:", err)
		return 1
	}
	defer h.close()
	fmt.Fprintln(stdout, "SIM_URL="+h.url)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	return 0
}

// simChild is a `ccgw-bench sim` process.
type simChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	url   string
}

// startSimChild runs the bench executable itself (or, in the smoke test, the test binary with
// the self-exec switch in env) as a simulator.
func startSimChild(ctx context.Context, env []string, callers, idle int) (*simChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "sim", "-callers="+strconv.Itoa(callers), "-idle="+strconv.Itoa(idle))
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stderr = os.Stderr
	dieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &simChild{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "SIM_URL="); ok {
				urls <- u
			}
		}
		_ = cmd.Wait()
		close(c.done)
	}()
	select {
	case c.url = <-urls:
		return c, nil
	case <-c.done:
		return nil, errors.New("the simulator process exited before serving")
	case <-ctx.Done():
		c.close()
		return nil, ctx.Err()
	case <-time.After(30 * time.Second):
		c.close()
		return nil, errors.New("the simulator process did not serve within 30 s")
	}
}

func (c *simChild) pid() int { return c.cmd.Process.Pid }

// close ends the child by closing its standard input, and kills it if it lingers.
func (c *simChild) close() {
	_ = c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
