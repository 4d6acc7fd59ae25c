package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// selfChild is the bench executable run again as a helper process (`ccgw-bench sim`,
// `ccgw-bench pollers`; in the smoke test, the test binary with the self-exec switch in env).
// The child reports on standard output, one line at a time, and ends when its standard input
// closes, so it cannot outlive a bench that goes away.
type selfChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
}

func startSelf(env []string, args ...string) (*selfChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
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
	c := &selfChild{cmd: cmd, stdin: stdin, lines: make(chan string, 8), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case c.lines <- sc.Text():
			default: // nobody is waiting for this line
			}
		}
		_ = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// await waits up to limit for a line starting with prefix and returns the rest of it. A line
// starting with FAILED, or the child exiting, is an error.
func (c *selfChild) await(ctx context.Context, prefix string, limit time.Duration) (string, error) {
	name := c.cmd.Args[1]
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		select {
		case l := <-c.lines:
			if rest, ok := strings.CutPrefix(l, prefix); ok {
				return rest, nil
			}
			if strings.HasPrefix(l, "FAILED") {
				return "", fmt.Errorf("ccgw-bench %s: %s", name, l)
			}
		case <-c.done:
			return "", fmt.Errorf("the ccgw-bench %s process exited before printing %s", name, prefix)
		case <-t.C:
			return "", fmt.Errorf("ccgw-bench %s: no %s within %v", name, prefix, limit)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

func (c *selfChild) pid() int { return c.cmd.Process.Pid }

// close ends the child by closing its standard input, and kills it if it lingers past grace.
func (c *selfChild) close(grace time.Duration) {
	_ = c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// untilParentGoes is the child side: a context that ends on SIGINT, SIGTERM, or when the parent
// closes (or loses) the child's standard input.
func untilParentGoes() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	return ctx, stop
}
