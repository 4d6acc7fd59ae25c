package server

import (
	"context"
	"crypto/tls"
	"errors"
	"net"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// listenerCreds serves TLS to network clients while the REST gateway's in-memory loopback
// connection, which never leaves the process, stays plaintext: one gRPC server serves both.
type listenerCreds struct {
	tls  credentials.TransportCredentials
	loop credentials.TransportCredentials
}

func newListenerCreds(cfg *tls.Config) credentials.TransportCredentials {
	return &listenerCreds{tls: credentials.NewTLS(cfg), loop: insecure.NewCredentials()}
}

func (c *listenerCreds) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	if conn.LocalAddr().Network() == "bufconn" {
		return c.loop.ServerHandshake(conn)
	}
	return c.tls.ServerHandshake(conn)
}

func (c *listenerCreds) ClientHandshake(context.Context, string, net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("server-side credentials only")
}

func (c *listenerCreds) Info() credentials.ProtocolInfo { return c.tls.Info() }

func (c *listenerCreds) Clone() credentials.TransportCredentials {
	return &listenerCreds{tls: c.tls.Clone(), loop: c.loop.Clone()}
}

// OverrideServerName is deprecated in the interface and unused by a server.
func (c *listenerCreds) OverrideServerName(string) error { return nil }
