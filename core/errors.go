package core

import "errors"

// Errors the core returns besides the gateway's own (gatewayclient.*Error, *TransportError) and
// the caller's context errors. The server maps all of them to gRPC statuses in one place.
var (
	// ErrNoSession: the bridge holds no session for the agent (never signed in here, or signed
	// out): the answer of GetSession and SignOut, which ask about the session itself.
	ErrNoSession = errors.New("the bridge holds no session for this agent")
	// ErrNotSignedIn: a command for an agent the bridge holds no session for, sent without a
	// pass-through GUID. Unlike ErrNoSession it is about the agent, not the session resource:
	// the agent must be signed in before it can act.
	ErrNotSignedIn = errors.New("the agent is not signed in through this bridge")
	// ErrSessionLost: the session exists but the gateway no longer accepts it; sign in again.
	ErrSessionLost = errors.New("the agent's gateway session was lost; sign in again")
	// ErrRequestIDReused: a request_id came back with a different payload.
	ErrRequestIDReused = errors.New("request_id was already used with a different request")
	// ErrAwaitNeedsFeed: await_outcome needs the agent's event feed, which a pass-through call
	// (GUID supplied by the caller) does not have.
	ErrAwaitNeedsFeed = errors.New("await_outcome needs a session held by the bridge; pass-through calls have no event feed")
	// ErrPassThroughForHeldAgent: a pass-through GUID came for an agent whose session this bridge
	// holds; the bridge's own GUID is the one that works, and pass-through must not replace it.
	ErrPassThroughForHeldAgent = errors.New("x-ccgw-guid pass-through is only for agents whose session the bridge does not hold; this one's session is held here: leave the GUID out")
	// ErrClosed: the core is shutting down.
	ErrClosed = errors.New("the bridge is shutting down")
)

// SlowSubscriberError ends a stream whose client fell further behind than its buffer allows.
// Cursor is the last position delivered to the client: resuming from it loses nothing.
type SlowSubscriberError struct {
	Cursor string
}

func (e *SlowSubscriberError) Error() string {
	return "the stream fell too far behind and was ended; resume from the last delivered cursor"
}

// LostSessionError details ErrSessionLost with the reason the session was lost.
type LostSessionError struct{ Reason string }

func (e *LostSessionError) Error() string { return ErrSessionLost.Error() + " (" + e.Reason + ")" }
func (e *LostSessionError) Unwrap() error { return ErrSessionLost }
