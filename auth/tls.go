package auth

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// TLSFiles are the listeners' certificate, key and (for mTLS) client CA bundle.
type TLSFiles struct {
	CertFile, KeyFile string
	ClientCAFile      string // empty: no client certificates asked for
	// RequireClientCert refuses connections without a verified client certificate; otherwise
	// one is verified when sent, and callers may authenticate with a token instead.
	RequireClientCert bool
}

// reloadCheck bounds how often a handshake looks at the files' modification times.
const reloadCheck = time.Second

// ServerTLS returns a TLS 1.2+ server configuration whose certificate and client CAs are read
// again when their files change (looked at during handshakes, at most once a second), so a
// renewed certificate is served without a restart. A file that fails to load is logged and the
// previous one kept.
func ServerTLS(f TLSFiles, log *slog.Logger) (*tls.Config, error) {
	if f.CertFile == "" || f.KeyFile == "" {
		return nil, errors.New("TLS needs both a certificate and a key file")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &tlsReloader{files: f, log: log}
	if err := r.load(); err != nil {
		return nil, err
	}
	base := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		cert, pool := r.current()
		c := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: base.NextProtos, Certificates: []tls.Certificate{*cert}}
		if pool != nil {
			c.ClientCAs = pool
			c.ClientAuth = tls.VerifyClientCertIfGiven
			if f.RequireClientCert {
				c.ClientAuth = tls.RequireAndVerifyClientCert
			}
		}
		return c, nil
	}
	return base, nil
}

type tlsReloader struct {
	files TLSFiles
	log   *slog.Logger

	mu      sync.Mutex
	checked time.Time
	stamps  [3]fileStamp
	cert    *tls.Certificate
	pool    *x509.CertPool
}

func (r *tlsReloader) current() (*tls.Certificate, *x509.CertPool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) >= reloadCheck {
		r.checked = time.Now()
		if err := r.loadLocked(); err != nil {
			r.log.Error("TLS files not reloaded; serving the previous certificate", "err", err)
		}
	}
	return r.cert, r.pool
}

func (r *tlsReloader) load() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked = time.Now()
	return r.loadLocked()
}

func (r *tlsReloader) loadLocked() error {
	var stamps [3]fileStamp
	for i, p := range []string{r.files.CertFile, r.files.KeyFile, r.files.ClientCAFile} {
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		stamps[i] = fileStamp{mod: st.ModTime(), size: st.Size()}
	}
	if stamps == r.stamps && r.cert != nil {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(r.files.CertFile, r.files.KeyFile)
	if err != nil {
		return fmt.Errorf("TLS certificate: %w", err)
	}
	var pool *x509.CertPool
	if r.files.ClientCAFile != "" {
		pem, err := os.ReadFile(r.files.ClientCAFile)
		if err != nil {
			return err
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no PEM certificate found", r.files.ClientCAFile)
		}
	}
	if r.cert != nil {
		r.log.Info("TLS certificate reloaded", "cert_file", r.files.CertFile)
	}
	r.cert, r.pool, r.stamps = &cert, pool, stamps
	return nil
}
