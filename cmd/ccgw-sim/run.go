package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

type options struct {
	listen, directory, caOut, tlsNames, certFile, keyFile, staleRetcode, logLevel string
	authMode                                                                      int
	guidInterval, guidTimeout, pollWait, heartbeat                                time.Duration
	plainHTTP, autoJoin, debugRoutes                                              bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ccgw-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8043", "address to listen on")
	fs.IntVar(&o.authMode, "auth-mode", 2, "AUTHMODE: 1 static GUID, 2 dynamic (rotating) GUID")
	fs.DurationVar(&o.guidInterval, "guid-interval", gatewaysim.DefaultGUIDInterval, "dynamic GUID rotation interval (GUIDINTERVAL)")
	fs.DurationVar(&o.guidTimeout, "guid-timeout", gatewaysim.DefaultGUIDTimeout, "lifetime of a replaced GUID after its issue (GUIDTIMEOUT)")
	fs.DurationVar(&o.pollWait, "poll-wait", gatewaysim.DefaultPollWait, "how long an event poll is held when no event is queued")
	fs.DurationVar(&o.heartbeat, "heartbeat-timeout", gatewaysim.DefaultHeartbeat, "sign out agents that have not polled for this long")
	fs.StringVar(&o.staleRetcode, "stale-guid-retcode", gatewaysim.StaleGUIDNoRight, "retcode for a wrong or expired GUID: 000-003 or 100-006")
	fs.BoolVar(&o.autoJoin, "auto-join-skills", false, "join all configured skill queues at sign-in (the real gateway needs resetskill)")
	fs.StringVar(&o.directory, "directory", "", "YAML or JSON file with agents and queues (default: the demo directory, agents 1001-1004)")
	fs.BoolVar(&o.plainHTTP, "plain-http", false, "serve plain HTTP instead of HTTPS")
	fs.StringVar(&o.caOut, "ca-out", "", "write the generated CA certificate (PEM) to this file for clients to trust")
	fs.StringVar(&o.tlsNames, "tls-names", "", "extra comma-separated DNS names / IPs for the generated certificate")
	fs.StringVar(&o.certFile, "tls-cert", "", "serve this certificate instead of generating one (with -tls-key)")
	fs.StringVar(&o.keyFile, "tls-key", "", "private key for -tls-cert")
	fs.BoolVar(&o.debugRoutes, "debug-routes", false, "serve GET /sim/v1/debug/agents/{id}/guid, which reveals GUIDs")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	// The simulator's own settings are checked by gatewaysim.Config.Validate in run; these are
	// the binary's.
	switch {
	case o.guidInterval <= 0 || o.guidTimeout <= 0 || o.pollWait <= 0 || o.heartbeat <= 0:
		return o, errors.New("durations must be positive") // zero would mean "the default" to the library
	case (o.certFile == "") != (o.keyFile == ""):
		return o, errors.New("-tls-cert and -tls-key go together")
	case o.plainHTTP && (o.caOut != "" || o.certFile != ""):
		return o, errors.New("-plain-http excludes the TLS flags")
	}
	return o, nil
}

// run serves the simulator until ctx is done, then shuts down gracefully.
// ready, when set, learns the bound address (tests listen on port 0).
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	cfg := gatewaysim.DemoConfig()
	if o.directory != "" {
		d, err := loadDirectory(o.directory)
		if err != nil {
			return err
		}
		cfg.Agents, cfg.Queues = d.Agents, d.Queues
	}
	cfg.AuthMode, cfg.GUIDInterval, cfg.GUIDTimeout = o.authMode, o.guidInterval, o.guidTimeout
	cfg.PollWait, cfg.HeartbeatTimeout, cfg.StaleGUIDRetcode = o.pollWait, o.heartbeat, o.staleRetcode
	cfg.AutoJoinSkills, cfg.EnableDebugRoutes, cfg.Logger = o.autoJoin, o.debugRoutes, log
	if err := cfg.Validate(); err != nil {
		return err
	}
	sim := gatewaysim.New(cfg)
	defer sim.Close()

	srv := &http.Server{
		Handler:           sim,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// HTTP/1.1 only, like the gateway's servlet container; it also lets
		// the close_connection fault hijack and drop the TCP connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	scheme := "http"
	if !o.plainHTTP {
		scheme = "https"
		cert, err := serverCertificate(o)
		if err != nil {
			return err
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if srv.TLSConfig != nil {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	addr := ln.Addr().String()
	log.Info("ccgw-sim serving", "url", scheme+"://"+addr+"/agentgateway/resource/",
		"control", scheme+"://"+addr+"/sim/v1/", "agents", len(cfg.Agents), "auth_mode", o.authMode, "ca_file", o.caOut)
	if ready != nil {
		ready(addr)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("ccgw-sim shutting down")
	sim.Close() // releases parked polls and held requests so Shutdown can finish
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		_ = srv.Close()
		<-errc
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	return nil
}

func serverCertificate(o options) (tls.Certificate, error) {
	if o.certFile != "" {
		return tls.LoadX509KeyPair(o.certFile, o.keyFile)
	}
	var names []string
	for _, n := range strings.Split(o.tlsNames, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	cert, caPEM, err := selfSigned(names, time.Now())
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate certificate: %w", err)
	}
	if o.caOut != "" {
		if err := writeCA(o.caOut, caPEM); err != nil {
			return tls.Certificate{}, err
		}
	}
	return cert, nil
}
