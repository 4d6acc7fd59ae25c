package app

import (
	"net/url"
	"os"
	"strings"
	"time"
)

// validateTrust checks the TLS, authentication and limit settings (README "Security").
func (cfg *Config) validateTrust(bad func(flagName, format string, a ...any)) {
	for _, f := range []struct{ name, path string }{
		{"tls-cert-file", cfg.TLSCertFile}, {"tls-key-file", cfg.TLSKeyFile}, {"tls-client-ca-file", cfg.TLSClientCAFile},
		{"auth-policy-file", cfg.AuthPolicyFile}, {"auth-jwt-keys-file", cfg.AuthJWTKeysFile},
	} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			bad(f.name, "cannot read %s", f.path)
		}
	}
	if (cfg.TLSCertFile == "") != (cfg.TLSKeyFile == "") {
		bad("tls-cert-file", "TLS needs both -tls-cert-file and -tls-key-file")
	}
	if cfg.TLSClientCAFile != "" && cfg.TLSCertFile == "" {
		bad("tls-client-ca-file", "client certificates need TLS (-tls-cert-file and -tls-key-file)")
	}
	if cfg.TLSRequireClientCert && cfg.TLSClientCAFile == "" {
		bad("tls-require-client-cert", "needs -tls-client-ca-file")
	}
	jwt := cfg.AuthJWTIssuer != "" || cfg.AuthJWTAudience != "" || cfg.AuthJWKSURL != "" || cfg.AuthJWTKeysFile != ""
	if jwt {
		if cfg.AuthJWTIssuer == "" || cfg.AuthJWTAudience == "" {
			bad("auth-jwt-issuer", "JWTs need both -auth-jwt-issuer and -auth-jwt-audience")
		}
		if (cfg.AuthJWKSURL == "") == (cfg.AuthJWTKeysFile == "") {
			bad("auth-jwks-url", "JWTs need exactly one of -auth-jwks-url and -auth-jwt-keys-file")
		}
		if cfg.AuthPolicyFile == "" {
			bad("auth-policy-file", "JWT settings need a policy saying what token holders may do")
		}
	}
	if cfg.AuthJWKSURL != "" {
		if u, err := url.Parse(cfg.AuthJWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("auth-jwks-url", "must be an absolute http(s) URL")
		}
	}
	if cfg.TLSClientCAFile != "" && cfg.AuthPolicyFile == "" && !cfg.TLSRequireClientCert {
		bad("tls-client-ca-file", "client certificates identify callers only with -auth-policy-file (or set -tls-require-client-cert to admit any certificate the CA signed)")
	}
	if cfg.AuthPolicyReload <= 0 {
		bad("auth-policy-reload", "must be a positive duration, got %v", cfg.AuthPolicyReload)
	}
	// Plaintext only by choice: a real gateway behind listeners that neither encrypt nor
	// authenticate lets anyone on the network sign its agents in and out.
	if cfg.GatewayURL != "" && cfg.TLSCertFile == "" && cfg.AuthPolicyFile == "" && !cfg.InsecureNoAuth {
		bad("gateway-url", "a real gateway needs TLS (-tls-cert-file) or authentication (-auth-policy-file); to serve it plaintext and unauthenticated anyway, set -insecure-no-auth")
	}
	if cfg.MaxBodyBytes < 1024 {
		bad("max-body-bytes", "must be at least 1024, got %d", cfg.MaxBodyBytes)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"http-body-timeout", cfg.HTTPBodyTimeout}, {"http-read-header-timeout", cfg.HTTPReadHeaderTimeout}, {"idle-timeout", cfg.IdleTimeout}, {"stream-send-timeout", cfg.StreamSendTimeout}} {
		if d.v <= 0 {
			bad(d.name, "must be a positive duration, got %v", d.v)
		}
	}
	if cfg.MaxStreams < 0 || cfg.MaxStreamsPerCaller < 0 || cfg.CommandBurst < 0 || cfg.CommandRate < 0 {
		bad("max-streams", "stream caps, -command-rate and -command-burst must not be negative")
	}
	for _, o := range cfg.corsOrigins() {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.User != nil || u.RawQuery != "" {
			bad("cors-origins", "%q is not an origin such as https://app.example", o)
		}
	}
}

func (cfg *Config) corsOrigins() []string {
	var out []string
	for o := range strings.SplitSeq(cfg.CORSOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
