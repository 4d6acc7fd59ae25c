package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// SignInParams is a sign-in request as the core takes it.
type SignInParams struct {
	AgentID, Password, PhoneNumber string
	InitialState                   gatewayclient.InitialStatus
	SkillIDs                       []int64 // empty: every skill queue configured for the agent
	AutoAnswer, AutoEnterIdle      *bool
	ReleasePhone                   *bool
	Force                          bool // take over with forcelogin when signed in elsewhere
}

// SessionInfo is a held session plus what its events say about the agent.
type SessionInfo struct {
	store.Session
	View AgentView
}

// SignIn signs the agent in at the gateway (forcing when asked and needed), joins its skill
// queues, records the session and starts its poller. Sign-ins, sign-outs and take-overs of one
// agent are serialised across replicas through the store. Signing in an agent the store holds as
// active, with the same password (checked against the stored keyed verifier), returns the held
// session without touching the gateway, whichever replica polls it.
func (c *Core) SignIn(ctx context.Context, p SignInParams) (SessionInfo, error) {
	unlock, err := c.lockAgent(ctx, p.AgentID)
	if err != nil {
		return SessionInfo{}, err
	}
	defer unlock()
	if c.isClosed() {
		return SessionInfo{}, ErrClosed
	}
	verifier := c.passwordVerifier(p.AgentID, p.Password)
	held, err := c.st.GetSession(ctx, p.AgentID)
	c.observeStore(err)
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return SessionInfo{}, storeUnavailable(err)
	case err == nil && held.State == store.SessionActive &&
		subtle.ConstantTimeCompare([]byte(held.PasswordVerifier), []byte(verifier)) == 1:
		return c.GetSession(ctx, p.AgentID)
	}

	req := gatewayclient.SignInRequest{
		Password: p.Password, PhoneNumber: p.PhoneNumber, Status: p.InitialState,
		AutoAnswer: p.AutoAnswer, AutoEnterIdle: p.AutoEnterIdle, ReleasePhone: p.ReleasePhone,
	}
	conn, res, err := c.gw.SignIn(ctx, p.AgentID, req)
	if gatewayclient.IsAlreadySignedIn(err) && p.Force {
		conn, res, err = c.gw.ForceSignIn(ctx, p.AgentID, req)
	}
	if err != nil {
		return SessionInfo{}, err
	}
	// Do not leave an agent signed in at the gateway that nobody polls: it would hold the agent's
	// seat until the gateway's two-minute heartbeat timeout.
	undo := func(why string) {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if lerr := conn.SignOut(cleanup); lerr != nil {
			c.log.Warn("sign-out after a failed sign-in", "agent", p.AgentID, "after", why, "err", lerr)
		}
	}
	if err := conn.ResetSkills(ctx, len(p.SkillIDs) == 0, p.SkillIDs); err != nil {
		undo("skill reset")
		return SessionInfo{}, err
	}
	if old := c.poller(p.AgentID); old != nil { // a forced sign-in replaced the GUID it used
		old.stop()
	}
	s := store.Session{
		AgentID: p.AgentID, GUID: conn.GUID(), Cookie: conn.Cookie(),
		PhoneNumber: p.PhoneNumber, SkillIDs: p.SkillIDs, State: store.SessionActive,
		SignedInAt: time.Now().UTC(), PasswordExpiresInDays: -1, PasswordVerifier: verifier,
	}
	if res != nil {
		s.VoiceEnabled = len(res.MediaType) > 0 && res.MediaType[0] == 'T'
		s.TextEnabled = len(res.MediaType) > 1 && res.MediaType[1] == 'T'
		s.PasswordChangeRequired = res.IsForceChange == "true"
		if d, err := strconv.Atoi(res.TimeRemaining); err == nil {
			s.PasswordExpiresInDays = int32(d)
		}
	}
	if s, err = c.putOver(ctx, s); err != nil {
		undo("storing the session")
		return SessionInfo{}, storeUnavailable(err)
	}
	// Another replica may poll the agent (its lease is live): it adopts the new GUID from the
	// store as soon as the gateway refuses the old one.
	if err := c.startPoller(s, conn); err != nil && !errors.Is(err, ErrPolledElsewhere) {
		return SessionInfo{}, err
	}
	view, _ := c.hub.view(p.AgentID)
	if view.State == StateUnknown || view.State == StateSignedOut {
		// The sign-in events are still on their way through the poller; the gateway has put the
		// agent in the state it was asked for.
		view.State = initialViewState[p.InitialState]
	}
	return SessionInfo{Session: s, View: view}, nil
}

// putOver writes a session that replaces whatever the store holds for the agent. The caller
// holds the agent's cross-replica lock, so only pollers write meanwhile (a rotated GUID, LOST);
// the write is conditional on the revision read, and repeated when one of them got in between.
func (c *Core) putOver(ctx context.Context, s store.Session) (store.Session, error) {
	for {
		cur, err := c.st.GetSession(ctx, s.AgentID)
		c.observeStore(err)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.Revision = 0 // no session to overwrite: the lock keeps other sign-ins out
		case err != nil:
			return s, err
		default:
			s.Revision = cur.Revision
		}
		out, err := c.st.PutSession(ctx, s)
		c.observeStore(err)
		if !errors.Is(err, store.ErrConflict) {
			return out, err
		}
		if ctx.Err() != nil {
			return s, ctx.Err()
		}
	}
}

var initialViewState = map[gatewayclient.InitialStatus]AgentState{
	0: StateIdle, gatewayclient.StatusIdle: StateIdle, gatewayclient.StatusBusy: StateBusy, gatewayclient.StatusWork: StateWrapUp,
}

// SignOut signs the agent out at the gateway (forcelogout when force, which also ends a call in
// progress), stops its poller and forgets the session. An agent the gateway already considers
// signed out is simply forgotten.
func (c *Core) SignOut(ctx context.Context, agentID string, force bool) error {
	unlock, err := c.lockAgent(ctx, agentID)
	if err != nil {
		return err
	}
	defer unlock()
	s, err := c.st.GetSession(ctx, agentID)
	c.observeStore(err)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return storeUnavailable(err)
	}
	// A poller on another replica sees the agent signed out, finds no session in the store, and
	// stops without recording anything.
	p := c.poller(agentID)
	var conn AgentConn
	if p != nil {
		p.signingOut.Store(true)
		conn = p.connection()
	} else {
		conn = c.gw.Resume(agentID, s.GUID, s.Cookie)
	}
	if force {
		err = conn.ForceSignOut(ctx)
	} else {
		err = conn.SignOut(ctx)
	}
	gone := gatewayclient.IsNotSignedIn(err) || (s.State == store.SessionLost && gatewayclient.IsGUIDInvalid(err))
	if err != nil && !gone {
		if p != nil {
			p.signingOut.Store(false)
		}
		return err
	}
	if p != nil {
		p.stop()
	}
	if err := c.st.DeleteSession(ctx, agentID); err != nil {
		c.observeStore(err)
		return storeUnavailable(err)
	}
	c.mu.Lock()
	delete(c.lost, agentID)
	c.updateSessionGaugesLocked()
	c.mu.Unlock()
	return nil
}

// GetSession returns the session the bridge holds for the agent.
func (c *Core) GetSession(ctx context.Context, agentID string) (SessionInfo, error) {
	s, err := c.st.GetSession(ctx, agentID)
	if errors.Is(err, store.ErrNotFound) {
		return SessionInfo{}, ErrNoSession
	}
	if err != nil {
		return SessionInfo{}, err
	}
	view, _ := c.hub.view(agentID)
	return SessionInfo{Session: s, View: view}, nil
}

// ListSessions pages through held sessions in agent-id order. The page token is opaque to
// callers; an empty next token means the listing is complete.
func (c *Core) ListSessions(ctx context.Context, pageToken string, pageSize int) ([]SessionInfo, string, error) {
	after := ""
	if pageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil {
			return nil, "", ErrBadPageToken
		}
		after = string(b)
	}
	ss, err := c.st.ListSessions(ctx, after, pageSize+1) // one extra tells whether more remain
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ss) > pageSize {
		ss = ss[:pageSize]
		next = base64.RawURLEncoding.EncodeToString([]byte(ss[len(ss)-1].AgentID))
	}
	out := make([]SessionInfo, len(ss))
	for i, s := range ss {
		view, _ := c.hub.view(s.AgentID)
		out[i] = SessionInfo{Session: s, View: view}
	}
	return out, next, nil
}

// ErrBadPageToken is returned for a page token this bridge did not issue.
var ErrBadPageToken = errors.New("page_token is not a token issued by this bridge")

// passwordVerifier is what the store keeps to recognise a repeated sign-in with the same
// password: an HMAC keyed with PasswordVerifierKey, which is never stored, over the agent id and
// the password. Without the key it reveals nothing about the password.
func (c *Core) passwordVerifier(agentID, password string) string {
	m := hmac.New(sha256.New, c.opts.PasswordVerifierKey)
	m.Write([]byte(agentID))
	m.Write([]byte{0})
	m.Write([]byte(password))
	return hex.EncodeToString(m.Sum(nil))
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
