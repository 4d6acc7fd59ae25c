package gatewayclient

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPKI is a throwaway CA with a server and a client certificate, written
// to PEM files in a temporary directory.
type testPKI struct {
	dir                       string
	caFile                    string
	pool                      *x509.CertPool
	serverCert                tls.Certificate
	clientCertFile, clientKey string
}

func newTestPKI(t *testing.T, serverDNS string, serverIPs ...net.IP) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	must(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	must(t, err)
	p := &testPKI{dir: dir, caFile: filepath.Join(dir, "ca.pem"), pool: x509.NewCertPool()}
	p.pool.AddCert(caCert)
	writePEM(t, p.caFile, "CERTIFICATE", caDER)

	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) ([]byte, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames: dns, IPAddresses: ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		must(t, err)
		return der, key
	}
	srvDER, srvKey := leaf(2, "gateway", x509.ExtKeyUsageServerAuth, []string{serverDNS}, serverIPs)
	p.serverCert = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}

	cliDER, cliKey := leaf(3, "ccgw-bridge", x509.ExtKeyUsageClientAuth, nil, nil)
	p.clientCertFile, p.clientKey = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	writePEM(t, p.clientCertFile, "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalECPrivateKey(cliKey)
	must(t, err)
	writePEM(t, p.clientKey, "EC PRIVATE KEY", keyDER)
	return p
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	must(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

// tlsGateway serves okBody over TLS with the given server configuration and
// records the TLS state of each request.
type tlsGateway struct {
	srv   *httptest.Server
	mu    sync.Mutex
	state []*tls.ConnectionState
	proto []int
}

func newTLSGateway(t *testing.T, conf *tls.Config, h2 bool) *tlsGateway {
	t.Helper()
	g := &tlsGateway{}
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.state = append(g.state, r.TLS)
		g.proto = append(g.proto, r.ProtoMajor)
		g.mu.Unlock()
		ok(okBody)(w, r)
	}))
	g.srv.TLS = conf
	g.srv.EnableHTTP2 = h2
	g.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are the point
	g.srv.StartTLS()
	t.Cleanup(g.srv.Close)
	return g
}

func (g *tlsGateway) setIdle(t *testing.T, cfg Config) error {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = g.srv.URL
	}
	c, err := New(cfg)
	must(t, err)
	defer c.Close()
	return c.Session("1001", testGUID, "").SetIdle(ctxT(t))
}

func TestTLSVerification(t *testing.T) {
	pki := newTestPKI(t, "gateway.test", net.ParseIP("127.0.0.1"))
	g := newTLSGateway(t, &tls.Config{Certificates: []tls.Certificate{pki.serverCert}}, true)

	t.Run("trusted through CAFile, HTTP/1.1, TLS 1.2+", func(t *testing.T) {
		must(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile}}))
		g.mu.Lock()
		defer g.mu.Unlock()
		last := len(g.state) - 1
		if g.state[last] == nil || g.state[last].Version < tls.VersionTLS12 {
			t.Errorf("TLS state %+v", g.state[last])
		}
		if g.proto[last] != 1 {
			t.Errorf("HTTP/%d used; the client must stay on HTTP/1.1", g.proto[last])
		}
	})
	t.Run("unknown authority is refused", func(t *testing.T) {
		err := g.setIdle(t, Config{})
		transportErr(t, err, TransportUnreachable)
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("message should mention the certificate: %v", err)
		}
	})
	t.Run("server name override", func(t *testing.T) {
		must(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile, ServerName: "gateway.test"}}))
		transportErr(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile, ServerName: "other.test"}}), TransportUnreachable)
	})
	t.Run("insecure skip verify works and warns", func(t *testing.T) {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		must(t, g.setIdle(t, Config{TLS: TLSConfig{InsecureSkipVerify: true}, Logger: logger}))
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "insecure-skip-verify") {
			t.Errorf("no warning logged: %q", logs.String())
		}
	})
}

func TestTLSNameOnlyCertificate(t *testing.T) {
	pki := newTestPKI(t, "gateway.test") // no IP SAN: only the override can match
	g := newTLSGateway(t, &tls.Config{Certificates: []tls.Certificate{pki.serverCert}}, false)
	transportErr(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile}}), TransportUnreachable)
	must(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile, ServerName: "gateway.test"}}))
}

func TestTLSClientCertificate(t *testing.T) {
	pki := newTestPKI(t, "gateway.test", net.ParseIP("127.0.0.1"))
	g := newTLSGateway(t, &tls.Config{
		Certificates: []tls.Certificate{pki.serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pki.pool,
	}, false)
	if err := g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile}}); err == nil {
		t.Fatal("server demanding a client certificate accepted none")
	}
	must(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile, CertFile: pki.clientCertFile, KeyFile: pki.clientKey}}))
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.state[len(g.state)-1]
	if len(st.PeerCertificates) == 0 || st.PeerCertificates[0].Subject.CommonName != "ccgw-bridge" {
		t.Errorf("server did not see the client certificate")
	}
}

func TestTLSMinimumVersion(t *testing.T) {
	pki := newTestPKI(t, "gateway.test", net.ParseIP("127.0.0.1"))
	g := newTLSGateway(t, &tls.Config{Certificates: []tls.Certificate{pki.serverCert}, MaxVersion: tls.VersionTLS11}, false)
	transportErr(t, g.setIdle(t, Config{TLS: TLSConfig{CAFile: pki.caFile}}), TransportUnreachable)
}

func TestTransportTuning(t *testing.T) {
	c, err := New(Config{BaseURL: "https://gateway.test:8043"})
	must(t, err)
	defer c.Close()
	if c.http == http.DefaultClient || c.http.CheckRedirect == nil || c.http.Timeout != 0 {
		t.Errorf("client: default=%v redirect policy=%v timeout=%v", c.http == http.DefaultClient, c.http.CheckRedirect != nil, c.http.Timeout)
	}
	tr, isTransport := c.http.Transport.(*http.Transport)
	if !isTransport {
		t.Fatalf("transport is %T", c.http.Transport)
	}
	switch {
	case tr.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost:
		t.Errorf("MaxIdleConnsPerHost = %d", tr.MaxIdleConnsPerHost)
	case tr.MaxConnsPerHost != 0:
		t.Errorf("MaxConnsPerHost = %d, want no cap", tr.MaxConnsPerHost)
	case tr.DisableKeepAlives:
		t.Error("keep-alives disabled")
	case tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.TLSClientConfig.InsecureSkipVerify:
		t.Errorf("TLS config %+v", tr.TLSClientConfig)
	case tr.Protocols == nil || tr.Protocols.HTTP2() || !tr.Protocols.HTTP1():
		t.Errorf("protocols %v", tr.Protocols)
	case tr.TLSHandshakeTimeout <= 0 || tr.DialContext == nil || tr.Proxy != nil:
		t.Error("dial/handshake limits or proxy policy not set")
	}
	if c.reqTimeout != DefaultRequestTimeout || c.pollTimeout != DefaultPollTimeout || c.maxBody != DefaultMaxBodyBytes {
		t.Errorf("defaults: %v %v %d", c.reqTimeout, c.pollTimeout, c.maxBody)
	}
	if c.pollTimeout <= 10*time.Second {
		t.Error("default poll deadline must exceed the gateway's 10 s wait")
	}
	if got := c.base.String(); got != "https://gateway.test:8043/agentgateway/resource" {
		t.Errorf("base = %s", got)
	}

	c2, err := New(Config{BaseURL: "https://gateway.test:8043", MaxConnsPerHost: 500, MaxIdleConnsPerHost: 64})
	must(t, err)
	defer c2.Close()
	tr2 := c2.http.Transport.(*http.Transport)
	if tr2.MaxConnsPerHost != 500 || tr2.MaxIdleConnsPerHost != 64 {
		t.Errorf("pool overrides ignored: %d %d", tr2.MaxConnsPerHost, tr2.MaxIdleConnsPerHost)
	}
}

func TestConfigErrors(t *testing.T) {
	pki := newTestPKI(t, "gateway.test")
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	must(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
	cases := []struct {
		name string
		cfg  Config
	}{
		{"empty URL", Config{}},
		{"ftp scheme", Config{BaseURL: "ftp://gw:21"}},
		{"no host", Config{BaseURL: "https:///agentgateway"}},
		{"user info", Config{BaseURL: "https://admin:S3CR3T-url@gw:8043"}},
		{"query", Config{BaseURL: "https://gw:8043/?x=1"}},
		{"fragment", Config{BaseURL: "https://gw:8043/#f"}},
		{"unparsable", Config{BaseURL: "https://gw:port/"}},
		{"unparsable with user info", Config{BaseURL: "https://admin:S3CR3T-url@gw:port/"}},
		{"negative timeout", Config{BaseURL: "https://gw", RequestTimeout: -1}},
		{"negative body limit", Config{BaseURL: "https://gw", MaxBodyBytes: -1}},
		{"missing CA file", Config{BaseURL: "https://gw", TLS: TLSConfig{CAFile: filepath.Join(pki.dir, "nope.pem")}}},
		{"CA file without PEM", Config{BaseURL: "https://gw", TLS: TLSConfig{CAFile: notPEM}}},
		{"cert without key", Config{BaseURL: "https://gw", TLS: TLSConfig{CertFile: pki.clientCertFile}}},
		{"key without cert", Config{BaseURL: "https://gw", TLS: TLSConfig{KeyFile: pki.clientKey}}},
		{"mismatched pair", Config{BaseURL: "https://gw", TLS: TLSConfig{CertFile: pki.clientCertFile, KeyFile: pki.caFile}}},
		{"TLS on http", Config{BaseURL: "http://gw", TLS: TLSConfig{CAFile: pki.caFile}}},
		{"TLS with HTTPClient", Config{BaseURL: "https://gw", HTTPClient: &http.Client{}, TLS: TLSConfig{ServerName: "x"}}},
	}
	for _, tc := range cases {
		c, err := New(tc.cfg)
		if err == nil {
			c.Close()
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if strings.Contains(err.Error(), "S3CR3T") {
			t.Errorf("%s: error echoes URL credentials: %v", tc.name, err)
		}
	}
}

func TestHTTPClientOverride(t *testing.T) {
	g := newFakeGateway(t, ok(okBody))
	var used bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := New(Config{BaseURL: g.srv.URL, HTTPClient: hc})
	must(t, err)
	defer func() { c.Close(); http.DefaultTransport.(*http.Transport).CloseIdleConnections() }()
	must(t, c.Session("1001", testGUID, "").SetIdle(ctxT(t)))
	if !used {
		t.Error("HTTPClient override not used")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
