package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

// bridge is a running ccgw-bridge the bench talks to: a child process running the real binary
// (the default, and the only mode whose process metrics mean anything), or app.New inside the
// bench process (for CPU and heap profiles of the bridge's code with -cpuprofile/-memprofile).
type bridge interface {
	GRPCAddr() string
	HTTPAddr() string
	// InProcess reports whether /metrics' process_* figures include the bench itself.
	InProcess() bool
	// PID is the bridge's process id, or 0 when it runs in the bench's process.
	PID() int
	Close()
}

// bridgeArgs are the flags every bench bridge gets: loopback listeners, the simulator as its
// gateway, defaults for the rest. The poll timeout is the default 15 s, above the gateway's
// 10 s wait as the bridge's validation demands.
func bridgeArgs(gatewayURL, grpcAddr, httpAddr string) []string {
	return []string{
		"-grpc-listen=" + grpcAddr, "-http-listen=" + httpAddr,
		"-gateway-url=" + gatewayURL, "-gateway-poll-timeout=15s",
		"-poll-pause=" + pollPause.String(), // the direct pollers pause the same, whatever the default becomes
		"-log-format=json", "-log-level=info",
		// Loopback only, and the bench opens thousands of streams from one host on purpose.
		"-insecure-no-auth", "-max-streams=0", "-max-streams-per-caller=0",
	}
}

// freeAddrs picks n free loopback ports for a child's listeners. The child binds them a moment
// later; on loopback nothing else takes them in between in practice, and a clash would only
// make the bridge fail to start, loudly.
func freeAddrs(n int) ([]string, error) {
	var out []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		out = append(out, l.Addr().String())
		defer l.Close()
	}
	return out, nil
}

// bridgeLauncher starts bridges the way the options ask.
type bridgeLauncher struct {
	inproc bool
	flags  []string // extra flags after bridgeArgs
	bin    string   // child mode: the ccgw-bridge executable
	env    []string // child mode: extra environment (the smoke test's self-exec switch)
	logDir string
	stores *stores
}

// start starts a bridge called name (its log file, its data directory or stream prefix) with
// its state on store.
func (l *bridgeLauncher) start(ctx context.Context, name, store, gatewayURL string, extra ...string) (bridge, error) {
	if store != storeMemory {
		name += "-" + store
	}
	storeFlags, err := l.stores.flags(store, name)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(l.logDir, name+".log")
	flags := slices.Concat(storeFlags, extra, l.flags)
	if l.inproc {
		return startInProcess(ctx, append(bridgeArgs(gatewayURL, "127.0.0.1:0", "127.0.0.1:0"), flags...), logPath)
	}
	addrs, err := freeAddrs(2)
	if err != nil {
		return nil, err
	}
	args := append(bridgeArgs(gatewayURL, addrs[0], addrs[1]), flags...)
	return startChild(ctx, l.bin, l.env, args, addrs[0], addrs[1], logPath)
}

// buildBridge compiles cmd/ccgw-bridge into dir with the go tool, from the module the bench
// runs in.
func buildBridge(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "ccgw-bridge")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/ccgw-bridge/ccgw-bridge/cmd/ccgw-bridge")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building cmd/ccgw-bridge (run the bench from the repository, or pass -bridge-bin): %w", err)
	}
	return out, nil
}

// childBridge is the real binary in a process of its own. Its log goes to a file: the bench
// must not spend its own CPU reading the bridge's per-RPC log lines.
type childBridge struct {
	cmd        *exec.Cmd
	done       chan struct{}
	waitErr    error
	grpc, http string
	logPath    string
}

func startChild(ctx context.Context, bin string, env, args []string, grpcAddr, httpAddr, logPath string) (*childBridge, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(cleanEnv(), env...)
	// The child dies with the bench, whatever way the bench ends.
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	b := &childBridge{cmd: cmd, done: make(chan struct{}), logPath: logPath, grpc: grpcAddr, http: httpAddr}
	go func() {
		b.waitErr = cmd.Wait()
		close(b.done)
	}()
	if err := b.awaitServing(ctx, 30*time.Second); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// cleanEnv is the bench's environment without CCGW_* variables, so a developer's settings do
// not change the measured configuration.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CCGW_") {
			out = append(out, kv)
		}
	}
	return out
}

// awaitServing polls the bridge's /healthz until it reports SERVING.
func (b *childBridge) awaitServing(ctx context.Context, limit time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if res, err := hc.Get("http://" + b.http + "/healthz"); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-b.done:
			return fmt.Errorf("bridge exited before serving (%v); log %s:\n%s", b.waitErr, b.logPath, tail(b.logPath, 2000))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("bridge did not report serving within %v; log %s", limit, b.logPath)
}

func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(-n, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

func (b *childBridge) GRPCAddr() string { return b.grpc }
func (b *childBridge) HTTPAddr() string { return b.http }
func (b *childBridge) InProcess() bool  { return false }
func (b *childBridge) PID() int         { return b.cmd.Process.Pid }

// Close asks for a graceful stop (SIGTERM) and kills the process if it has not exited within
// 20 s.
func (b *childBridge) Close() {
	select {
	case <-b.done:
		return
	default:
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(20 * time.Second):
		logf("bridge pid %d did not stop within 20s; killing it", b.cmd.Process.Pid)
		_ = b.cmd.Process.Kill()
		<-b.done
	}
}

// inprocBridge is app.New in the bench process.
type inprocBridge struct {
	app     *app.App
	logFile *os.File
}

func startInProcess(ctx context.Context, args []string, logPath string) (*inprocBridge, error) {
	var cfg app.Config
	if err := cfg.Parse("ccgw-bridge", args, func(string) (string, bool) { return "", false }); err != nil {
		return nil, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	log := app.NewLogger(f, cfg.LogLevel, cfg.LogFormat)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	a.Serve()
	return &inprocBridge{app: a, logFile: f}, nil
}

func (b *inprocBridge) GRPCAddr() string { return b.app.GRPCAddr() }
func (b *inprocBridge) HTTPAddr() string { return b.app.HTTPAddr() }
func (b *inprocBridge) InProcess() bool  { return true }
func (b *inprocBridge) PID() int         { return 0 }

func (b *inprocBridge) Close() {
	b.app.Shutdown()
	_ = b.logFile.Close()
}

// logf reports progress on stderr; the results go to stdout and the -out file.
var logf = func(format string, args ...any) {
	slog.Info(fmt.Sprintf(format, args...))
}
