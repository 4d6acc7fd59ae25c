package gatewayclient

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultRequestTimeout      = 10 * time.Second
	DefaultPollTimeout         = 15 * time.Second // must exceed the gateway's 10 s long-poll wait
	DefaultMaxBodyBytes        = int64(1 << 20)
	DefaultMaxIdleConnsPerHost = 10000 // one idle connection per long-polling agent, thousands of agents
)

// resourcePath is the prefix below which every agent operation lives.
const resourcePath = "/agentgateway/resource"

// TLSConfig configures how the gateway's certificate is checked and which
// client certificate is presented. TLS 1.2 is the minimum version.
type TLSConfig struct {
	CAFile            string // PEM bundle to trust (empty: system roots)
	CertFile, KeyFile string // optional client certificate (both or neither)
	ServerName        string // SNI / verification name override
	// InsecureSkipVerify disables certificate verification. Only for tests and
	// labs; New logs a warning when it is set ("insecure-skip-verify").
	InsecureSkipVerify bool
}

func (t TLSConfig) isZero() bool { return t == TLSConfig{} }

// Config configures a Client.
type Config struct {
	// BaseURL is "https://host:8043" or "https://host:8043/agentgateway/resource";
	// the resource prefix is appended when absent. "http" is accepted for a
	// local simulator.
	BaseURL        string
	TLS            TLSConfig
	RequestTimeout time.Duration // per command call; default 10s
	PollTimeout    time.Duration // per poll call; default 15s
	MaxBodyBytes   int64         // response body limit; default 1 MiB

	// MaxIdleConnsPerHost bounds the idle keep-alive pool (default 10000).
	MaxIdleConnsPerHost int
	// MaxConnsPerHost caps connections to the gateway; 0 (default) = no cap,
	// because every signed-in agent holds one connection in a long poll.
	MaxConnsPerHost int

	// HTTPClient replaces the tuned client New builds (tests). TLS options
	// cannot be combined with it; redirects are its own business.
	HTTPClient *http.Client
	// OnCall, if set, is called synchronously once per HTTP call (metrics).
	OnCall func(CallInfo)
	// Logger receives the insecure-skip-verify warning; nil = slog.Default().
	Logger *slog.Logger
}

// CallInfo describes one finished HTTP call for OnCall. It never carries a
// password, GUID or cookie.
type CallInfo struct {
	Op       string // gateway log name: "login", "getAgentEvent", ...
	AgentID  string
	Retcode  string // "" when no envelope was decoded (transport error)
	Duration time.Duration
	Err      error
}

// Operation names, as the gateway logs them; used in CallInfo.Op and in errors.
const (
	OpLogin          = "login"
	OpForceLogin     = "forceLogin"
	OpLogout         = "logout"
	OpForceLogout    = "forceLogout"
	OpResetSkill     = "resetSkill"
	OpSayFree        = "sayFree"
	OpSayBusy        = "sayBusy"
	OpGetAgentEvent  = "getAgentEvent"
	OpCallInnerSkill = "callInnerSkill"
	OpTransfer       = "transfer"
)

func (cfg Config) withDefaults() (Config, error) {
	if cfg.RequestTimeout < 0 || cfg.PollTimeout < 0 || cfg.MaxBodyBytes < 0 ||
		cfg.MaxIdleConnsPerHost < 0 || cfg.MaxConnsPerHost < 0 {
		return cfg, errors.New("gatewayclient: timeouts, limits and pool sizes must not be negative")
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxIdleConnsPerHost == 0 {
		cfg.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// resolveBaseURL normalises BaseURL to ".../agentgateway/resource" without a
// trailing slash. Error texts never echo the URL: it might carry credentials.
func resolveBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("gatewayclient: BaseURL cannot be parsed: %w", err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, errors.New(`gatewayclient: BaseURL must start with "https://" (or "http://" for a local simulator)`)
	case u.Host == "":
		return nil, errors.New("gatewayclient: BaseURL has no host")
	case u.User != nil:
		return nil, errors.New("gatewayclient: BaseURL must not carry user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, errors.New("gatewayclient: BaseURL must not carry a query or fragment")
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, resourcePath) {
		p += resourcePath
	}
	u.Path, u.RawPath = p, ""
	return u, nil
}
