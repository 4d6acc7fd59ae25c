package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/store/nats/natstest"
)

// nkeyUser returns a new user's seed, written to a file, and its public key.
func nkeyUser(t *testing.T) (seed, file, public string) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := kp.Seed()
	public, _ = kp.PublicKey()
	file = filepath.Join(t.TempDir(), "user.nk")
	if err := os.WriteFile(file, s, 0o600); err != nil {
		t.Fatal(err)
	}
	return string(s), file, public
}

// TestExternalNATSWithNkey runs the bridge on an external JetStream server that requires an
// nkey: events flow through the stream, and the seed appears in no log line, health detail or
// error, not even when the server refuses a wrong key.
func TestExternalNATSWithNkey(t *testing.T) {
	seed, file, public := nkeyUser(t)
	srv := natstest.Start(t, func(o *server.Options) { o.Nkeys = []*server.NkeyUser{{Nkey: public}} })
	b := startBridge(t, func(c *app.Config) { c.NATSURL, c.NATSNkeyFile = srv.ClientURL(), file })
	next, _ := b.stream(t, &ccgwv1.StreamEventsRequest{})
	next()
	b.signIn(t, "1001")
	waitEvent(t, next, "1001", "AgentState_Ready")
	_, details := b.healthz(t)
	health := fmt.Sprint(details)
	if !strings.Contains(health, "nats (external") {
		t.Errorf("/healthz does not name the store: %s", health)
	}
	seedBody := strings.TrimPrefix(seed, "SU") // no fragment of the seed either
	for what, text := range map[string]string{"logs": b.logs.String(), "/healthz": health} {
		if strings.Contains(text, seedBody[:20]) {
			t.Errorf("%s carry the nkey seed", what)
		}
	}

	wrongSeed, wrongFile, _ := nkeyUser(t)
	var cfg app.Config
	if err := cfg.Parse("t", []string{"-grpc-listen=127.0.0.1:0", "-http-listen=", "-sim-listen=127.0.0.1:0",
		"-nats-url=" + srv.ClientURL(), "-nats-nkey-file=" + wrongFile}, env(nil)); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	_, err := app.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err == nil {
		t.Fatal("a key the server does not know was accepted")
	}
	if strings.Contains(err.Error()+logs.String(), strings.TrimPrefix(wrongSeed, "SU")[:20]) {
		t.Fatalf("the refusal carries the seed: %v", err)
	}
}
