package gatewayclient

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Client talks to one CC-Gateway. It is safe for concurrent use; create one
// per gateway and share it between all agents' sessions.
type Client struct {
	base        *url.URL
	http        *http.Client
	reqTimeout  time.Duration
	pollTimeout time.Duration
	maxBody     int64
	onCall      func(CallInfo)
}

// New validates cfg and builds a Client. Unless cfg.HTTPClient is given it
// builds its own tuned transport; http.DefaultClient is never used.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, err := resolveBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc != nil {
		if !cfg.TLS.isZero() {
			return nil, errors.New("gatewayclient: TLS options cannot be combined with HTTPClient; configure TLS on that client")
		}
	} else {
		if base.Scheme == "http" && !cfg.TLS.isZero() {
			return nil, errors.New(`gatewayclient: TLS options need an "https://" BaseURL`)
		}
		tlsConf, err := buildTLS(cfg.TLS)
		if err != nil {
			return nil, err
		}
		if cfg.TLS.InsecureSkipVerify {
			cfg.Logger.Warn("gatewayclient: insecure-skip-verify is set: the gateway certificate is NOT verified; never use this in production",
				"gateway_host", base.Host)
		}
		hc = &http.Client{
			Transport: newTransport(cfg, tlsConf),
			// The gateway never redirects; following one would send the Guid
			// header to wherever the Location points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Client{
		base:        base,
		http:        hc,
		reqTimeout:  cfg.RequestTimeout,
		pollTimeout: cfg.PollTimeout,
		maxBody:     cfg.MaxBodyBytes,
		onCall:      cfg.OnCall,
	}, nil
}

// Close releases idle connections. In-flight calls are not interrupted;
// cancel their contexts for that.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Session resumes a session whose GUID (and cookie) were obtained elsewhere,
// for example restored from a store. Arguments are checked when a call is made.
func (c *Client) Session(agentID, guid, cookie string) *Session {
	return &Session{client: c, agentID: agentID, guid: guid, cookie: cookie}
}
