package main

import (
	"context"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestHealthSubcommand(t *testing.T) {
	var cfg app.Config
	if err := cfg.Parse("t", []string{"-grpc-listen=127.0.0.1:0", "-http-listen=", "-sim-listen=127.0.0.1:0"},
		func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Serve()
	if code := health([]string{"-addr", a.GRPCAddr()}); code != 0 {
		t.Fatalf("health of a serving bridge exited %d", code)
	}
	a.Shutdown()

	// Nothing listens on a port just released: the check must fail, not hang.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	if code := health([]string{"-addr", addr, "-timeout", "500ms"}); code != 1 {
		t.Fatalf("health of nothing exited %d", code)
	}
}

// The version subcommand of a binary stamped the way `make build` stamps it names that build.
func TestVersionSubcommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ccgw-bridge")
	pkg := "github.com/ccgw-bridge/ccgw-bridge/buildinfo"
	build := exec.Command("go", "build", "-ldflags", "-X "+pkg+".version=v9.9.9-test -X "+pkg+".revision=feedc0de", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", arg, err, out)
		}
		if got := string(out); !strings.HasPrefix(got, "ccgw-bridge v9.9.9-test, revision feedc0de, go") {
			t.Errorf("ccgw-bridge %s printed %q", arg, got)
		}
	}
}
