package core

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// SessionChangeType is the event type under which the bridge logs a change of an agent's
// session. Storing the change in the agent's own log, between its gateway events, gives it a
// sequence and a cursor, so resume, gap accounting and snapshots treat it like any event. The
// poller never logs a gateway event of this type, so the two never mix.
const SessionChangeType = "ccgw-bridge/SessionChange"

// ChangeReason says why a session changed.
type ChangeReason int

const (
	ChangeUnknown            ChangeReason = iota
	ChangeSignedIn                        // SignIn through the bridge (login)
	ChangeForcedSignIn                    // SignIn with force (forcelogin) replaced a session
	ChangeSignedOut                       // SignOut through the bridge
	ChangeSignedOutByGateway              // AgentOther_ShutdownService
	ChangeGUIDRefused                     // polls refused with 000-003 through the confirmation period
	ChangeNotSignedIn                     // polls refused with 100-006 through the confirmation period
	ChangeHeartbeatExpired                // no poll got through for the gateway's heartbeat window
)

// changeNames are the names changes are logged under; they never change, since logs outlive
// releases.
var changeNames = map[ChangeReason]string{
	ChangeSignedIn: "SIGNED_IN", ChangeForcedSignIn: "FORCED_SIGN_IN", ChangeSignedOut: "SIGNED_OUT",
	ChangeSignedOutByGateway: "SIGNED_OUT_BY_GATEWAY", ChangeGUIDRefused: "GUID_REFUSED",
	ChangeNotSignedIn: "NOT_SIGNED_IN", ChangeHeartbeatExpired: "HEARTBEAT_EXPIRED",
}

var sessionStateNames = map[store.SessionState]string{store.SessionActive: "ACTIVE", store.SessionLost: "LOST", 0: "SIGNED_OUT"}

// SessionChange is the content of a SessionChangeType event. State 0 means the bridge holds no
// session for the agent any more (signed out).
type SessionChange struct {
	State  store.SessionState
	Reason ChangeReason
	Detail string
}

type changeJSON struct {
	State  string `json:"state"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// SessionChange decodes the event as a session change; ok is false for a gateway event.
func (l *Logged) SessionChange() (SessionChange, bool) { return decodeChange(&l.Event) }

func decodeChange(ev *store.Event) (SessionChange, bool) {
	if ev.Type != SessionChangeType {
		return SessionChange{}, false
	}
	var j changeJSON
	_ = json.Unmarshal(ev.Content, &j) // a damaged record still is a change: of unknown kind
	ch := SessionChange{Detail: j.Detail}
	for st, name := range sessionStateNames {
		if name == j.State {
			ch.State = st
		}
	}
	for r, name := range changeNames {
		if name == j.Reason {
			ch.Reason = r
		}
	}
	return ch, true
}

// encodeChange is the log record of a change.
func encodeChange(ch SessionChange) (store.Event, error) {
	content, err := json.Marshal(changeJSON{State: sessionStateNames[ch.State], Reason: changeNames[ch.Reason], Detail: ch.Detail})
	return store.Event{Type: SessionChangeType, ReceivedAt: time.Now(), Reason: changeNames[ch.Reason], Content: content}, err
}

// logChange appends a session change to the agent's log and waits (within ctx) until the hub
// has applied it, so that what the caller reads next (GetSession, a snapshot) already agrees.
func (c *Core) logChange(ctx context.Context, agentID string, ch SessionChange) (store.Event, error) {
	ev, err := encodeChange(ch)
	if err != nil {
		return store.Event{}, err
	}
	evs, err := c.st.Append(ctx, agentID, ev)
	if err != nil {
		return store.Event{}, err
	}
	c.hub.waitFor(ctx, evs[0].Pos)
	return evs[0], nil
}
