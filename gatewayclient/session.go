package gatewayclient

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
)

// Session is one signed-in agent's credentials: the current GUID and the
// cookie captured at sign-in. It is safe for concurrent use; any response
// that carries a Set-GUID header replaces the GUID for later calls.
//
// Its String, GoString and LogValue methods show only the agent id, so a
// Session printed or logged by accident leaks nothing.
type Session struct {
	client  *Client
	agentID string

	mu     sync.RWMutex
	guid   string
	cookie string
}

// AgentID returns the agent's work number.
func (s *Session) AgentID() string { return s.agentID }

// GUID returns the current GUID, for persistence only. Never log it.
func (s *Session) GUID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.guid
}

// Cookie returns the Cookie header value captured at sign-in ("" if none).
func (s *Session) Cookie() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cookie
}

// errNoClient is returned by a zero Session, one not made by a Client: a
// programming error, reported rather than panicking.
var errNoClient = fmt.Errorf("%w: the session was not created by a Client", ErrInvalidArgument)

func (s *Session) run(ctx context.Context, r *request, decode decodeFunc) error {
	if s.client == nil {
		return fmt.Errorf("%s%w", prefix(r.op, r.agentID), errNoClient)
	}
	return s.client.run(ctx, r, decode)
}

func (s *Session) credentials() (guid, cookie string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.guid, s.cookie
}

// adopt takes over a GUID announced in a Set-GUID header. Responses are
// applied in arrival order: the gateway only announces a GUID newer than the
// one the request carried, so the latest arrival is the one to keep.
func (s *Session) adopt(h http.Header) {
	g := guidFromHeader(h)
	if g == "" {
		return
	}
	s.mu.Lock()
	s.guid = g
	s.mu.Unlock()
}

func (s *Session) String() string   { return "gatewayclient.Session{agent " + s.agentID + "}" }
func (s *Session) GoString() string { return s.String() }

// LogValue implements slog.LogValuer, exposing the agent id only.
func (s *Session) LogValue() slog.Value {
	return slog.GroupValue(slog.String("agent_id", s.agentID))
}
