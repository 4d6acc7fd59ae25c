package core

import (
	"context"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// Gateway is what the core needs from a CC-Gateway client: sign an agent in (getting a
// connection that carries its GUID), or resume a connection from a GUID held elsewhere.
type Gateway interface {
	SignIn(ctx context.Context, agentID string, req gatewayclient.SignInRequest) (AgentConn, *gatewayclient.SignInResult, error)
	ForceSignIn(ctx context.Context, agentID string, req gatewayclient.SignInRequest) (AgentConn, *gatewayclient.SignInResult, error)
	Resume(agentID, guid, cookie string) AgentConn
}

// AgentConn is one agent's authenticated view of the gateway. Implementations adopt rotated
// GUIDs themselves and are safe for a poll and a command to run at once.
type AgentConn interface {
	GUID() string
	Cookie() string
	SignOut(ctx context.Context) error
	ForceSignOut(ctx context.Context) error
	ResetSkills(ctx context.Context, all bool, skillIDs []int64) error
	Poll(ctx context.Context) (*gatewayclient.Event, error)
	CallInnerSkill(ctx context.Context, skillID int64) (string, error)
	Transfer(ctx context.Context, req gatewayclient.TransferRequest) error
}

// ClientGateway adapts *gatewayclient.Client to Gateway.
type ClientGateway struct{ Client *gatewayclient.Client }

// SignIn implements Gateway.
func (g ClientGateway) SignIn(ctx context.Context, agentID string, req gatewayclient.SignInRequest) (AgentConn, *gatewayclient.SignInResult, error) {
	s, res, err := g.Client.SignIn(ctx, agentID, req)
	if err != nil {
		return nil, nil, err
	}
	return s, res, nil
}

// ForceSignIn implements Gateway.
func (g ClientGateway) ForceSignIn(ctx context.Context, agentID string, req gatewayclient.SignInRequest) (AgentConn, *gatewayclient.SignInResult, error) {
	s, res, err := g.Client.ForceSignIn(ctx, agentID, req)
	if err != nil {
		return nil, nil, err
	}
	return s, res, nil
}

// Resume implements Gateway.
func (g ClientGateway) Resume(agentID, guid, cookie string) AgentConn {
	return g.Client.Session(agentID, guid, cookie)
}
