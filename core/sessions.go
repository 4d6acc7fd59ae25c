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
// a session change and starts the poller. Sign-ins, sign-outs and take-overs of one agent are
// serialised across replicas through the store, and whether the agent is held is decided from
// the store (an active session), whichever replica polls it. For a held agent it follows the
// rules the contract gives (agent_session.proto, SignIn): the same request again returns the
// held session without touching the gateway (recognised by the stored keyed verifier), another
// request is refused with ErrHeldWithOtherRequest, and force replaces the held session through
// the gateway's forced sign-in.
func (c *Core) SignIn(ctx context.Context, p SignInParams) (SessionInfo, error) {
	unlock, err := c.lockAgent(ctx, p.AgentID)
	if err != nil {
		return SessionInfo{}, err
	}
	defer unlock()
	if c.isClosed() {
		return SessionInfo{}, ErrClosed
	}
	if local := c.poller(p.AgentID); local != nil && local.lost.Load() {
		local.stop() // a lost session is not held; let its poller finish recording the loss
	}
	verifier := c.requestVerifier(p)
	stored, err := c.st.GetSession(ctx, p.AgentID)
	c.observeStore(err)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return SessionInfo{}, storeUnavailable(err)
	}
	heldActive := err == nil && stored.State == store.SessionActive
	if heldActive && !p.Force {
		if !hmac.Equal([]byte(stored.RequestVerifier), []byte(verifier)) {
			return SessionInfo{}, ErrHeldWithOtherRequest
		}
		return c.info(stored), nil
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
	local := c.poller(p.AgentID)
	if heldActive {
		// The forced sign-in ends the held session at the gateway: its poller's refusals from
		// here on are expected, not a sign of loss. A poller on another replica adopts the new
		// GUID from the store when the gateway refuses the old one.
		if local != nil {
			local.handingOver.Store(true)
			defer local.handingOver.Store(false)
		}
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
	s, err := c.recordSignIn(ctx, p, conn, res, verifier)
	if err != nil {
		// Do not leave an agent signed in at the gateway that nobody polls: it would hold the
		// agent's seat until the gateway's two-minute heartbeat timeout.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if lerr := conn.SignOut(cleanup); lerr != nil {
			c.log.Warn("sign-out after a failed sign-in", "agent", p.AgentID, "err", lerr)
		}
		return SessionInfo{}, storeUnavailable(err)
	}
	if local != nil {
		local.stop() // before the change is logged: no event of the old session may follow it
	}
	if _, err := c.logChange(ctx, p.AgentID, SessionChange{State: store.SessionActive, Reason: reason}); err != nil {
		c.observeStore(err)
		return SessionInfo{}, storeUnavailable(err)
	}
	if err := c.startPoller(s, conn); err != nil && !errors.Is(err, ErrPolledElsewhere) {
		return SessionInfo{}, err
	}
	return c.info(s), nil
}

// recordSignIn joins the agent's skill queues and stores the new session.
func (c *Core) recordSignIn(ctx context.Context, p SignInParams, conn AgentConn, res *gatewayclient.SignInResult, verifier string) (store.Session, error) {
	if err := conn.ResetSkills(ctx, len(p.SkillIDs) == 0, p.SkillIDs); err != nil {
		return store.Session{}, err
	}
	s := store.Session{
		AgentID: p.AgentID, GUID: conn.GUID(), Cookie: conn.Cookie(),
		PhoneNumber: p.PhoneNumber, SkillIDs: p.SkillIDs, State: store.SessionActive,
		SignedInAt: time.Now().UTC(), PasswordExpiresInDays: -1, RequestVerifier: verifier,
	}
	if res != nil {
		s.VoiceEnabled = len(res.MediaType) > 0 && res.MediaType[0] == 'T'
		s.TextEnabled = len(res.MediaType) > 1 && res.MediaType[1] == 'T'
		s.PasswordChangeRequired = res.IsForceChange == "true"
		if d, err := strconv.Atoi(res.TimeRemaining); err == nil {
			s.PasswordExpiresInDays = int32(d)
		}
	}
	return c.putOver(ctx, s)
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

// SignOut signs the agent out at the gateway (forcelogout when force, which also ends a call in
// progress), stops its poller, logs the change and forgets the session. An agent the gateway
// already considers signed out is simply forgotten.
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
		c.observeStore(err)
		return storeUnavailable(err)
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

// requestVerifier is a keyed digest of everything a SignIn asks for except force: the same
// request again (skill ids in any order) gives the same verifier. It is stored with the session
// so every replica recognises a repeated SignIn; its key (PasswordVerifierKey) never is, so
// without the key the verifier cannot even be tested against a guessed password.
func (c *Core) requestVerifier(p SignInParams) string {
	mac := hmac.New(sha256.New, c.opts.PasswordVerifierKey)
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
	return hex.EncodeToString(mac.Sum(nil))
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
