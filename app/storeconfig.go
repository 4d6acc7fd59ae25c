package app

import (
	"flag"
	"net/url"
	"os"
	"regexp"
	"strings"
)

func (cfg *Config) storeFlags(fs *flag.FlagSet) {
	fs.StringVar(&cfg.NATSURL, "nats-url", "", "NATS server URLs (comma-separated nats:// or tls://) of a JetStream cluster to keep state in, shared by all replicas; empty: memory, or -data-dir")
	fs.StringVar(&cfg.NATSCredsFile, "nats-creds-file", "", "NATS user credentials file (JWT and nkey seed)")
	fs.StringVar(&cfg.NATSNkeyFile, "nats-nkey-file", "", "NATS nkey seed file")
	fs.StringVar(&cfg.NATSCAFile, "nats-ca-file", "", "PEM bundle of CAs to trust for the NATS servers (default: system roots)")
	fs.StringVar(&cfg.NATSCertFile, "nats-cert-file", "", "client certificate (PEM) for NATS")
	fs.StringVar(&cfg.NATSKeyFile, "nats-key-file", "", "client key (PEM) for NATS")
	fs.IntVar(&cfg.NATSStreamReplicas, "nats-stream-replicas", 0, "copies the cluster keeps of the bridge's stream and buckets (1-5); 0: 3 when the cluster has 3 or more servers, else 1")
	fs.StringVar(&cfg.NATSPrefix, "nats-prefix", "CCGW", "name prefix of the bridge's stream and buckets, so several bridges can share a cluster")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "directory of an embedded single-node JetStream server keeping state across restarts (no network listener); excludes -nats-url")
}

var natsPrefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// validateStore checks the store settings; a bad -nats-url is never echoed back, since it may
// carry a password.
func (cfg *Config) validateStore(bad func(flagName, format string, a ...any)) {
	if cfg.NATSURL != "" && cfg.DataDir != "" {
		bad("data-dir", "choose one store: -data-dir (embedded NATS) or -nats-url (external NATS), not both")
	}
	for _, s := range strings.Split(cfg.NATSURL, ",") {
		if cfg.NATSURL == "" {
			break
		}
		u, err := url.Parse(strings.TrimSpace(s))
		switch {
		case err != nil || u.Host == "":
			bad("nats-url", "each URL must be absolute, such as nats://nats-1.example:4222")
		case u.Scheme != "nats" && u.Scheme != "tls":
			bad("nats-url", "scheme must be nats or tls, got %q", u.Scheme)
		case u.User != nil:
			bad("nats-url", "must not carry credentials: use -nats-creds-file or -nats-nkey-file")
		}
	}
	files := []struct{ name, path string }{
		{"nats-creds-file", cfg.NATSCredsFile}, {"nats-nkey-file", cfg.NATSNkeyFile}, {"nats-ca-file", cfg.NATSCAFile},
		{"nats-cert-file", cfg.NATSCertFile}, {"nats-key-file", cfg.NATSKeyFile},
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		if cfg.NATSURL == "" {
			bad(f.name, "applies only to an external NATS cluster (-nats-url)")
		} else if _, err := os.Stat(f.path); err != nil {
			bad(f.name, "cannot read %s", f.path)
		}
	}
	if cfg.NATSCredsFile != "" && cfg.NATSNkeyFile != "" {
		bad("nats-nkey-file", "give either -nats-creds-file or -nats-nkey-file, not both")
	}
	if (cfg.NATSCertFile == "") != (cfg.NATSKeyFile == "") {
		bad("nats-cert-file", "a client certificate needs both -nats-cert-file and -nats-key-file")
	}
	if cfg.NATSStreamReplicas < 0 || cfg.NATSStreamReplicas > 5 {
		bad("nats-stream-replicas", "must be 0 (automatic) or 1-5, got %d", cfg.NATSStreamReplicas)
	} else if cfg.NATSStreamReplicas > 1 && cfg.NATSURL == "" {
		bad("nats-stream-replicas", "more than one replica needs an external cluster (-nats-url)")
	}
	if !natsPrefixRE.MatchString(cfg.NATSPrefix) {
		bad("nats-prefix", "must be 1-32 of A-Z, a-z, 0-9, _ and -, got %q", cfg.NATSPrefix)
	}
	if cfg.DataDir != "" {
		if fi, err := os.Stat(cfg.DataDir); err == nil && !fi.IsDir() {
			bad("data-dir", "%s is not a directory", cfg.DataDir)
		}
	}
}
