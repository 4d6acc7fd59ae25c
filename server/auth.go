package server

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
	"github.com/ccgw-bridge/ccgw-bridge/core"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// Auth turns authentication and authorization on. Without it (Config.Auth nil) every caller
// may do everything, which the app allows only with the embedded simulator, TLS, or an explicit
// insecure flag.
type Auth struct {
	Authenticator *auth.Authenticator
	Policy        PolicySource
}

// PolicySource is the policy in force and a way to hear that it changed (auth.PolicyFile).
type PolicySource interface {
	Current() *auth.Policy
	Changed() <-chan struct{}
}

// Metadata the REST gateway adds on its loopback connection: the HTTP caller's address and
// verified client certificate. They are believed only on that connection (restCaller), and the
// HTTP side strips any a client sent (stripForwarded), so neither can be forged.
const (
	restPeerKey = "x-ccgw-rest-peer"
	restCertKey = "x-ccgw-rest-client-cert"
)

type restCertCtxKey struct{}

// isLoopback reports whether the RPC came through the REST gateway's in-memory connection.
func isLoopback(ctx context.Context) bool {
	p, ok := peer.FromContext(ctx)
	return ok && p.Addr != nil && p.Addr.Network() == "bufconn"
}

// restCaller replaces the loopback peer by the REST caller's own address (so access and audit
// logs name it, not "bufconn") and keeps the REST caller's client certificate for authentication.
func restCaller(ctx context.Context) context.Context {
	if !isLoopback(ctx) {
		return ctx
	}
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(restPeerKey); len(v) == 1 {
		if addr, err := net.ResolveTCPAddr("tcp", v[0]); err == nil {
			p, _ := peer.FromContext(ctx)
			ctx = peer.NewContext(ctx, &peer.Peer{Addr: addr, LocalAddr: p.LocalAddr})
		}
	}
	if v := md.Get(restCertKey); len(v) == 1 {
		if der, err := base64.StdEncoding.DecodeString(v[0]); err == nil {
			if c, err := x509.ParseCertificate(der); err == nil {
				ctx = context.WithValue(ctx, restCertCtxKey{}, c)
			}
		}
	}
	return ctx
}

func unaryRESTCaller(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	return h(restCaller(ctx), req)
}

func streamRESTCaller(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	if !isLoopback(ss.Context()) {
		return h(srv, ss)
	}
	return h(srv, &wrappedStream{ServerStream: ss, ctx: restCaller(ss.Context())})
}

// clientCert is the verified client certificate of the RPC's connection (or of the REST
// caller's), or nil.
func clientCert(ctx context.Context) *x509.Certificate {
	if c, ok := ctx.Value(restCertCtxKey{}).(*x509.Certificate); ok {
		return c
	}
	p, ok := peer.FromContext(ctx)
	if !ok {
		return nil
	}
	if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 && len(ti.State.VerifiedChains[0]) > 0 {
		return ti.State.VerifiedChains[0][0]
	}
	return nil
}

// guard is the one place where callers are authenticated, authorized, audited and limited.
type guard struct {
	auth    *Auth // nil: authentication off
	audit   auth.Audit
	limits  *limiter
	streams *streamCaps
}

// exempt are the services any caller may use: health checks (load balancers carry no
// credentials) and reflection (the schema is public, like /openapi.json).
func exempt(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.") || strings.HasPrefix(method, "/grpc.reflection.")
}

// identify authenticates the caller; without Auth every caller is anonymous.
func (g *guard) identify(ctx context.Context, method string) (auth.Identity, error) {
	if g.auth == nil {
		return auth.Identity{}, nil
	}
	var authz string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		v := md.Get("authorization")
		if len(v) > 1 {
			g.denied(ctx, auth.Identity{}, "authenticate", "", method, "several authorization values")
			return auth.Identity{}, errBadCredentials
		}
		if len(v) == 1 {
			authz = v[0]
		}
	}
	id, err := g.auth.Authenticator.Authenticate(ctx, auth.Credentials{Authorization: authz, Cert: clientCert(ctx)})
	switch {
	case errors.Is(err, auth.ErrNoCredentials):
		g.denied(ctx, id, "authenticate", "", method, "no credentials")
		return id, errNoCredentials
	case err != nil:
		// The reason stays in the audit line; the caller learns only that it was refused.
		g.denied(ctx, id, "authenticate", "", method, authFailure(err))
		return id, errBadCredentials
	}
	return id, nil
}

// authFailure is why a credential was refused, for the audit log. Library errors name the
// failed check (expired, audience, signature); none quotes the token.
func authFailure(err error) string {
	var parts []string
	for _, e := range unwrapJoined(err) {
		if e != auth.ErrBadCredentials {
			parts = append(parts, e.Error())
		}
	}
	return strings.Join(parts, "; ")
}

func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (g *guard) denied(ctx context.Context, id auth.Identity, action auth.Action, agent, method, why string) {
	g.audit.Record(ctx, id, action, agent, "denied", slog.String("method", method), slog.String("why", why),
		slog.String("request_id", RequestID(ctx)), slog.String("peer", peerAddr(ctx)))
}

func peerAddr(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

// check is one permission a request needs.
type check struct {
	action     auth.Action
	agent      string
	privileged bool // audited whatever the outcome
}

// checks lists what a unary request needs. ListSessions needs read_sessions on some agent; its
// answer is then cut to the agents allowed (filterSessions).
func checks(ctx context.Context, req any) []check {
	passThrough := false
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		passThrough = len(md.Get(PassThroughGUIDHeader)) > 0
	}
	var cs []check
	command := func(a auth.Action, agent string) {
		cs = append(cs, check{action: a, agent: agent})
		if passThrough {
			cs = append(cs, check{action: auth.PassThrough, agent: agent, privileged: true})
		}
	}
	switch r := req.(type) {
	case *ccgwv1.SignInRequest:
		cs = append(cs, check{action: auth.SignIn, agent: r.GetAgentId()})
		if r.GetForce() {
			cs = append(cs, check{action: auth.Force, agent: r.GetAgentId(), privileged: true})
		}
	case *ccgwv1.SignOutRequest:
		cs = append(cs, check{action: auth.SignOut, agent: r.GetAgentId()})
		if r.GetForce() {
			cs = append(cs, check{action: auth.Force, agent: r.GetAgentId(), privileged: true})
		}
	case *ccgwv1.GetSessionRequest:
		cs = append(cs, check{action: auth.ReadSessions, agent: r.GetAgentId()})
	case *ccgwv1.ListSessionsRequest:
		cs = append(cs, check{action: auth.ReadSessions})
	case *ccgwv1.CallInnerSkillRequest:
		command(auth.Call, r.GetAgentId())
	case *ccgwv1.TransferSessionRequest:
		command(auth.Transfer, r.GetAgentId())
	default:
		return nil
	}
	return cs
}

// allowed checks one permission; a check without an agent asks for the action on any agent.
func allowed(p *auth.Policy, id auth.Identity, c check) bool {
	if c.agent == "" {
		return !p.Scope(id, c.action).Empty()
	}
	return p.Allowed(id, c.action, c.agent)
}

func (g *guard) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if exempt(info.FullMethod) {
		return h(ctx, req)
	}
	id, err := g.identify(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	cs := checks(ctx, req)
	if g.auth != nil {
		if cs == nil { // a method this guard does not know: deny by default
			g.denied(ctx, id, "unknown", "", info.FullMethod, "method not covered by the policy")
			return nil, errPermissionDenied
		}
		p := g.auth.Policy.Current()
		for _, c := range cs {
			if !allowed(p, id, c) {
				g.denied(ctx, id, c.action, c.agent, info.FullMethod, "not granted")
				return nil, errPermissionDenied
			}
		}
	}
	if isCommand(req) {
		if err := g.limits.allow(callerKey(ctx, id)); err != nil {
			g.denied(ctx, id, cs[0].action, cs[0].agent, info.FullMethod, "rate limited")
			return nil, err
		}
	}
	resp, err := h(ctx, req)
	for _, c := range cs {
		if c.privileged {
			g.audit.Record(ctx, id, c.action, c.agent, status.Code(err).String(), slog.String("method", info.FullMethod),
				slog.String("request_id", RequestID(ctx)), slog.String("peer", peerAddr(ctx)))
		}
	}
	if list, ok := resp.(*ccgwv1.ListSessionsResponse); ok && g.auth != nil && err == nil {
		filterSessions(list, g.auth.Policy.Current().Scope(id, auth.ReadSessions))
	}
	return resp, err
}

func isCommand(req any) bool {
	switch req.(type) {
	case *ccgwv1.SignInRequest, *ccgwv1.SignOutRequest, *ccgwv1.CallInnerSkillRequest, *ccgwv1.TransferSessionRequest:
		return true
	}
	return false
}

// callerKey is whom rate limits and stream caps count against: the identity, or without
// authentication the peer's host.
func callerKey(ctx context.Context, id auth.Identity) string {
	if id.Kind != auth.KindNone {
		return id.String()
	}
	addr := peerAddr(ctx)
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// filterSessions drops the sessions of agents outside scope. A page may then hold fewer than
// page_size sessions; its next_page_token is unchanged, so paging still visits every agent.
func filterSessions(list *ccgwv1.ListSessionsResponse, scope auth.AgentSet) {
	if scope.All() {
		return
	}
	kept := list.Sessions[:0]
	for _, s := range list.Sessions {
		if scope.Contains(s.GetAgentId()) {
			kept = append(kept, s)
		}
	}
	list.Sessions = kept
}

// stream authenticates at once, counts the stream against the caps, and authorizes its
// request when the handler reads it (authorizedStream.RecvMsg).
func (g *guard) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	if exempt(info.FullMethod) {
		return h(srv, ss)
	}
	ctx := ss.Context()
	id, err := g.identify(ctx, info.FullMethod)
	if err != nil {
		return err
	}
	release, err := g.streams.acquire(callerKey(ctx, id))
	if err != nil {
		g.denied(ctx, id, auth.ReadEvents, "", info.FullMethod, "stream cap")
		return err
	}
	defer release()
	if g.auth == nil {
		return h(srv, ss)
	}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	as := &authorizedStream{ServerStream: ss, g: g, id: id, method: info.FullMethod, cancel: cancel}
	as.ctx = context.WithValue(sctx, streamFilterKey{}, as)
	err = h(srv, as)
	if cause := context.Cause(sctx); cause != nil && status.Code(cause) == codes.PermissionDenied {
		return cause
	}
	return err
}

type streamFilterKey struct{}

// authorizedStream checks the stream's request against the policy, filters its messages by the
// agents the caller may read, and ends it when a policy change takes away what it named.
type authorizedStream struct {
	grpc.ServerStream
	ctx    context.Context
	g      *guard
	id     auth.Identity
	method string
	cancel context.CancelCauseFunc
	named  []string // the agents the request named; empty: every agent
}

func (s *authorizedStream) Context() context.Context { return s.ctx }

func (s *authorizedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	r, ok := m.(*ccgwv1.StreamEventsRequest)
	if !ok {
		s.g.denied(s.ctx, s.id, "unknown", "", s.method, "method not covered by the policy")
		return errPermissionDenied
	}
	s.named = r.GetAgentIds()
	if r.GetAgentId() != "" {
		s.named = []string{r.GetAgentId()}
	}
	if !s.mayRead(s.g.auth.Policy.Current()) {
		s.g.denied(s.ctx, s.id, auth.ReadEvents, strings.Join(s.named, ","), s.method, "not granted")
		return errPermissionDenied
	}
	go s.recheck()
	return nil
}

// mayRead: a stream over every agent needs read_events on some agent; a stream over named agents
// needs it on at least one of them (the others' messages are dropped: see agent_event.proto).
func (s *authorizedStream) mayRead(p *auth.Policy) bool {
	scope := p.Scope(s.id, auth.ReadEvents)
	if len(s.named) == 0 {
		return !scope.Empty()
	}
	for _, a := range s.named {
		if scope.Contains(a) {
			return true
		}
	}
	return false
}

// recheck ends the stream with PERMISSION_DENIED when a new policy takes away every agent it
// may read; it lives as long as the stream.
func (s *authorizedStream) recheck() {
	for {
		changed := s.g.auth.Policy.Changed()
		if !s.mayRead(s.g.auth.Policy.Current()) {
			s.g.denied(s.ctx, s.id, auth.ReadEvents, strings.Join(s.named, ","), s.method, "revoked by a policy change")
			s.cancel(errPermissionDenied)
			return
		}
		select {
		case <-s.ctx.Done():
			return
		case <-changed:
		}
	}
}

// filterStream wraps a stream's send so that only messages about agents the caller may read
// (under the policy in force now) go out. Without authentication it is send itself.
func filterStream(ctx context.Context, send func(core.StreamMsg) error) func(core.StreamMsg) error {
	s, ok := ctx.Value(streamFilterKey{}).(*authorizedStream)
	if !ok {
		return send
	}
	return func(m core.StreamMsg) error {
		p := s.g.auth.Policy.Current()
		may := func(agent string) bool { return p.Allowed(s.id, auth.ReadEvents, agent) }
		switch {
		case m.Event != nil:
			if !may(m.Event.AgentID) {
				return nil
			}
		case m.Gap != nil:
			if !may(m.Gap.AgentID) {
				return nil
			}
		case m.Snapshot != nil:
			snap := *m.Snapshot
			snap.Agents = nil
			for _, a := range m.Snapshot.Agents {
				if may(a.View.AgentID) {
					snap.Agents = append(snap.Agents, a)
				}
			}
			m.Snapshot = &snap
		}
		return send(m)
	}
}
