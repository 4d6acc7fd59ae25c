package app

import (
	"net/url"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
	"github.com/ccgw-bridge/ccgw-bridge/server"
)

// trust fills the server's TLS, authentication and limit settings from the configuration,
// and says loudly what is left open.
func (a *App) trust(sc *server.Config) error {
	cfg, log := a.cfg, a.log
	if cfg.GatewayURL != "" {
		if u, err := url.Parse(cfg.GatewayURL); err == nil && u.Scheme == "http" {
			log.Warn("the gateway URL is plain http: agent passwords and GUIDs cross the network unencrypted", "gateway", redactURL(cfg.GatewayURL))
		}
	}
	if cfg.TLSCertFile != "" {
		tc, err := auth.ServerTLS(auth.TLSFiles{CertFile: cfg.TLSCertFile, KeyFile: cfg.TLSKeyFile,
			ClientCAFile: cfg.TLSClientCAFile, RequireClientCert: cfg.TLSRequireClientCert}, log)
		if err != nil {
			return err
		}
		sc.TLS = tc
	}
	if cfg.AuthPolicyFile != "" {
		pf, err := auth.LoadPolicyFile(cfg.AuthPolicyFile, cfg.AuthPolicyReload, log)
		if err != nil {
			return err
		}
		a.policy = pf
		var jv *auth.JWTVerifier
		if cfg.AuthJWTIssuer != "" {
			if jv, err = auth.NewJWTVerifier(auth.JWTConfig{Issuer: cfg.AuthJWTIssuer, Audience: cfg.AuthJWTAudience,
				JWKSURL: cfg.AuthJWKSURL, KeysFile: cfg.AuthJWTKeysFile, Leeway: jwtLeeway, Logger: log}); err != nil {
				return err
			}
			a.jwt = jv
		}
		sc.Auth = &server.Auth{Authenticator: auth.NewAuthenticator(jv, pf.Current), Policy: pf}
	}
	switch {
	case sc.Auth == nil && cfg.GatewayURL != "" && sc.TLS == nil:
		log.Warn("INSECURE: plaintext listeners and no authentication in front of a real gateway (-insecure-no-auth): anyone who can reach the bridge controls its agents")
	case sc.Auth == nil:
		log.Warn("no -auth-policy-file: every caller may do everything")
	}
	sc.Limits = server.Limits{
		MaxBodyBytes: cfg.MaxBodyBytes, BodyTimeout: cfg.HTTPBodyTimeout, ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout,
		IdleTimeout: cfg.IdleTimeout, MaxStreams: cfg.MaxStreams, MaxStreamsPerCaller: cfg.MaxStreamsPerCaller,
		CommandRate: cfg.CommandRate, CommandBurst: cfg.CommandBurst, CORSOrigins: cfg.corsOrigins(),
		StreamSendTimeout: cfg.StreamSendTimeout,
	}
	sc.NoReflection = !cfg.GRPCReflection
	switch cfg.AdminListen {
	case "":
		sc.Admin = server.AdminOnMain
	case "none":
		sc.Admin = server.AdminOff
	default:
		sc.Admin = server.AdminSeparate
	}
	return nil
}
