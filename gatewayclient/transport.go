package gatewayclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Dial and handshake limits: the gateway is a nearby host, so a connection
// that takes longer than this is not coming.
const (
	dialTimeout      = 5 * time.Second
	handshakeTimeout = 5 * time.Second
	tcpKeepAlive     = 30 * time.Second
	idleConnTimeout  = 90 * time.Second
	maxHeaderBytes   = 64 << 10
	readBufferSize   = 2 << 10
	writeBufferSize  = 1 << 10
)

func buildTLS(t TLSConfig) (*tls.Config, error) {
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // explicit, loudly logged opt-in
		NextProtos:         []string{"http/1.1"},
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("gatewayclient: reading CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("gatewayclient: CA bundle %q holds no PEM certificate", t.CAFile)
		}
		conf.RootCAs = pool
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, errors.New("gatewayclient: a client certificate needs both CertFile and KeyFile")
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("gatewayclient: loading client certificate: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

// newTransport builds a transport for one gateway host and thousands of
// concurrent long polls: a large idle pool, no connection cap, HTTP/1.1
// keep-alive only (each poll owns a connection, as the gateway expects), and
// no environment proxy (the gateway is reached directly). Per-call deadlines
// come from contexts, not from the transport.
func newTransport(cfg Config, tlsConf *tls.Config) *http.Transport {
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: tcpKeepAlive}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	return &http.Transport{
		DialContext:            dialer.DialContext,
		TLSClientConfig:        tlsConf,
		TLSHandshakeTimeout:    handshakeTimeout,
		MaxIdleConns:           0, // no global cap; the per-host cap governs
		MaxIdleConnsPerHost:    cfg.MaxIdleConnsPerHost,
		MaxConnsPerHost:        cfg.MaxConnsPerHost,
		IdleConnTimeout:        idleConnTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		Protocols:              protocols,
		// Every signed-in agent keeps a connection, so its buffers are per-agent memory. The
		// defaults (4 KB each way) are sized for bulk transfers; a gateway request is a few
		// hundred bytes and a poll answer rarely over a kilobyte. Larger messages still work:
		// bufio passes big writes through and the body is read in several reads.
		ReadBufferSize:  readBufferSize,
		WriteBufferSize: writeBufferSize,
	}
}
