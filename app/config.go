// Package app assembles the bridge from its configuration: the store, the CC-Gateway client (or
// the embedded simulator), the core and the server, and runs them until the context ends.
package app

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Config is everything the bridge can be told. Every field has a flag and a CCGW_* environment
// variable (the flag name upper-cased, dashes as underscores); a flag given on the command line
// wins over the environment.
type Config struct {
	GRPCListen string
	HTTPListen string

	GatewayURL            string // empty: start the embedded simulator
	GatewayCAFile         string
	GatewayCertFile       string
	GatewayKeyFile        string
	GatewayServerName     string
	GatewayInsecure       bool
	GatewayRequestTimeout time.Duration
	GatewayPollTimeout    time.Duration
	GatewayHeartbeat      time.Duration // the gateway's heartbeat window: no poll for this long signs an agent out
	SimListen             string        // where the embedded simulator listens (plain HTTP, loopback)

	PollPause        time.Duration
	RetentionEvents  int
	RetentionAge     time.Duration
	SubscriberBuffer int
	Heartbeat        time.Duration
	IdempotencyTTL   time.Duration
	ShutdownTimeout  time.Duration

	LogLevel  string
	LogFormat string

	// The store (see storeFlags): memory unless NATSURL or DataDir is set.
	NATSURL            string
	NATSCredsFile      string
	NATSNkeyFile       string
	NATSCAFile         string
	NATSCertFile       string
	NATSKeyFile        string
	NATSStreamReplicas int // 0: 3 when the cluster has 3 or more servers, else 1
	NATSPrefix         string
	DataDir            string

	// TracerProvider, when set (by an embedding program or a test), receives the RPC spans;
	// otherwise they go to OTLP when OTEL_EXPORTER_OTLP_*ENDPOINT is set, or nowhere.
	TracerProvider trace.TracerProvider
}

// FlagSet registers cfg's flags on a new flag set named name.
func (cfg *Config) FlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.GRPCListen, "grpc-listen", ":9090", "gRPC listen address")
	fs.StringVar(&cfg.HTTPListen, "http-listen", ":8080", "HTTP listen address (REST, /healthz, /metrics, /openapi.json)")
	fs.StringVar(&cfg.GatewayURL, "gateway-url", "", "CC-Gateway base URL, e.g. https://ccgw.example:8043; empty starts the embedded simulator")
	fs.StringVar(&cfg.GatewayCAFile, "gateway-ca-file", "", "PEM bundle of CAs to trust for the gateway (default: system roots)")
	fs.StringVar(&cfg.GatewayCertFile, "gateway-cert-file", "", "client certificate (PEM) for the gateway")
	fs.StringVar(&cfg.GatewayKeyFile, "gateway-key-file", "", "client key (PEM) for the gateway")
	fs.StringVar(&cfg.GatewayServerName, "gateway-server-name", "", "TLS server name to verify instead of the URL's host")
	fs.BoolVar(&cfg.GatewayInsecure, "gateway-insecure-skip-verify", false, "DANGEROUS: do not verify the gateway's certificate")
	fs.DurationVar(&cfg.GatewayRequestTimeout, "gateway-request-timeout", 10*time.Second, "deadline of each gateway command")
	fs.DurationVar(&cfg.GatewayPollTimeout, "gateway-poll-timeout", 15*time.Second, "deadline of each event poll (must exceed the gateway's 10 s wait)")
	fs.DurationVar(&cfg.GatewayHeartbeat, "gateway-heartbeat-window", 120*time.Second, "how long the gateway keeps an agent signed in without a poll; an agent the bridge could not poll for this long is LOST")
	fs.StringVar(&cfg.SimListen, "sim-listen", "127.0.0.1:8043", "listen address of the embedded simulator (only without -gateway-url)")
	fs.DurationVar(&cfg.PollPause, "poll-pause", 200*time.Millisecond, "pause before re-polling after an empty poll")
	fs.IntVar(&cfg.RetentionEvents, "retention-events", 10000, "events kept per agent for resuming streams")
	fs.DurationVar(&cfg.RetentionAge, "retention-age", time.Hour, "how long events are kept for resuming streams")
	fs.IntVar(&cfg.SubscriberBuffer, "subscriber-buffer", 4096, "events a stream may fall behind before it is ended with RESOURCE_EXHAUSTED")
	fs.DurationVar(&cfg.Heartbeat, "heartbeat", 15*time.Second, "heartbeat interval of idle event streams")
	fs.DurationVar(&cfg.IdempotencyTTL, "idempotency-ttl", 10*time.Minute, "how long a request_id is remembered")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "graceful shutdown deadline before in-flight calls are cut")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", "json", "json or text")
	cfg.storeFlags(fs)
	return fs
}

// Parse fills cfg from args and the environment (lookup, usually os.LookupEnv) and validates it.
func (cfg *Config) Parse(name string, args []string, lookup func(string) (string, bool)) error {
	fs := cfg.FlagSet(name)
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := EnvName(f.Name)
		if v, ok := lookup(env); ok && !given[f.Name] {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", env, v, err))
			}
		}
	})
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return cfg.Validate()
}

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	return "CCGW_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Validate reports every invalid setting at once, each naming its flag.
func (cfg *Config) Validate() error {
	var errs []error
	bad := func(flagName, format string, a ...any) {
		errs = append(errs, fmt.Errorf("-%s (%s): %s", flagName, EnvName(flagName), fmt.Sprintf(format, a...)))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"gateway-request-timeout", cfg.GatewayRequestTimeout}, {"gateway-poll-timeout", cfg.GatewayPollTimeout},
		{"gateway-heartbeat-window", cfg.GatewayHeartbeat},
		{"poll-pause", cfg.PollPause}, {"retention-age", cfg.RetentionAge}, {"heartbeat", cfg.Heartbeat},
		{"idempotency-ttl", cfg.IdempotencyTTL}, {"shutdown-timeout", cfg.ShutdownTimeout},
	} {
		if d.v <= 0 {
			bad(d.name, "must be a positive duration, got %v", d.v)
		}
	}
	if cfg.GRPCListen == "" {
		bad("grpc-listen", "must not be empty")
	}
	if cfg.RetentionEvents < 1 {
		bad("retention-events", "must be at least 1, got %d", cfg.RetentionEvents)
	}
	if cfg.SubscriberBuffer < 1 {
		bad("subscriber-buffer", "must be at least 1, got %d", cfg.SubscriberBuffer)
	}
	if cfg.GatewayURL != "" {
		u, err := url.Parse(cfg.GatewayURL)
		switch {
		case err != nil || u.Host == "":
			bad("gateway-url", "must be an absolute URL such as https://ccgw.example:8043")
		case u.Scheme != "https" && u.Scheme != "http":
			bad("gateway-url", "scheme must be https (or http for a local simulator), got %q", u.Scheme)
		case u.User != nil:
			bad("gateway-url", "must not carry credentials")
		}
	} else if cfg.SimListen == "" {
		bad("sim-listen", "must not be empty when the embedded simulator runs (no -gateway-url)")
	}
	for _, f := range []struct{ name, path string }{
		{"gateway-ca-file", cfg.GatewayCAFile}, {"gateway-cert-file", cfg.GatewayCertFile}, {"gateway-key-file", cfg.GatewayKeyFile},
	} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			bad(f.name, "cannot read %s", f.path)
		}
	}
	if (cfg.GatewayCertFile == "") != (cfg.GatewayKeyFile == "") {
		bad("gateway-cert-file", "a client certificate needs both -gateway-cert-file and -gateway-key-file")
	}
	if cfg.GatewayPollTimeout > 0 && cfg.GatewayPollTimeout <= 10*time.Second && cfg.GatewayURL != "" {
		bad("gateway-poll-timeout", "must exceed the gateway's 10 s long-poll wait, got %v", cfg.GatewayPollTimeout)
	}
	cfg.validateStore(bad)
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "must be debug, info, warn or error, got %q", cfg.LogLevel)
	}
	switch cfg.LogFormat {
	case "json", "text":
	default:
		bad("log-format", "must be json or text, got %q", cfg.LogFormat)
	}
	return errors.Join(errs...)
}
