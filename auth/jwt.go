package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig says which JWTs are accepted.
type JWTConfig struct {
	Issuer   string // required: the iss claim
	Audience string // required: one of the aud claim's values
	// JWKSURL is fetched, cached and refreshed (hourly, and at once, rate-limited, when a token
	// names an unknown key id: the issuer rotated its keys).
	JWKSURL string
	// KeysFile is a JWK Set (JSON) read once at start, for issuers without a JWKS endpoint.
	KeysFile string
	// Leeway tolerates clock skew on exp and nbf.
	Leeway time.Duration
	Logger *slog.Logger
}

// JWTVerifier checks signature, issuer, audience, expiry and not-before of bearer JWTs.
type JWTVerifier struct {
	keys   keyfunc.Keyfunc
	parser *jwt.Parser
	stop   context.CancelFunc
	cache  verifiedCache
}

// A client sends the same token with every call until it expires. Verifying its signature
// each time would cost more than the rest of the bridge's work on the call, so a verified
// token's identity is remembered until the token expires, for at most verifiedTTL (so a key
// the issuer withdraws stops working within that time), and at most verifiedMax tokens.
const (
	verifiedTTL = time.Minute
	verifiedMax = 10000
)

type verifiedCache struct {
	mu sync.Mutex
	m  map[string]verified
}

type verified struct {
	id    Identity
	until time.Time
}

func (c *verifiedCache) get(token string, now time.Time) (Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[token]
	if !ok || !now.Before(v.until) {
		return Identity{}, false
	}
	return v.id, true
}

func (c *verifiedCache) put(token string, id Identity, exp, now time.Time) {
	until := now.Add(verifiedTTL)
	if exp.Before(until) {
		until = exp
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= verifiedMax {
		for k, v := range c.m {
			if !now.Before(v.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= verifiedMax {
			clear(c.m) // all live: start over rather than grow
		}
	}
	if c.m == nil {
		c.m = map[string]verified{}
	}
	c.m[token] = verified{id: id, until: until}
}

// Asymmetric algorithms only: with an HMAC algorithm a public key would become a shared secret.
var jwtMethods = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// NewJWTVerifier fetches the key set (a JWKS URL that cannot be reached yet is retried in the
// background; tokens fail until it answers). Close stops the refresh.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("a JWT issuer and audience are both required")
	}
	if (cfg.JWKSURL == "") == (cfg.KeysFile == "") {
		return nil, errors.New("exactly one of a JWKS URL and a keys file is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	v := &JWTVerifier{parser: jwt.NewParser(
		jwt.WithIssuer(cfg.Issuer), jwt.WithAudience(cfg.Audience), jwt.WithExpirationRequired(),
		jwt.WithValidMethods(jwtMethods), jwt.WithLeeway(cfg.Leeway),
	)}
	var err error
	if cfg.KeysFile != "" {
		raw, rerr := os.ReadFile(cfg.KeysFile)
		if rerr != nil {
			return nil, rerr
		}
		if v.keys, err = keyfunc.NewJWKSetJSON(raw); err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.KeysFile, err)
		}
		v.stop = func() {}
		return v, nil
	}
	ctx, stop := context.WithCancel(context.Background())
	noErr := true
	v.keys, err = keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
		Client:                    &http.Client{Timeout: 10 * time.Second},
		HTTPTimeout:               10 * time.Second,
		RefreshInterval:           time.Hour,
		NoErrorReturnFirstHTTPReq: &noErr,
		RefreshErrorHandlerFunc: func(string) func(context.Context, error) {
			return func(_ context.Context, err error) {
				cfg.Logger.Warn("fetching the JWT issuer's key set failed; keeping the keys already known", "err", err)
			}
		},
	})
	if err != nil {
		stop()
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	v.stop = stop
	return v, nil
}

// Verify returns the token's identity (its subject and claims) or an error wrapping
// ErrBadCredentials.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (Identity, error) {
	now := time.Now()
	if id, ok := v.cache.get(token, now); ok {
		return id, nil
	}
	claims := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(token, claims, v.keys.KeyfuncCtx(ctx)); err != nil {
		return Identity{}, errors.Join(ErrBadCredentials, err)
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return Identity{}, errors.Join(ErrBadCredentials, errors.New("the token has no subject"))
	}
	id := Identity{Kind: KindJWT, Name: sub, Claims: claims}
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		v.cache.put(token, id, exp.Time, now)
	}
	return id, nil
}

// Close stops refreshing the key set.
func (v *JWTVerifier) Close() { v.stop() }
