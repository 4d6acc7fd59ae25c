package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestConfigDefaultsFlagsAndEnvironment(t *testing.T) {
	var cfg app.Config
	err := cfg.Parse("t", []string{"-heartbeat=5s"}, env(map[string]string{
		"CCGW_HEARTBEAT": "9s", "CCGW_RETENTION_EVENTS": "42", "CCGW_GATEWAY_URL": "https://ccgw.example:8043",
		"CCGW_INSECURE_NO_AUTH": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Heartbeat != 5*time.Second {
		t.Errorf("flag must win over the environment: heartbeat %v", cfg.Heartbeat)
	}
	if cfg.RetentionEvents != 42 || cfg.GatewayURL != "https://ccgw.example:8043" {
		t.Errorf("environment not applied: %+v", cfg)
	}
	if cfg.GRPCListen != ":9090" || cfg.PollPause != 200*time.Millisecond || cfg.IdempotencyTTL != 10*time.Minute {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestConfigRejectsBadSettings(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.pem")
	tests := []struct {
		args []string
		env  map[string]string
		want string // the flag the error must name
	}{
		{[]string{"-poll-pause=0s"}, nil, "-poll-pause"},
		{[]string{"-retention-events=0"}, nil, "-retention-events"},
		{[]string{"-subscriber-buffer=-1"}, nil, "-subscriber-buffer"},
		{[]string{"-gateway-url=ftp://x"}, nil, "-gateway-url"},
		{[]string{"-gateway-url=https://user:pw@x:8043"}, nil, "-gateway-url"},
		{[]string{"-gateway-url=not a url"}, nil, "-gateway-url"},
		{[]string{"-gateway-url=https://x:8043", "-gateway-poll-timeout=5s"}, nil, "-gateway-poll-timeout"},
		{[]string{"-gateway-url=https://x:8043"}, nil, "-insecure-no-auth"}, // plaintext and unauthenticated only by choice
		{[]string{"-tls-cert-file=" + os.Args[0]}, nil, "-tls-cert-file"},
		{[]string{"-tls-require-client-cert"}, nil, "-tls-require-client-cert"},
		{[]string{"-auth-jwt-issuer=https://idp.example"}, nil, "-auth-jwt-issuer"},
		{[]string{"-auth-jwks-url=ftp://idp.example/jwks"}, nil, "-auth-jwks-url"},
		{[]string{"-auth-policy-file=" + missing}, nil, "-auth-policy-file"},
		{[]string{"-max-body-bytes=10"}, nil, "-max-body-bytes"},
		{[]string{"-idle-timeout=0s"}, nil, "-idle-timeout"},
		{[]string{"-cors-origins=https://app.example/path"}, nil, "-cors-origins"},
		{[]string{"-gateway-ca-file=" + missing}, nil, "-gateway-ca-file"},
		{[]string{"-gateway-cert-file=" + os.Args[0]}, nil, "-gateway-cert-file"},
		{[]string{"-log-level=loud"}, nil, "-log-level"},
		{[]string{"-log-format=xml"}, nil, "-log-format"},
		{nil, map[string]string{"CCGW_HEARTBEAT": "often"}, "CCGW_HEARTBEAT"},
		{[]string{"extra"}, nil, "extra"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			var cfg app.Config
			err := cfg.Parse("t", tc.args, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("args %v env %v: error %v, want one naming %s", tc.args, tc.env, err, tc.want)
			}
		})
	}
}

func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	var cfg app.Config
	err := cfg.Parse("t", []string{"-heartbeat=0s", "-log-format=xml"}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "-heartbeat") || !strings.Contains(err.Error(), "-log-format") {
		t.Fatalf("got %v", err)
	}
}
