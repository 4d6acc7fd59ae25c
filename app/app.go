package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ccgw-bridge/ccgw-bridge/buildinfo"
	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
	"github.com/ccgw-bridge/ccgw-bridge/server"
)

// App is a running bridge. Listeners are bound by New, so their addresses are known (port 0
// works) before Serve.
type App struct {
	cfg    Config
	log    *slog.Logger
	sim    *gatewaysim.Sim
	simSrv *http.Server
	simLis net.Listener
	client *gatewayclient.Client
	store  *openedStore
	core   *core.Core
	server *server.Server

	grpcLis, httpLis net.Listener
	hs               *http.Server
	shutdown         sync.Once
	stopTracing      func()
}

// New builds and starts everything but the public listeners' serving.
func New(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := core.NewMetrics(reg)
	build := buildinfo.Read()
	registerBuildInfo(reg, build)

	details := map[string]string{"version": build.Version, "revision": build.Revision}
	gatewayURL := cfg.GatewayURL
	if gatewayURL == "" {
		if gatewayURL, err = a.startSimulator(); err != nil {
			return nil, err
		}
		details["gateway"] = "EMBEDDED SIMULATOR at " + gatewayURL + " (no -gateway-url configured)"
		log.Warn("no gateway URL configured: the bridge is talking to its embedded CC-Gateway SIMULATOR, not a real gateway",
			"simulator", gatewayURL, "demo_agents", "1001-1004 (password demo-<id>)")
	} else {
		details["gateway"] = redactURL(gatewayURL)
	}
	a.client, err = gatewayclient.New(gatewayclient.Config{
		BaseURL: gatewayURL,
		TLS: gatewayclient.TLSConfig{CAFile: cfg.GatewayCAFile, CertFile: cfg.GatewayCertFile, KeyFile: cfg.GatewayKeyFile,
			ServerName: cfg.GatewayServerName, InsecureSkipVerify: cfg.GatewayInsecure},
		RequestTimeout: cfg.GatewayRequestTimeout,
		PollTimeout:    cfg.GatewayPollTimeout,
		OnCall:         metrics.ObserveGatewayCall,
		Logger:         log, // the client itself warns when certificate checks are off
	})
	if err != nil {
		return nil, fmt.Errorf("gateway client: %w", err)
	}
	if a.store, err = openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	details["store"] = a.store.desc
	a.core, err = core.New(core.ClientGateway{Client: a.client}, a.store, core.Options{
		PollPause: cfg.PollPause, SubscriberBuffer: cfg.SubscriberBuffer, Heartbeat: cfg.Heartbeat,
		HeartbeatWindow: cfg.GatewayHeartbeat,
		IdempotencyTTL:  cfg.IdempotencyTTL, Logger: log, Metrics: metrics,
	})
	if err != nil {
		return nil, err
	}
	if err = a.core.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting the core: %w", err)
	}
	details["replica"] = a.core.ReplicaID()
	tp := cfg.TracerProvider
	if tp == nil {
		if tp, a.stopTracing, err = setupTracing(ctx, log); err != nil {
			return nil, fmt.Errorf("tracing: %w", err)
		}
	}
	a.server, err = server.New(server.Config{Core: a.core, Logger: log, Registry: reg, Details: details,
		ShutdownTimeout: cfg.ShutdownTimeout, TracerProvider: tp})
	if err != nil {
		return nil, err
	}
	if a.grpcLis, err = net.Listen("tcp", cfg.GRPCListen); err != nil {
		return nil, fmt.Errorf("-grpc-listen: %w", err)
	}
	if cfg.HTTPListen != "" {
		if a.httpLis, err = net.Listen("tcp", cfg.HTTPListen); err != nil {
			return nil, fmt.Errorf("-http-listen: %w", err)
		}
	}
	return a, nil
}

func (a *App) startSimulator() (string, error) {
	lis, err := net.Listen("tcp", a.cfg.SimListen)
	if err != nil {
		return "", fmt.Errorf("-sim-listen: %w", err)
	}
	simCfg := gatewaysim.DemoConfig()
	simCfg.Logger = a.log.With("component", "simulator")
	a.sim = gatewaysim.New(simCfg)
	a.simLis = lis
	a.simSrv = &http.Server{Handler: a.sim, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := a.simSrv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("embedded simulator stopped", "err", err)
		}
	}()
	return "http://" + lis.Addr().String(), nil
}

// Serve starts serving gRPC and HTTP and marks the bridge ready.
func (a *App) Serve() {
	a.hs = a.server.Serve(a.grpcLis, a.httpLis)
	attrs := []any{"grpc", a.grpcLis.Addr().String()}
	if a.httpLis != nil {
		attrs = append(attrs, "http", a.httpLis.Addr().String())
	}
	a.log.Info("ccgw-bridge serving", attrs...)
}

// Shutdown stops serving (NOT_SERVING first, then graceful, then forced), then the core and the
// simulator. Agents stay signed in at the gateway.
func (a *App) Shutdown() {
	a.shutdown.Do(func() {
		a.server.Shutdown(a.hs)
		a.close()
		a.log.Info("ccgw-bridge stopped")
	})
}

func (a *App) close() {
	if a.core != nil {
		a.core.Close()
	}
	if a.client != nil {
		a.client.Close()
	}
	if a.simSrv != nil {
		a.sim.Close() // releases parked polls first, so Shutdown does not wait for them
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = a.simSrv.Shutdown(ctx)
		cancel()
	}
	if a.store != nil {
		a.store.close()
	}
	if a.stopTracing != nil {
		a.stopTracing()
	}
	for _, l := range []net.Listener{a.grpcLis, a.httpLis} {
		if l != nil && a.hs == nil {
			_ = l.Close()
		}
	}
}

// GRPCAddr, HTTPAddr and SimulatorURL report where the bridge listens.
func (a *App) GRPCAddr() string { return a.grpcLis.Addr().String() }

func (a *App) HTTPAddr() string {
	if a.httpLis == nil {
		return ""
	}
	return a.httpLis.Addr().String()
}

func (a *App) SimulatorURL() string {
	if a.simLis == nil {
		return ""
	}
	return "http://" + a.simLis.Addr().String()
}

// HTTPHandler is the bridge's HTTP handler (REST, /healthz, /metrics, /openapi.json), for an
// embedding program or a test to serve on a server of its own.
func (a *App) HTTPHandler() http.Handler { return a.server.HTTPHandler() }

// Simulator is the embedded simulator, or nil with a real gateway.
func (a *App) Simulator() *gatewaysim.Sim { return a.sim }

// Run builds the bridge, serves until ctx ends, and shuts down.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	a.Serve()
	<-ctx.Done()
	a.Shutdown()
	return nil
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable)"
	}
	return u.Scheme + "://" + u.Host
}
