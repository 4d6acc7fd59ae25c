// Command ccgw-sim runs the CC-Gateway simulator as its own process: the
// agent REST interface under /agentgateway/resource/ and the control API
// under /sim/v1/, over HTTPS with a generated certificate (or plain HTTP).
//
//	ccgw-sim -ca-out /tmp/ccgw-sim-ca.pem          # HTTPS on 127.0.0.1:8043
//	ccgw-sim -plain-http -listen 127.0.0.1:8080    # plain HTTP
//	ccgw-sim -directory agents.yaml -auth-mode 1   # own directory, static GUIDs
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); errors.Is(err, flag.ErrHelp) {
		return // -h printed the usage; that is not a failure
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "ccgw-sim:", err)
		os.Exit(1)
	}
}
