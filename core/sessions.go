package core

import (
	"context"
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
// queues, records the session and starts its poller. Signing in an agent this bridge already
// polls, with the same password, returns the held session without touching the gateway.
func (c *Core) SignIn(ctx context.Context, p SignInParams) (SessionInfo, error) {
	unlock, err := c.locks.lock(ctx, p.AgentID)
	if err != nil {
		return SessionInfo{}, err
	}
	defer unlock()
	if c.isClosed() {
		return SessionInfo{}, ErrClosed
	}
	old := c.poller(p.AgentID)
	if old != nil && old.samePassword(p.Password) {
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
	if err := conn.ResetSkills(ctx, len(p.SkillIDs) == 0, p.SkillIDs); err != nil {
		// Do not leave an agent signed in at the gateway that nobody polls: it would hold the
		// agent's seat until the gateway's two-minute heartbeat timeout.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if lerr := conn.SignOut(cleanup); lerr != nil {
			c.log.Warn("sign-out after failed skill reset", "agent", p.AgentID, "err", lerr)
		}
		return SessionInfo{}, err
	}
	if old != nil { // a forced sign-in replaced the GUID the old poller used
		old.stop()
	}
	s := store.Session{
		AgentID: p.AgentID, GUID: conn.GUID(), Cookie: conn.Cookie(),
		PhoneNumber: p.PhoneNumber, SkillIDs: p.SkillIDs, State: store.SessionActive,
		SignedInAt: time.Now().UTC(), PasswordExpiresInDays: -1,
	}
	if res != nil {
		s.VoiceEnabled = len(res.MediaType) > 0 && res.MediaType[0] == 'T'
		s.TextEnabled = len(res.MediaType) > 1 && res.MediaType[1] == 'T'
		s.PasswordChangeRequired = res.IsForceChange == "true"
		if d, err := strconv.Atoi(res.TimeRemaining); err == nil {
			s.PasswordExpiresInDays = int32(d)
		}
	}
	if s, err = c.st.PutSession(ctx, s); err != nil {
		return SessionInfo{}, err
	}
	if err := c.startPoller(s, conn, passwordHash(p.Password)); err != nil {
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

var initialViewState = map[gatewayclient.InitialStatus]AgentState{
	0: StateIdle, gatewayclient.StatusIdle: StateIdle, gatewayclient.StatusBusy: StateBusy, gatewayclient.StatusWork: StateWrapUp,
}

// SignOut signs the agent out at the gateway (forcelogout when force, which also ends a call in
// progress), stops its poller and forgets the session. An agent the gateway already considers
// signed out is simply forgotten.
func (c *Core) SignOut(ctx context.Context, agentID string, force bool) error {
	unlock, err := c.locks.lock(ctx, agentID)
	if err != nil {
		return err
	}
	defer unlock()
	s, err := c.st.GetSession(ctx, agentID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return err
	}
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
		return err
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

// resumeSessions restarts pollers for active sessions in the store that no live replica polls.
func (c *Core) resumeSessions(ctx context.Context) error {
	after := ""
	for {
		ss, err := c.st.ListSessions(ctx, after, 500)
		if err != nil {
			return err
		}
		if len(ss) == 0 {
			return nil
		}
		for _, s := range ss {
			if s.State != store.SessionActive || c.poller(s.AgentID) != nil {
				continue
			}
			// No password is known for a resumed session, so a later SignIn goes to the gateway.
			if err := c.startPoller(s, c.gw.Resume(s.AgentID, s.GUID, s.Cookie), [32]byte{}); err != nil {
				c.log.Warn("resuming a stored session", "agent", s.AgentID, "err", err)
			}
		}
		after = ss[len(ss)-1].AgentID
	}
}

// passwordSalt keys the in-memory password hashes used only to recognise a repeated sign-in;
// it never leaves the process, so the hashes are useless to anyone who reads them elsewhere.
var passwordSalt = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

func passwordHash(pw string) [32]byte {
	h := sha256.New()
	h.Write(passwordSalt)
	h.Write([]byte(pw))
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (p *poller) samePassword(pw string) bool {
	if p.pwHash == ([32]byte{}) {
		return false
	}
	h := passwordHash(pw)
	return subtle.ConstantTimeCompare(h[:], p.pwHash[:]) == 1
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
