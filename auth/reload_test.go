package auth_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Contains(l.b.Bytes(), []byte(s))
}

// The policy file is read again when it changes; a broken edit keeps the previous policy.
func TestPolicyFileReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeFile(t, path, "callers: [{name: a, match: {subject: a}, allow: [{actions: [call], agents: ['1001']}]}]")
	logs := &lockedBuffer{}
	f, err := auth.LoadPolicyFile(path, 10*time.Millisecond, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := auth.Identity{Kind: auth.KindJWT, Name: "a"}
	if !f.Current().Allowed(a, auth.Call, "1001") {
		t.Fatal("initial policy")
	}
	changed := f.Changed()
	writeFile(t, path, "callers: [{name: a, match: {subject: a}, allow: [{actions: [call], agents: ['1002']}]}]\n")
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no reload within 5s")
	}
	if f.Current().Allowed(a, auth.Call, "1001") || !f.Current().Allowed(a, auth.Call, "1002") {
		t.Fatal("reloaded policy not in force")
	}
	changed = f.Changed()
	writeFile(t, path, "callers: [ broken yaml, longer than before")
	deadline := time.Now().Add(5 * time.Second)
	for !logs.contains("policy file not reloaded") {
		if time.Now().After(deadline) {
			t.Fatal("a broken policy file was not reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-changed:
		t.Fatal("a broken file replaced the policy")
	default:
	}
	if !f.Current().Allowed(a, auth.Call, "1002") {
		t.Fatal("the previous policy must stay in force")
	}
}

func TestLoadPolicyFileRefusesBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeFile(t, path, "callers: [{name: a}]")
	if _, err := auth.LoadPolicyFile(path, time.Second, nil); err == nil {
		t.Fatal("a broken policy must stop the start")
	}
}

// selfSigned writes a certificate for 127.0.0.1 named cn to dir.
func selfSigned(t *testing.T, dir, cn string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})))
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

// A renewed certificate is served without a restart; TLS below 1.2 is refused.
func TestServerTLSReloadsCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, first := selfSigned(t, dir, "first")
	cfg, err := auth.ServerTLS(auth.TLSFiles{CertFile: certFile, KeyFile: keyFile}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	served := func(version uint16) (*x509.Certificate, error) {
		c, err := tls.Dial("tcp", lis.Addr().String(), &tls.Config{InsecureSkipVerify: true, MaxVersion: version}) //nolint:gosec // only reads the served certificate
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0], nil
	}
	if got, err := served(0); err != nil || !got.Equal(first) {
		t.Fatalf("first certificate: %v", err)
	}
	if _, err := served(tls.VersionTLS11); err == nil {
		t.Error("TLS 1.1 accepted")
	}
	time.Sleep(1100 * time.Millisecond) // the files are looked at once a second at most
	_, _, second := selfSigned(t, dir, "second")
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := served(0)
		if err == nil && got.Equal(second) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renewed certificate was not served")
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = lis.Close()
	<-done
}
