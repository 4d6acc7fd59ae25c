// Command ccgw-bridge serves the ccgw-bridge gRPC and REST API in front of a Huawei CEC
// CC-Gateway (or, with no gateway configured, its embedded simulator).
//
//	ccgw-bridge [flags]          run the service (flags or CCGW_* environment variables)
//	ccgw-bridge health [-addr]   exit 0 when the service's gRPC health check says SERVING
//	ccgw-bridge version          print the build: version, revision, Go version
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	"github.com/ccgw-bridge/ccgw-bridge/buildinfo"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "health":
			os.Exit(health(os.Args[2:]))
		case "version", "-version", "--version":
			fmt.Println("ccgw-bridge", buildinfo.Read())
			return
		}
	}
	var cfg app.Config
	if err := cfg.Parse("ccgw-bridge", os.Args[1:], os.LookupEnv); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "ccgw-bridge: invalid configuration:\n"+err.Error())
		os.Exit(2)
	}
	log := app.NewLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, cfg, log); err != nil {
		log.Error("ccgw-bridge failed", "err", err)
		os.Exit(1)
	}
}

// health is the container health check: the image has no shell or curl, so the binary asks its
// own gRPC health service.
func health(args []string) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	addr := fs.String("addr", envOr("CCGW_HEALTH_ADDR", "127.0.0.1:9090"), "gRPC address of the bridge")
	timeout := fs.Duration("timeout", 3*time.Second, "deadline of the check")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	defer conn.Close()
	res, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	fmt.Println(res.GetStatus())
	if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return 1
	}
	return 0
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}
