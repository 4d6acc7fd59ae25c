package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type signer struct {
	kid  string
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newSigner(t testing.TB, kid string) signer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid: kid, priv: priv, pub: pub}
}

func jwks(signers ...signer) []byte {
	var keys []map[string]string
	for _, s := range signers {
		keys = append(keys, map[string]string{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": s.kid,
			"x": base64.RawURLEncoding.EncodeToString(s.pub)})
	}
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

func (s signer) token(t testing.TB, edit func(jwt.MapClaims)) string {
	t.Helper()
	c := jwt.MapClaims{"iss": "https://idp.test", "aud": []string{"other", "bridge"}, "sub": "alice", "exp": time.Now().Add(time.Minute).Unix()}
	if edit != nil {
		edit(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.priv)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keysFileVerifier(t *testing.T, s signer) *auth.JWTVerifier {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, jwks(s), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewJWTVerifier(auth.JWTConfig{Issuer: "https://idp.test", Audience: "bridge", KeysFile: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

func TestAuthenticate(t *testing.T) {
	s := newSigner(t, "k1")
	p, err := auth.ParsePolicy([]byte("api_keys: [{name: crm, sha256: " + digest("crm-secret") + "}]"))
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewAuthenticator(keysFileVerifier(t, s), func() *auth.Policy { return p })
	hmac := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "https://idp.test", "aud": "bridge", "sub": "alice", "exp": time.Now().Add(time.Minute).Unix()})
	hmac.Header["kid"] = "k1"
	hmacTok, _ := hmac.SignedString([]byte(s.pub)) // the public key used as an HMAC secret
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": "https://idp.test", "aud": "bridge", "sub": "alice", "exp": time.Now().Add(time.Minute).Unix()})
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	tests := []struct {
		name   string
		authz  string
		want   string // identity String(), or "" for an error
		noCred bool
	}{
		{"api key", "Bearer crm-secret", "apikey:crm", false},
		{"scheme case", "bearer crm-secret", "apikey:crm", false},
		{"jwt", "Bearer " + s.token(t, nil), "jwt:alice", false},
		{"unknown api key", "Bearer crm-secret2", "", false},
		{"basic scheme", "Basic Y3JtOmNybS1zZWNyZXQ=", "", false},
		{"bare key", "crm-secret", "", false},
		{"empty bearer", "Bearer ", "", false},
		{"expired", "Bearer " + s.token(t, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), "", false},
		{"no expiry", "Bearer " + s.token(t, func(c jwt.MapClaims) { delete(c, "exp") }), "", false},
		{"not yet valid", "Bearer " + s.token(t, func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() }), "", false},
		{"wrong audience", "Bearer " + s.token(t, func(c jwt.MapClaims) { c["aud"] = "other" }), "", false},
		{"wrong issuer", "Bearer " + s.token(t, func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), "", false},
		{"no subject", "Bearer " + s.token(t, func(c jwt.MapClaims) { delete(c, "sub") }), "", false},
		{"foreign key", "Bearer " + newSigner(t, "k1").token(t, nil), "", false},
		{"HMAC with the public key", "Bearer " + hmacTok, "", false},
		{"alg none", "Bearer " + noneTok, "", false},
		{"nothing", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := a.Authenticate(context.Background(), auth.Credentials{Authorization: tc.authz})
			switch {
			case tc.want != "":
				if err != nil || id.String() != tc.want {
					t.Fatalf("got %v %v, want %s", id, err, tc.want)
				}
			case tc.noCred:
				if !errors.Is(err, auth.ErrNoCredentials) {
					t.Fatalf("got %v, want ErrNoCredentials", err)
				}
			default:
				if !errors.Is(err, auth.ErrBadCredentials) {
					t.Fatalf("got %v %v, want ErrBadCredentials", id, err)
				}
				if secret := strings.TrimPrefix(tc.authz, "Bearer "); len(secret) > 8 && strings.Contains(err.Error(), secret) {
					t.Error("the error quotes the credential")
				}
			}
		})
	}
}

func TestCertificateIdentity(t *testing.T) {
	u, _ := url.Parse("spiffe://corp/crm")
	c := &x509.Certificate{URIs: []*url.URL{u}, DNSNames: []string{"crm.corp"}, Subject: pkix.Name{CommonName: "crm"}}
	a := auth.NewAuthenticator(nil, func() *auth.Policy { return nil })
	id, err := a.Authenticate(context.Background(), auth.Credentials{Cert: c})
	if err != nil || id.String() != "cert:spiffe://corp/crm" || strings.Join(id.CertNames, ",") != "spiffe://corp/crm,crm.corp,crm" {
		t.Fatalf("%+v %v", id, err)
	}
	// A token names its caller more precisely than the connection's certificate.
	if _, err := a.Authenticate(context.Background(), auth.Credentials{Cert: c, Authorization: "Bearer x.y.z"}); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("a bad token next to a good certificate: %v", err)
	}
}

// The issuer rotates its key: a token with the new key id verifies once the key set is
// fetched again, which an unknown key id triggers.
func TestJWKSRotation(t *testing.T) {
	old, next := newSigner(t, "old"), newSigner(t, "new")
	var rotated atomic.Bool
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		if rotated.Load() {
			_, _ = w.Write(jwks(next))
			return
		}
		_, _ = w.Write(jwks(old))
	}))
	defer srv.Close()
	v, err := auth.NewJWTVerifier(auth.JWTConfig{Issuer: "https://idp.test", Audience: "bridge", JWKSURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ctx := context.Background()
	if _, err := v.Verify(ctx, old.token(t, nil)); err != nil {
		t.Fatalf("old key: %v", err)
	}
	rotated.Store(true)
	if _, err := v.Verify(ctx, next.token(t, nil)); err != nil {
		t.Fatalf("new key after rotation: %v", err)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d fetches of the key set, want 2 (start, rotation)", n)
	}
	// The cached set serves repeated tokens without fetching.
	for range 10 {
		if _, err := v.Verify(ctx, next.token(t, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d fetches after cached verifications, want 2", n)
	}
}

func FuzzAuthenticate(f *testing.F) {
	s := newSigner(f, "k1")
	f.Add("Bearer " + s.token(f, nil))
	f.Add("Bearer crm-secret")
	f.Add("Bearer a.b.c")
	f.Add("bearer  x")
	path := filepath.Join(f.TempDir(), "jwks.json")
	if err := os.WriteFile(path, jwks(s), 0o600); err != nil {
		f.Fatal(err)
	}
	v, err := auth.NewJWTVerifier(auth.JWTConfig{Issuer: "https://idp.test", Audience: "bridge", KeysFile: path})
	if err != nil {
		f.Fatal(err)
	}
	p, _ := auth.ParsePolicy([]byte("api_keys: [{name: crm, sha256: " + digest("crm-secret") + "}]"))
	a := auth.NewAuthenticator(v, func() *auth.Policy { return p })
	f.Fuzz(func(t *testing.T, authz string) {
		id, err := a.Authenticate(context.Background(), auth.Credentials{Authorization: authz})
		if err == nil && id.Kind == auth.KindAPIKey && strings.TrimSpace(authz[7:]) != "crm-secret" {
			t.Fatalf("%q accepted as the crm key", authz)
		}
	})
}

// A verified token is remembered, but never past its expiry.
func TestVerifiedTokenNotServedPastExpiry(t *testing.T) {
	s := newSigner(t, "k1")
	v := keysFileVerifier(t, s)
	tok := s.token(t, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(1100 * time.Millisecond).Unix() })
	for range 3 {
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2100 * time.Millisecond)
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("an expired token was accepted from the cache: %v", err)
	}
}
