package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

func TestStoreConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // "" when valid, else the flag the error must name
	}{
		{"MemoryByDefault", nil, nil, ""},
		{"External", []string{"-nats-url=nats://a:4222,tls://b:4222", "-nats-creds-file=" + file, "-nats-stream-replicas=3"}, nil, ""},
		{"ExternalFromEnv", nil, map[string]string{"CCGW_NATS_URL": "nats://a:4222", "CCGW_NATS_NKEY_FILE": file}, ""},
		{"ExternalTLS", []string{"-nats-url=tls://a:4222", "-nats-ca-file=" + file, "-nats-cert-file=" + file, "-nats-key-file=" + file}, nil, ""},
		{"Embedded", []string{"-data-dir=" + t.TempDir()}, nil, ""},
		{"EmbeddedDirCreated", []string{"-data-dir=" + filepath.Join(t.TempDir(), "new")}, nil, ""},
		{"BothStores", []string{"-nats-url=nats://a:4222", "-data-dir=" + t.TempDir()}, nil, "-data-dir"},
		{"BadScheme", []string{"-nats-url=http://a:4222"}, nil, "-nats-url"},
		{"NotAbsolute", []string{"-nats-url=a:4222"}, nil, "-nats-url"},
		{"CredentialsInURL", []string{"-nats-url=nats://user:s3cr3t@a:4222"}, nil, "-nats-url"},
		{"CredsWithoutURL", []string{"-nats-creds-file=" + file}, nil, "-nats-creds-file"},
		{"MissingCreds", []string{"-nats-url=nats://a:4222", "-nats-creds-file=" + missing}, nil, "-nats-creds-file"},
		{"CredsAndNkey", []string{"-nats-url=nats://a:4222", "-nats-creds-file=" + file, "-nats-nkey-file=" + file}, nil, "-nats-nkey-file"},
		{"CertWithoutKey", []string{"-nats-url=nats://a:4222", "-nats-cert-file=" + file}, nil, "-nats-cert-file"},
		{"ReplicasRange", []string{"-nats-url=nats://a:4222", "-nats-stream-replicas=7"}, nil, "-nats-stream-replicas"},
		{"ReplicasEmbedded", []string{"-data-dir=" + t.TempDir(), "-nats-stream-replicas=3"}, nil, "-nats-stream-replicas"},
		{"Prefix", []string{"-nats-prefix=a.b"}, nil, "-nats-prefix"},
		{"DataDirIsFile", []string{"-data-dir=" + file}, nil, "-data-dir"},
		{"EnvNamed", nil, map[string]string{"CCGW_NATS_STREAM_REPLICAS": "many"}, "CCGW_NATS_STREAM_REPLICAS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg app.Config
			err := cfg.Parse("t", tc.args, env(tc.env))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("args %v env %v: %v", tc.args, tc.env, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("args %v env %v: error %v, want one naming %s", tc.args, tc.env, err, tc.want)
			case err != nil && strings.Contains(err.Error(), "s3cr3t"):
				t.Fatalf("the error repeats a password from the URL: %v", err)
			}
		})
	}
}
