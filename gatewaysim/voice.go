package gatewaysim

import (
	"net/http"
	"strconv"
)

// call is a voice call or a multimedia (chat) session.
type call struct {
	id           string
	chat         bool
	feature      string // "0" inbound, "6" internal
	caller       string
	called       string
	skillID      int64
	transferFrom string // agent that transferred the session here, if any
	from         *agent // the calling agent of an internal call
	to           *agent // the answering agent (voice)
	owner        *agent // the agent holding the chat
	ringing      bool   // offered to `to`, waiting for a manual answer
}

func (c *call) mediaAbility() string {
	if c.chat {
		return mediaAbilityText
	}
	return mediaAbilityVoice
}

// newCallIDLocked makes a call id in the gateway's "<epoch seconds>-<sequence>" form.
func (s *Sim) newCallIDLocked() string {
	s.callSeq++
	return strconv.FormatInt(s.now().Unix(), 10) + "-" + strconv.FormatUint(s.callSeq, 10)
}

// pickIdleAgentLocked returns the longest-idle signed-in agent that has
// joined queue q and is free for a voice call, never `exclude`.
func (s *Sim) pickIdleAgentLocked(q int64, exclude *agent) *agent {
	// One pass over the directory, under the lock on every call: ties on idle time go to the
	// lower agent id, as they would in a sorted walk, without sorting.
	var best *agent
	for _, a := range s.agents {
		ss := a.sess
		if a == exclude || ss == nil || ss.ended || ss.state != stateIdle || ss.hasCalls() || !ss.activeSkills[q] {
			continue
		}
		if best == nil || ss.idleSince.Before(best.sess.idleSince) ||
			ss.idleSince.Equal(best.sess.idleSince) && lessID(a.cfg.ID, best.cfg.ID) {
			best = a
		}
	}
	return best
}

// callInnerSkill serves PUT voicecall/{id}/callinnerskill {"skillId":n}.
// The answer always carries a fresh call id once the request is valid; when
// the queue has no idle agent the failure arrives as AgentEvent_Inside_Call_Fail.
func (s *Sim) callInnerSkill(a *agent, f fields) reply {
	skill, ok, err := f.integer("skillId")
	if err != nil || !ok {
		return failReply(rcInvalidParam)
	}
	if _, known := s.queues[skill]; !known {
		return failReply(rcInvalidParam)
	}
	if a.sess.voice != nil {
		// The agent is already in a call: the CTI rejects the operation.
		return failReply(rcOperationFailed)
	}
	callID := s.newCallIDLocked()
	t := s.pickIdleAgentLocked(skill, a)
	if t == nil {
		s.emit(a, evInsideCallFail, callID)
		return okReply(callID)
	}
	c := &call{id: callID, feature: featureInternal, caller: a.cfg.ID, called: t.cfg.ID, skillID: skill, from: a, to: t}
	s.calls[callID] = c
	a.sess.voice = c
	t.sess.voice = c
	s.emit(a, evPhoneAlerting, nil)
	s.emit(a, evPhoneOffhook, map[string]any{"type": "main"})
	s.setStateLocked(a, stateTalking)
	s.emit(a, evBusy, nil)
	s.emit(a, evCustomerAlerting, map[string]any{
		"callid": callID, "otherPhoneWorkno": t.cfg.ID, "otherPhone": t.cfg.ID, "type": "main",
	})
	s.offerVoiceLocked(c, t)
	return okReply(callID)
}

// offerVoiceLocked presents call c to agent t: auto-answered or ringing.
func (s *Sim) offerVoiceLocked(c *call, t *agent) {
	if !t.sess.autoAnswer {
		c.ringing = true
		s.emit(t, evRinging, answerContent(c))
		return
	}
	s.emit(t, evAutoAnswer, answerContent(c))
	s.connectVoiceLocked(c)
}

// connectVoiceLocked puts both sides of an answered call into talking.
func (s *Sim) connectVoiceLocked(c *call) {
	c.ringing = false
	s.setStateLocked(c.to, stateTalking)
	s.emit(c.to, evBusy, nil)
	s.emit(c.to, evTalking, talkingContent(c))
	if c.from != nil && c.from.sess != nil && c.from.sess.voice == c {
		s.emit(c.from, evTalking, talkingContent(c))
	}
}

// answer serves PUT voicecall/{id}/answer?callid=: answers a ringing call.
func (s *Sim) answer(r *http.Request, a *agent) reply {
	c := a.sess.voice
	want := queryParams(r.URL.RawQuery)["callid"]
	if c == nil || !c.ringing || c.to != a || want != "" && want != c.id {
		return failReply(rcOperationFailed)
	}
	s.emit(a, evPhoneOffhook, map[string]any{"type": "main"})
	s.connectVoiceLocked(c)
	return okReply(map[string]any{})
}

// releaseVoice serves DELETE voicecall/{id}/release: the agent hangs up.
func (s *Sim) releaseVoice(r *http.Request, a *agent) reply {
	if a.sess.voice == nil {
		return failReply(rcOperationFailed)
	}
	s.releaseVoiceLocked(a.sess.voice, a)
	return okReply(map[string]any{})
}

// releaseVoiceLocked ends voice call c, hung up by agent `by` (nil: the
// customer hung up). Each agent still in the call learns that the other
// side left (unless it hung up itself), that its call was released and
// that its phone went on-hook, then returns to idle or wrap-up.
func (s *Sim) releaseVoiceLocked(c *call, by *agent) {
	delete(s.calls, c.id)
	otherNumber := c.caller
	if by != nil {
		otherNumber = by.cfg.ID
	}
	for _, p := range []*agent{c.from, c.to} {
		if p == nil || p.sess == nil || p.sess.voice != c {
			continue
		}
		p.sess.voice = nil
		phoneState := 3 // released by the platform
		if p == by {
			phoneState = 2 // the agent hung up
		} else {
			s.emit(p, evCustomerRelease, map[string]any{"callid": c.id, "number": otherNumber})
		}
		s.emit(p, evCallRelease, c.id)
		s.emit(p, evPhoneRelease, map[string]any{"phoneState": phoneState})
		s.afterCallLocked(p)
	}
}

// releaseAllLocked drops every call and chat of agent a (forced sign-out,
// take-over). Chats are lost with the agent rather than re-queued.
func (s *Sim) releaseAllLocked(a *agent) {
	ss := a.sess
	if ss == nil {
		return
	}
	if ss.voice != nil {
		s.releaseVoiceLocked(ss.voice, a)
	}
	for _, c := range sortedChats(ss) {
		s.dropChatLocked(a, c)
		delete(s.calls, c.id)
	}
	s.afterCallLocked(a)
}
