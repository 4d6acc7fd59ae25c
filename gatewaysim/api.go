package gatewaysim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors of the Go control API (and, mapped to HTTP statuses, of /sim/v1).
var (
	ErrNotFound    = errors.New("gatewaysim: not found")
	ErrInvalid     = errors.New("gatewaysim: invalid argument")
	ErrConflict    = errors.New("gatewaysim: conflict")
	ErrNotSignedIn = fmt.Errorf("%w: agent is not signed in", ErrConflict)
	ErrNoAgent     = fmt.Errorf("%w: no agent available", ErrConflict)
)

// AgentStatus is what the control API reveals about an agent. It never
// includes the GUID or the password.
type AgentStatus struct {
	ID            string   `json:"id"`
	SignedIn      bool     `json:"signedIn"`
	State         string   `json:"state"` // signed_out, idle, busy, talking, wrapup, rest
	Skills        []int64  `json:"skills"`
	ActiveSkills  []int64  `json:"activeSkills"`
	VoiceCallID   string   `json:"voiceCallId,omitempty"`
	Ringing       bool     `json:"ringing,omitempty"`
	ChatCallIDs   []string `json:"chatCallIds,omitempty"`
	QueuedEvents  int      `json:"queuedEvents"`
	DroppedEvents int      `json:"droppedEvents"`
	PollParked    bool     `json:"pollParked"`
	LoginTimeMs   int64    `json:"loginTimeMs,omitempty"`
	LastPollMs    int64    `json:"lastActivityMs,omitempty"`
}

// CallTarget says where a simulated customer contact goes: a given agent
// (AgentID) or the longest-idle agent of a skill queue (QueueID).
type CallTarget struct {
	AgentID string `json:"agentId,omitempty"`
	QueueID int64  `json:"queueId,omitempty"`
	Caller  string `json:"caller,omitempty"` // customer number; default "13800000000"
	Called  string `json:"called,omitempty"` // dialled access code; default "4000"
}

// CallStarted reports the call id and the agent that got the contact.
type CallStarted struct {
	CallID  string `json:"callId"`
	AgentID string `json:"agentId"`
}

// AddAgent adds a directory entry (or replaces the configuration of a
// signed-out one).
func (s *Sim) AddAgent(a Agent) error {
	if !validAgentID(a.ID) {
		return fmt.Errorf("%w: agent id %q must be 101–999999", ErrInvalid, a.ID)
	}
	if len(a.Password) > 32 || len(a.Phone) > 24 || !isDialString(a.Phone) {
		return fmt.Errorf("%w: agent %s: password ≤32 chars, phone ≤24 digits", ErrInvalid, a.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.agents[a.ID]; cur != nil {
		if cur.sess != nil && !cur.sess.ended {
			return fmt.Errorf("%w: agent %s is signed in", ErrConflict, a.ID)
		}
		cur.cfg = cloneAgent(a)
		return nil
	}
	s.agents[a.ID] = &agent{cfg: cloneAgent(a)}
	return nil
}

func cloneAgent(a Agent) Agent {
	a.Skills = slices.Clone(a.Skills)
	return a
}

// AddQueue adds or renames a skill queue.
func (s *Sim) AddQueue(q Queue) error {
	if q.ID <= 0 {
		return fmt.Errorf("%w: queue id must be positive", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queues[q.ID] = q
	return nil
}

// Queues lists the skill queues by id.
func (s *Sim) Queues() []Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Queue, 0, len(s.queues))
	for _, q := range s.queues {
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b Queue) int { return int(a.ID - b.ID) })
	return out
}

// AgentState reports one agent.
func (s *Sim) AgentState(agentID string) (AgentStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agents[agentID]
	if a == nil {
		return AgentStatus{}, fmt.Errorf("%w: agent %q", ErrNotFound, agentID)
	}
	return s.statusLocked(a), nil
}

// Agents reports every agent, ordered by work number.
func (s *Sim) Agents() []AgentStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AgentStatus
	for _, a := range s.sortedAgents() {
		out = append(out, s.statusLocked(a))
	}
	return out
}

func (s *Sim) statusLocked(a *agent) AgentStatus {
	st := AgentStatus{ID: a.cfg.ID, State: stateSignedOut.String(), Skills: slices.Clone(a.cfg.Skills), ActiveSkills: []int64{}}
	ss := a.sess
	if ss == nil {
		return st
	}
	st.QueuedEvents = len(ss.events)
	st.DroppedEvents = ss.dropped
	st.PollParked = ss.waiter != nil
	st.LastPollMs = ss.lastActivity.UnixMilli()
	if ss.ended {
		return st
	}
	st.SignedIn = true
	st.State = ss.state.String()
	st.LoginTimeMs = ss.loginTime.UnixMilli()
	for k := range ss.activeSkills {
		st.ActiveSkills = append(st.ActiveSkills, k)
	}
	slices.Sort(st.ActiveSkills)
	if ss.voice != nil {
		st.VoiceCallID = ss.voice.id
		st.Ringing = ss.voice.ringing
	}
	for _, c := range sortedChats(ss) {
		st.ChatCallIDs = append(st.ChatCallIDs, c.id)
	}
	return st
}

// activeAgentLocked returns a signed-in agent or a typed error.
func (s *Sim) activeAgentLocked(agentID string) (*agent, error) {
	a := s.agents[agentID]
	if a == nil {
		return nil, fmt.Errorf("%w: agent %q", ErrNotFound, agentID)
	}
	if a.sess == nil || a.sess.ended {
		return nil, fmt.Errorf("%w: %s", ErrNotSignedIn, agentID)
	}
	return a, nil
}

// PushEvent queues an arbitrary event for a signed-in agent. content is
// marshalled as given (nil → null, a string → bare string).
func (s *Sim) PushEvent(agentID, eventType string, content any) error {
	if eventType == "" {
		return fmt.Errorf("%w: eventType required", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.activeAgentLocked(agentID)
	if err != nil {
		return err
	}
	s.emit(a, eventType, content)
	return nil
}

// SignOutAgent signs an agent out from the gateway side (as a timeout or
// an administrator would): calls are released and AgentOther_ShutdownService
// is queued for its poller.
func (s *Sim) SignOutAgent(agentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.activeAgentLocked(agentID)
	if err != nil {
		return err
	}
	s.endSessionLocked(a, false)
	return nil
}

// RotateGUID rotates a signed-in agent's GUID now (dynamic mode only). The
// old GUID keeps working until it expires, and the next poll made with it
// carries the new one in Set-GUID.
func (s *Sim) RotateGUID(agentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.activeAgentLocked(agentID)
	if err != nil {
		return err
	}
	if s.cfg.AuthMode != 2 {
		return fmt.Errorf("%w: static GUIDs (AUTHMODE 1) never rotate", ErrConflict)
	}
	a.sess.rotate(s.now(), s.cfg.GUIDTimeout)
	return nil
}

// SetTransferFailure changes how a failed success-mode transfer is reported
// (Config.TransferFailure) from now on: TransferFailureResult or
// TransferFailureConnectFailLateResult. A delay of 0 keeps the current
// LateResultDelay.
func (s *Sim) SetTransferFailure(mode string, lateDelay time.Duration) error {
	if mode == "" {
		return fmt.Errorf("%w: transfer failure mode is required", ErrInvalid)
	}
	if err := validTransferFailure(mode); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if lateDelay < 0 {
		return fmt.Errorf("%w: late result delay must not be negative", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.TransferFailure = mode
	if lateDelay > 0 {
		s.cfg.LateResultDelay = lateDelay
	}
	return nil
}

// DebugGUID reveals an agent's current GUID. It exists for tests that
// must forge or replay credentials; never log what it returns.
func (s *Sim) DebugGUID(agentID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.activeAgentLocked(agentID)
	if err != nil {
		return "", err
	}
	return a.sess.currentGUID(), nil
}

func (t CallTarget) resolveLocked(s *Sim, voice bool) (*agent, int64, error) {
	if (t.AgentID == "") == (t.QueueID == 0) {
		return nil, 0, fmt.Errorf("%w: give exactly one of agentId and queueId", ErrInvalid)
	}
	if t.QueueID != 0 {
		if _, ok := s.queues[t.QueueID]; !ok {
			return nil, 0, fmt.Errorf("%w: queue %d", ErrNotFound, t.QueueID)
		}
		var a *agent
		if voice {
			a = s.pickIdleAgentLocked(t.QueueID, nil)
		} else {
			a = s.pickChatAgentLocked(t.QueueID, nil)
		}
		if a == nil {
			return nil, 0, fmt.Errorf("%w in queue %d", ErrNoAgent, t.QueueID)
		}
		return a, t.QueueID, nil
	}
	a, err := s.activeAgentLocked(t.AgentID)
	if err != nil {
		return nil, 0, err
	}
	free := canTakeChatLocked(a)
	if voice {
		free = a.sess.state == stateIdle && !a.sess.hasCalls()
	}
	if !free {
		return nil, 0, fmt.Errorf("%w: agent %s is not free", ErrNoAgent, t.AgentID)
	}
	return a, firstSkill(a), nil
}

func firstSkill(a *agent) int64 {
	for _, k := range a.cfg.Skills {
		if a.sess.activeSkills[k] {
			return k
		}
	}
	return 0
}

func (t CallTarget) numbers() (string, string, error) {
	caller, called := t.Caller, t.Called
	if caller == "" {
		caller = "13800000000"
	}
	if called == "" {
		called = "4000"
	}
	if len(caller) > 24 || len(called) > 24 || !isDialString(caller) || !isDialString(called) {
		return "", "", fmt.Errorf("%w: caller/called must be ≤24 dial digits", ErrInvalid)
	}
	return caller, called, nil
}

// StartInboundCall rings a customer voice call (feature 0) on an idle
// agent: AgentOther_PhoneAlerting then, with auto-answer,
// AgentEvent_Auto_Answer, AgentState_Busy, AgentEvent_Talking; otherwise
// AgentEvent_Ringing until the agent answers.
func (s *Sim) StartInboundCall(t CallTarget) (CallStarted, error) {
	caller, called, err := t.numbers()
	if err != nil {
		return CallStarted{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, skill, err := t.resolveLocked(s, true)
	if err != nil {
		return CallStarted{}, err
	}
	c := &call{id: s.newCallIDLocked(), feature: featureInbound, caller: caller, called: called, skillID: skill, to: a}
	s.calls[c.id] = c
	a.sess.voice = c
	s.emit(a, evPhoneAlerting, nil)
	s.offerVoiceLocked(c, a)
	return CallStarted{CallID: c.id, AgentID: a.cfg.ID}, nil
}

// StartChat opens a web-chat session (mediaType 51) on an agent or on the
// best agent of a queue.
func (s *Sim) StartChat(t CallTarget) (CallStarted, error) {
	caller, called, err := t.numbers()
	if err != nil {
		return CallStarted{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, skill, err := t.resolveLocked(s, false)
	if err != nil {
		return CallStarted{}, err
	}
	c := &call{id: s.newCallIDLocked(), chat: true, feature: featureInbound, caller: caller, called: called, skillID: skill}
	s.offerChatLocked(c, a)
	return CallStarted{CallID: c.id, AgentID: a.cfg.ID}, nil
}

// SendChatMessage delivers a customer message on a chat as AgentEvent_MessageData.
func (s *Sim) SendChatMessage(callID, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	if c == nil || !c.chat || c.owner == nil {
		return fmt.Errorf("%w: chat %q", ErrNotFound, callID)
	}
	s.emit(c.owner, evMessageData, map[string]any{
		"callid": c.id, "caller": c.caller, "called": c.called, "feature": c.feature,
		"type": "main", "message": text, "mediaAbility": mediaAbilityText,
	})
	return nil
}

// EndCall hangs a call or chat up from the customer's side.
func (s *Sim) EndCall(callID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	if c == nil {
		return fmt.Errorf("%w: call %q", ErrNotFound, callID)
	}
	if !c.chat {
		s.releaseVoiceLocked(c, nil)
		return nil
	}
	delete(s.calls, callID)
	if a := c.owner; a != nil && a.sess != nil {
		s.emit(a, evCustomerRelease, map[string]any{"callid": c.id, "number": c.caller})
		s.dropChatLocked(a, c)
		s.afterCallLocked(a)
	}
	return nil
}
