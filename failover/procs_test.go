//go:build linux

package failover

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// The binaries are built once for the package's tests into binDir, removed by TestMain.
var (
	binDir   string
	binOnce  sync.Once
	bins     map[string]string
	binsErr  error
	binsTook time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinaries builds the programs the tests run as real processes, from this module (and
// nats-server from the module version go.mod pins), without the race detector: they are the
// system under test, not the test.
func buildBinaries(t *testing.T) map[string]string {
	t.Helper()
	binOnce.Do(func() {
		start := time.Now()
		defer func() { binsTook = time.Since(start) }()
		if binDir, binsErr = os.MkdirTemp("", "ccgw-failover-bin-"); binsErr != nil {
			return
		}
		out := map[string]string{}
		if out["nats-server"], binsErr = natstest.Build(binDir); binsErr != nil {
			return
		}
		for name, pkg := range map[string]string{
			"ccgw-bridge": "github.com/ccgw-bridge/ccgw-bridge/cmd/ccgw-bridge",
			"ccgw-sim":    "github.com/ccgw-bridge/ccgw-bridge/cmd/ccgw-sim",
		} {
			bin := filepath.Join(binDir, name)
			if b, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
				binsErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
				return
			}
			out[name] = bin
		}
		bins = out
	})
	if binsErr != nil {
		t.Fatal(binsErr)
	}
	t.Logf("binaries built in %v (once per run)", binsTook.Round(time.Millisecond))
	return bins
}

// proc is a child process whose combined output is read line by line.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}

	mu   sync.Mutex
	tail []string // the last lines, for failure reports
}

// startProc starts bin; onLine (may be nil) sees every output line, on the reading goroutine.
func startProc(t *testing.T, name, bin string, args []string, onLine func(string)) *proc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = w, w
	// The child dies with the test process, whatever happens to the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	_ = w.Close()
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	// CCGW_FAILOVER_LOGS names a directory that keeps every process's whole output.
	var logFile *os.File
	if dir := os.Getenv("CCGW_FAILOVER_LOGS"); dir != "" {
		logFile, _ = os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, cmd.Process.Pid)))
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		if logFile != nil {
			defer logFile.Close()
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if logFile != nil {
				fmt.Fprintln(logFile, line)
			}
			p.mu.Lock()
			p.tail = append(p.tail, line)
			if len(p.tail) > 200 {
				p.tail = p.tail[len(p.tail)-100:]
			}
			p.mu.Unlock()
			if onLine != nil {
				onLine(line)
			}
		}
		_ = r.Close()
	}()
	go func() {
		_ = cmd.Wait()
		<-read
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("last output of %s:\n%s", name, p.output())
		}
	})
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// dump asks a Go process for its goroutine stacks (SIGQUIT), for a failure report.
func (p *proc) dump() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
	}
}

// kill is kill -9: the process gets no chance to release anything.
func (p *proc) kill() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop is a graceful stop (SIGTERM), killed after d.
func (p *proc) stop(d time.Duration) error {
	if p.exited() {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(d):
		p.kill()
		return fmt.Errorf("%s did not stop within %v of SIGTERM", p.name, d)
	}
}

// proxy forwards TCP connections on a loopback port to a target until cut: then it closes
// every open connection and refuses new ones, a network partition between its clients and the
// target, until restored.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		p.setCut(true)
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	defer p.wg.Done()
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		p.drop(c)
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		_ = up.Close()
		p.drop(c)
		return
	}
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	var both sync.WaitGroup
	both.Add(2)
	pipe := func(dst, src net.Conn) {
		defer both.Done()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		p.drop(dst)
		p.drop(src)
	}
	go pipe(up, c)
	go pipe(c, up)
	both.Wait()
}

func (p *proxy) drop(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	var open []net.Conn
	if cut {
		for c := range p.conns {
			open = append(open, c)
		}
	}
	p.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
}
