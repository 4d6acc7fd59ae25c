package auth

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"strings"
)

// Kind says how a caller proved who it is.
type Kind int

const (
	KindNone   Kind = iota // no credentials
	KindCert               // a verified client certificate (mTLS)
	KindJWT                // a verified bearer JWT
	KindAPIKey             // a configured API key
)

// Identity is a verified caller. It holds no secret: the token or key that proved it is gone.
type Identity struct {
	Kind Kind
	// Name is the JWT subject, the API key's name, or the certificate's first name (CertNames).
	Name string
	// CertNames are a client certificate's URI SANs, DNS SANs and subject common name.
	CertNames []string
	// Claims are a JWT's claims (KindJWT only).
	Claims map[string]any
}

// String is the caller as audit and access logs name it: "jwt:alice", "apikey:crm",
// "cert:spiffe://example.org/crm", or "anonymous".
func (id Identity) String() string {
	switch id.Kind {
	case KindCert:
		return "cert:" + id.Name
	case KindJWT:
		return "jwt:" + id.Name
	case KindAPIKey:
		return "apikey:" + id.Name
	}
	return "anonymous"
}

// Errors of Authenticate. Callers are told only which of the two happened, never which part of
// a credential was wrong; the detail goes to the debug log.
var (
	ErrNoCredentials  = errors.New("no credentials")
	ErrBadCredentials = errors.New("credentials not accepted")
)

// Credentials are what a request carried.
type Credentials struct {
	// Authorization is the value of the authorization header or metadata, "Bearer <token>".
	Authorization string
	// Cert is the verified client certificate of the connection, if any.
	Cert *x509.Certificate
}

// Authenticator turns credentials into an identity. A bearer value with two dots is taken as a
// JWT, anything else as an API key; a client certificate identifies the caller only when no
// bearer credential was sent (a token names a caller more precisely than its host).
type Authenticator struct {
	jwt    *JWTVerifier // nil: JWTs are not accepted
	policy func() *Policy
}

// NewAuthenticator builds an authenticator; jwt may be nil; policy returns the current policy,
// which holds the API keys.
func NewAuthenticator(jwt *JWTVerifier, policy func() *Policy) *Authenticator {
	return &Authenticator{jwt: jwt, policy: policy}
}

// Authenticate returns the caller's identity, ErrNoCredentials or an error wrapping
// ErrBadCredentials (its text is for the debug log, never for the caller).
func (a *Authenticator) Authenticate(ctx context.Context, c Credentials) (Identity, error) {
	if c.Authorization == "" {
		if c.Cert != nil {
			return certIdentity(c.Cert), nil
		}
		return Identity{}, ErrNoCredentials
	}
	scheme, value, ok := strings.Cut(c.Authorization, " ")
	value = strings.TrimSpace(value)
	if !ok || !strings.EqualFold(scheme, "bearer") || value == "" {
		return Identity{}, errors.Join(ErrBadCredentials, errors.New("authorization is not a bearer credential"))
	}
	if strings.Count(value, ".") == 2 {
		if a.jwt == nil {
			return Identity{}, errors.Join(ErrBadCredentials, errors.New("a JWT was sent but no JWT issuer is configured"))
		}
		return a.jwt.Verify(ctx, value)
	}
	if name, ok := a.policy().APIKeyName(sha256.Sum256([]byte(value))); ok {
		return Identity{Kind: KindAPIKey, Name: name}, nil
	}
	return Identity{}, errors.Join(ErrBadCredentials, errors.New("unknown API key"))
}

// certIdentity names a verified client certificate by its URI SANs (SPIFFE ids), DNS SANs and
// subject common name, in that order.
func certIdentity(c *x509.Certificate) Identity {
	var names []string
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	names = append(names, c.DNSNames...)
	if c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	id := Identity{Kind: KindCert, CertNames: names}
	if len(names) > 0 {
		id.Name = names[0]
	}
	return id
}
