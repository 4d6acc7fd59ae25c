package app_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testPKI is a CA made for one test, with a server certificate for 127.0.0.1 and client
// certificates on demand; every file lands in the test's temp dir.
type testPKI struct {
	t        *testing.T
	dir      string
	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey
	CAFile   string
	CertFile string
	KeyFile  string
	pool     *x509.CertPool
	serial   int64
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{t: t, dir: t.TempDir()}
	p.caKey = mustKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p.caKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	p.ca, _ = x509.ParseCertificate(der)
	p.pool = x509.NewCertPool()
	p.pool.AddCert(p.ca)
	p.CAFile = p.write("ca.pem", "CERTIFICATE", der)
	p.CertFile, p.KeyFile = p.issue("server", func(c *x509.Certificate) {
		c.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	return p
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (p *testPKI) write(name, typ string, der []byte) string {
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}

// issue signs a certificate named name and returns its cert and key files.
func (p *testPKI) issue(name string, shape func(*x509.Certificate)) (certFile, keyFile string) {
	p.t.Helper()
	p.serial++
	key := mustKey(p.t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(p.serial + 1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	shape(tmpl)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		p.t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.write(name+".pem", "CERTIFICATE", der), p.write(name+"-key.pem", "PRIVATE KEY", kder)
}

// clientTLS trusts the test CA and, when a client name is given, presents a client
// certificate with that URI SAN.
func (p *testPKI) clientTLS(uriSAN string) *tls.Config {
	p.t.Helper()
	c := &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}
	if uriSAN != "" {
		u, err := url.Parse(uriSAN)
		if err != nil {
			p.t.Fatal(err)
		}
		cf, kf := p.issue("client-"+hex.EncodeToString([]byte(u.Host)), func(c *x509.Certificate) {
			c.URIs = []*url.URL{u}
			c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		})
		pair, err := tls.LoadX509KeyPair(cf, kf)
		if err != nil {
			p.t.Fatal(err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c
}

// testIssuer is an OIDC-like token issuer: an Ed25519 key whose JWKS an httptest server serves.
type testIssuer struct {
	URL    string // the JWKS URL
	Issuer string
	key    ed25519.PrivateKey
	kid    string
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	iss := &testIssuer{Issuer: "https://idp.test", key: priv, kid: "k1"}
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": iss.kid,
		"x": base64.RawURLEncoding.EncodeToString(pub),
	}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(srv.Close)
	iss.URL = srv.URL + "/jwks.json"
	return iss
}

// token signs a JWT for sub; edit changes its claims before signing.
func (iss *testIssuer) token(t *testing.T, sub string, edit func(jwt.MapClaims)) string {
	t.Helper()
	claims := jwt.MapClaims{"iss": iss.Issuer, "aud": "ccgw-bridge", "sub": sub,
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
	if edit != nil {
		edit(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = iss.kid
	s, err := tok.SignedString(iss.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// foreignToken is a well-formed token for sub signed by a key the issuer never published.
func foreignToken(t *testing.T, iss *testIssuer, sub string) string {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	other := *iss
	other.key = priv
	return other.token(t, sub, nil)
}

func sha256Hex(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}
