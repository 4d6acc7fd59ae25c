// Package auth decides who is calling the bridge and what they may do: caller identities from
// client certificates, bearer JWTs and API keys (identity.go, jwt.go), a policy file that grants
// actions over sets of agent ids (policy.go, policyfile.go), the audit log (audit.go) and the
// listeners' TLS configuration with certificates reloaded from disk (tls.go).
//
// It implements no cryptography: JWTs are verified by github.com/golang-jwt/jwt/v5 with keys
// from github.com/MicahParks/keyfunc/v3, certificates by crypto/tls, and API keys are compared as
// SHA-256 digests with crypto/subtle.
package auth
