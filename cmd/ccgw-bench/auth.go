package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// authSetup writes what a bridge with authentication needs for the grpc-auth path: a JWK Set
// with a fresh Ed25519 key and a policy letting the token's subject place calls for the
// authCallerBase agents; it returns the bridge's flags and a bearer token. Every call carries
// the token as a real client's would; the bridge verifies it once and then for a minute
// remembers it (auth/jwt.go), so the path measures what a steady client pays.
func authSetup(dir string, agents int) (flags []string, bearer string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": "bench", "x": base64.RawURLEncoding.EncodeToString(pub),
	}}})
	keys, policy := filepath.Join(dir, "bench-jwks.json"), filepath.Join(dir, "bench-policy.yaml")
	if err := os.WriteFile(keys, jwks, 0o600); err != nil {
		return nil, "", err
	}
	rules := fmt.Sprintf("callers:\n  - name: bench\n    match: {subject: bench}\n    allow: [{actions: [sign_in, call], agents: [\"%s-%s\"]}]\n",
		agentID(authCallerBase, 1), agentID(authCallerBase, agents))
	if err := os.WriteFile(policy, []byte(rules), 0o600); err != nil {
		return nil, "", err
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": "https://bench.invalid", "aud": "ccgw-bridge", "sub": "bench", "exp": time.Now().Add(24 * time.Hour).Unix(),
	})
	tok.Header["kid"] = "bench"
	signed, err := tok.SignedString(priv)
	if err != nil {
		return nil, "", err
	}
	return []string{"-auth-policy-file=" + policy, "-auth-jwt-keys-file=" + keys,
		"-auth-jwt-issuer=https://bench.invalid", "-auth-jwt-audience=ccgw-bridge"}, "Bearer " + signed, nil
}
