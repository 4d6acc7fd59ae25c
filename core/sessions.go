package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"slices"
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

// ErrHeldWithOtherRequest: the bridge holds an active session for the agent that another
// request started (other password or settings), and the caller did not ask to force.
var ErrHeldWithOtherRequest = errors.New("the bridge already holds a session for this agent, started by a different request; set force to replace it")

// SignIn signs the agent in at the gateway, joins its skill queues, records the session, logs
// a session change and starts the poller. For an agent this bridge already polls it follows
// the rules the contract gives (agent_session.proto, SignIn): the same request again returns the
// held session without touching the gateway, another request is refused with
// ErrHeldWithOtherRequest, and force replaces the held session through the gateway's forced
// sign-in.
func (c *Core) SignIn(ctx context.Context, p SignInParams) (SessionInfo, error) {
	unlock, err := c.locks.lock(ctx, p.AgentID)
	if err != nil {
		return SessionInfo{}, err
	}
	defer unlock()
	if c.isClosed() {
		return SessionInfo{}, ErrClosed
	}
	key := p.requestKey()
	held := c.poller(p.AgentID)
	if held != nil && held.lost.Load() {
		held.stop() // a lost session is not held; let its poller finish recording the loss
		held = nil
	}
	if held != nil && !p.Force {
		if !held.startedBy(key) {
			return SessionInfo{}, ErrHeldWithOtherRequest
		}
		return c.GetSession(ctx, p.AgentID)
	}

	req := gatewayclient.SignInRequest{
		Password: p.Password, PhoneNumber: p.PhoneNumber, Status: p.InitialState,
		AutoAnswer: p.AutoAnswer, AutoEnterIdle: p.AutoEnterIdle, ReleasePhone: p.ReleasePhone,
	}
	var (
		conn   AgentConn
		res    *gatewayclient.SignInResult
		reason = ChangeSignedIn
	)
	if held != nil {
		// The forced sign-in ends the held session at the gateway: its poller's refusals from
		// here on are expected, not a sign of loss.
		held.handingOver.Store(true)
		defer held.handingOver.Store(false)
		conn, res, err = c.gw.ForceSignIn(ctx, p.AgentID, req)
		reason = ChangeForcedSignIn
	} else {
		conn, res, err = c.gw.SignIn(ctx, p.AgentID, req)
		if gatewayclient.IsAlreadySignedIn(err) && p.Force {
			conn, res, err = c.gw.ForceSignIn(ctx, p.AgentID, req)
			reason = ChangeForcedSignIn
		}
	}
	if err != nil {
		return SessionInfo{}, err
	}
	s, err := c.recordSignIn(ctx, p, conn, res)
	if err != nil {
		// Do not leave an agent signed in at the gateway that nobody polls: it would hold the
		// agent's seat until the gateway's two-minute heartbeat timeout.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if lerr := conn.SignOut(cleanup); lerr != nil {
			c.log.Warn("sign-out after a failed sign-in", "agent", p.AgentID, "err", lerr)
		}
		return SessionInfo{}, err
	}
	if held != nil {
		held.stop() // before the change is logged: no event of the old session may follow it
	}
	if _, err := c.logChange(ctx, p.AgentID, SessionChange{State: store.SessionActive, Reason: reason}); err != nil {
		return SessionInfo{}, err
	}
	if err := c.startPoller(s, conn, key); err != nil {
		return SessionInfo{}, err
	}
	return c.info(s), nil
}

// recordSignIn joins the agent's skill queues and stores the new session.
func (c *Core) recordSignIn(ctx context.Context, p SignInParams, conn AgentConn, res *gatewayclient.SignInResult) (store.Session, error) {
	if err := conn.ResetSkills(ctx, len(p.SkillIDs) == 0, p.SkillIDs); err != nil {
		return store.Session{}, err
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
	return c.st.PutSession(ctx, s)
}

// SignOut signs the agent out at the gateway (forcelogout when force, which also ends a call in
// progress), stops its poller, logs the change and forgets the session. An agent the gateway
// already considers signed out is simply forgotten.
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
		p.handingOver.Store(true)
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
			p.handingOver.Store(false)
		}
		return err
	}
	if p != nil {
		p.stop()
	}
	if _, err := c.logChange(ctx, agentID, SessionChange{Reason: ChangeSignedOut}); err != nil {
		return err
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
	return c.info(s), nil
}

// info joins a stored session with what the agent's log says; a LOST session shows no state
// and no calls, whatever the log said before the loss.
func (c *Core) info(s store.Session) SessionInfo {
	view, _ := c.hub.view(s.AgentID)
	return SessionInfo{Session: s, View: view.forSession(s.State)}
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
		out[i] = c.info(s)
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
			// No request is remembered for a resumed session, so only a forced SignIn replaces it.
			if err := c.startPoller(s, c.gw.Resume(s.AgentID, s.GUID, s.Cookie), [32]byte{}); err != nil {
				c.log.Warn("resuming a stored session", "agent", s.AgentID, "err", err)
			}
		}
		after = ss[len(ss)-1].AgentID
	}
}

// requestKeyKey keys the in-memory digests of sign-in requests, used only to recognise a
// repeated SignIn. It is random per process and never leaves it, and the digests stay in
// memory too (never in the store): without the key a digest cannot even be tested against a
// guessed password.
var requestKeyKey = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

// requestKey is a keyed digest of everything a SignIn asks for except force: the same request
// again (skill ids in any order) gives the same key.
func (p SignInParams) requestKey() [32]byte {
	mac := hmac.New(sha256.New, requestKeyKey)
	field := func(b []byte) {
		mac.Write(binary.AppendUvarint(nil, uint64(len(b))))
		mac.Write(b)
	}
	tri := func(b *bool) []byte {
		if b == nil {
			return []byte("unset")
		}
		return strconv.AppendBool(nil, *b)
	}
	field([]byte(p.Password))
	field([]byte(p.PhoneNumber))
	field(strconv.AppendInt(nil, int64(p.InitialState), 10))
	skills := slices.Clone(p.SkillIDs)
	slices.Sort(skills)
	for _, id := range skills {
		field(strconv.AppendInt(nil, id, 10))
	}
	field(nil) // ends the list
	field(tri(p.AutoAnswer))
	field(tri(p.AutoEnterIdle))
	field(tri(p.ReleasePhone))
	var out [32]byte
	copy(out[:], mac.Sum(nil))
	return out
}

func (p *poller) startedBy(key [32]byte) bool {
	return p.requestKey != ([32]byte{}) && hmac.Equal(key[:], p.requestKey[:])
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
