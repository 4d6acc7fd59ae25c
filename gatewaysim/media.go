package gatewaysim

import (
	"sort"
	"unicode/utf8"
)

// maxChatsPerAgent is how many chat sessions one agent may hold; queue
// routing still prefers agents with none.
const maxChatsPerAgent = 5

// Transfer device types and modes (mediacall/transfer).
const (
	deviceSkillQueue = 1
	deviceAgent      = 2
	deviceAccessCode = 4
	modeBlind        = 0 // "release transfer": the source leaves at once
	modeSuccess      = 2 // "success transfer": the source leaves only when the target took it
)

func sortedChats(ss *session) []*call {
	out := make([]*call, 0, len(ss.chats))
	for _, c := range ss.chats {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// canTakeChatLocked: signed in, not on the phone, idle or already chatting
// with room for one more session.
func canTakeChatLocked(a *agent) bool {
	ss := a.sess
	if ss == nil || ss.ended || ss.voice != nil {
		return false
	}
	return ss.state == stateIdle || ss.state == stateTalking && len(ss.chats) > 0 && len(ss.chats) < maxChatsPerAgent
}

// pickChatAgentLocked chooses who gets a chat from queue q: the
// longest-idle agent without sessions, else the least loaded chatting one.
func (s *Sim) pickChatAgentLocked(q int64, exclude *agent) *agent {
	if a := s.pickIdleAgentLocked(q, exclude); a != nil {
		return a
	}
	var best *agent
	for _, a := range s.agents { // ties on load go to the lower agent id
		if a == exclude || !canTakeChatLocked(a) || !a.sess.activeSkills[q] {
			continue
		}
		if n := len(a.sess.chats); best == nil || n < len(best.sess.chats) ||
			n == len(best.sess.chats) && lessID(a.cfg.ID, best.cfg.ID) {
			best = a
		}
	}
	return best
}

// offerChatLocked hands chat c to agent t. Chats are always auto-answered:
// AgentEvent_Incoming_CallInfo, AgentEvent_Auto_Answer, then (from idle)
// AgentState_Busy and AgentEvent_Talking, all with mediaType 51 (web chat).
func (s *Sim) offerChatLocked(c *call, t *agent) {
	c.owner = t
	t.sess.chats[c.id] = c
	s.calls[c.id] = c
	s.emit(t, evIncomingCallInfo, incomingContent(c, s.queues[c.skillID].Name))
	s.emit(t, evAutoAnswer, answerContent(c))
	if t.sess.state != stateTalking {
		s.setStateLocked(t, stateTalking)
		s.emit(t, evBusy, nil)
	}
	s.emit(t, evTalking, talkingContent(c))
}

// dropChatLocked removes chat c from its owner a with AgentEvent_Call_Release.
func (s *Sim) dropChatLocked(a *agent, c *call) {
	delete(a.sess.chats, c.id)
	if c.owner == a {
		c.owner = nil
	}
	s.emit(a, evCallRelease, c.id)
}

// transferRequest is a validated mediacall/transfer body.
type transferRequest struct {
	callID, caller, address, callData string
	deviceType, mode, skillID         int64
}

// parseTransfer validates a transfer body; the retcode is "" when valid.
// devicetype outside {1,2,4} is 106-004; every other bad field is 000-002.
func parseTransfer(f fields) (transferRequest, string) {
	var t transferRequest
	var ok bool
	var err error
	if t.callID, ok, err = f.str("callid"); err != nil || !ok || t.callID == "" {
		return t, rcInvalidParam
	}
	if t.caller, _, err = f.str("caller"); err != nil || len(t.caller) > 24 {
		return t, rcInvalidParam
	}
	if t.deviceType, ok, err = f.integer("devicetype"); err != nil || !ok ||
		t.deviceType != deviceSkillQueue && t.deviceType != deviceAgent && t.deviceType != deviceAccessCode {
		return t, rcBadDeviceType
	}
	if t.mode, ok, err = f.integer("mode"); err != nil || !ok || t.mode != modeBlind && t.mode != modeSuccess {
		return t, rcInvalidParam
	}
	if t.address, ok, err = f.str("address"); err != nil || !ok {
		return t, rcInvalidParam
	}
	if n := utf8.RuneCountInString(t.address); n < 1 || n > 24 {
		return t, rcInvalidParam
	}
	if t.callData, _, err = f.str("calldata"); err != nil || len(t.callData) > 2048 {
		return t, rcInvalidParam
	}
	if t.skillID, _, err = f.integer("skillId"); err != nil {
		return t, rcInvalidParam
	}
	return t, ""
}

// transfer serves POST mediacall/{id}/transfer. The retcode only says the
// request was accepted; the outcome arrives as events:
//
//	target found, mode 0: source AgentEvent_Call_Release; target gets the session.
//	target found, mode 2: target gets the session; source AgentEvent_SuccTransResult
//	                      {"result":0} then AgentEvent_Call_Release.
//	no target,    mode 0: source AgentEvent_Call_Release then AgentEvent_Connect_Fail;
//	                      the session is lost.
//	no target,    mode 2: source AgentEvent_SuccTransResult {"result":1}; it keeps the session.
//	                      With Config.TransferFailure TransferFailureConnectFailLateResult:
//	                      AgentEvent_Connect_Fail, and the SuccTransResult late (see emitLate).
//
// An access code (devicetype 4) of digits takes the session out of the
// agents' hands (to an IVR or flow); a non-numeric one cannot be connected.
func (s *Sim) transfer(a *agent, f fields) reply {
	req, rc := parseTransfer(f)
	if rc != "" {
		return failReply(rc)
	}
	c := a.sess.chats[req.callID]
	if c == nil {
		// The agent does not hold this session: an invalid interface parameter.
		return failReply(rcInvalidParam)
	}
	var target *agent
	connectable := false
	switch req.deviceType {
	case deviceSkillQueue:
		q, err := parseLenientInt(req.address)
		if err != nil {
			return failReply(rcInvalidParam)
		}
		if _, known := s.queues[q]; known {
			target = s.pickChatAgentLocked(q, a)
			if target != nil {
				c.skillID = q
			}
		}
		connectable = target != nil
	case deviceAgent:
		if !validAgentID(req.address) {
			return failReply(rcInvalidParam)
		}
		if t := s.agents[req.address]; t != nil && t != a && canTakeChatLocked(t) {
			target = t
			if req.skillID > 0 {
				c.skillID = req.skillID
			}
		}
		connectable = target != nil
	case deviceAccessCode:
		connectable = isDigits(req.address)
	}
	s.finishTransferLocked(a, c, req, target, connectable)
	return reply{env: envelope{Message: messageFor(rcOK), Retcode: rcOK}}
}

func (s *Sim) finishTransferLocked(a *agent, c *call, req transferRequest, target *agent, connectable bool) {
	switch {
	case connectable && req.mode == modeBlind:
		s.dropChatLocked(a, c)
		s.moveChatLocked(c, a, req, target)
	case connectable: // release-after-transfer: the target takes it first
		s.moveChatLocked(c, a, req, target)
		delete(a.sess.chats, c.id)
		s.emit(a, evSuccTransResult, map[string]any{"result": 0, "callId": c.id})
		s.emit(a, evCallRelease, c.id)
	case req.mode == modeBlind:
		s.dropChatLocked(a, c)
		delete(s.calls, c.id)
		s.emit(a, evConnectFail, c.id)
	default: // success transfer failed: the source keeps the customer
		result := map[string]any{"result": transferFailedResult, "callId": c.id}
		if s.cfg.TransferFailure == TransferFailureConnectFailLateResult {
			s.emit(a, evConnectFail, c.id)
			s.emitLate(a, evSuccTransResult, result)
			return
		}
		s.emit(a, evSuccTransResult, result)
		return
	}
	s.afterCallLocked(a)
}

// moveChatLocked gives chat c to target, or ends it inside the platform
// when it went to an access code (target nil).
func (s *Sim) moveChatLocked(c *call, from *agent, req transferRequest, target *agent) {
	c.transferFrom = from.cfg.ID
	if req.caller != "" {
		c.caller = req.caller
	}
	if target == nil {
		delete(s.calls, c.id)
		c.owner = nil
		return
	}
	s.offerChatLocked(c, target)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
