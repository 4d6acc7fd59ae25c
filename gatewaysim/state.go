package gatewaysim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// resetSkill serves POST onlineagent/{id}/resetskill/{autoflag}?skillid=1;2.
// autoflag "true" joins every configured skill; otherwise the listed skills
// intersected with the configured ones (an empty list joins none).
func (s *Sim) resetSkill(r *http.Request, a *agent) reply {
	q := queryParams(r.URL.RawQuery)
	all := r.PathValue("autoflag") == "true"
	raw := q["skillid"]
	if len(raw) > 4000 {
		return failReply(rcInvalidParam)
	}
	var listed []int64
	for _, part := range strings.Split(raw, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n < 0 {
			return failReply(rcInvalidParam)
		}
		listed = append(listed, n)
	}
	if pl := q["phonelinkage"]; pl != "" && pl != "0" && pl != "1" {
		return failReply(rcInvalidParam)
	}
	configured := make(map[int64]bool, len(a.cfg.Skills))
	for _, k := range a.cfg.Skills {
		configured[k] = true
	}
	active := make(map[int64]bool)
	if all {
		active = configured
	} else {
		for _, k := range listed {
			if configured[k] {
				active[k] = true
			}
		}
	}
	a.sess.activeSkills = active
	return okReply(map[string]any{})
}

// sayFree serves POST onlineagent/{id}/sayfree.
func (s *Sim) sayFree(r *http.Request, a *agent) reply {
	ss := a.sess
	switch ss.state {
	case stateIdle:
	case stateBusy:
		s.setStateLocked(a, stateIdle)
		s.emit(a, evCancelNotReady, nil)
	case stateWrapUp:
		s.setStateLocked(a, stateIdle)
		s.emit(a, evCancelWork, nil)
	default: // talking or resting: the CTI refuses
		return failReply(rcSetStateFailed)
	}
	return okReply(map[string]any{})
}

// sayBusy serves POST onlineagent/{id}/saybusy?reason=&prolong=.
func (s *Sim) sayBusy(r *http.Request, a *agent) reply {
	q := queryParams(r.URL.RawQuery)
	reason := int64(0)
	if v := q["reason"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n != 0 && (n < 200 || n > 250) {
			return failReply(rcInvalidParam)
		}
		reason = n
	}
	if v := q["prolong"]; v != "" {
		if _, err := parseLenientBool(v); err != nil {
			return failReply(rcInvalidParam)
		}
	}
	switch a.sess.state {
	case stateIdle, stateBusy, stateWrapUp:
		s.setStateLocked(a, stateBusy)
		s.emit(a, evSetNotReady, map[string]any{"reason": strconv.FormatInt(reason, 10)})
	default:
		return failReply(rcSetStateFailed)
	}
	return okReply(map[string]any{})
}

// rest serves POST onlineagent/{id}/rest/{time}/{restcause}: the agent rests
// and, when the time is up, gets AgentState_Rest_Timeout while staying in rest.
func (s *Sim) rest(r *http.Request, a *agent) reply {
	secs, err1 := strconv.Atoi(r.PathValue("time"))
	cause, err2 := strconv.Atoi(r.PathValue("restcause"))
	if err1 != nil || err2 != nil || secs < 1 || secs > 86399 || cause < 0 || cause > 255 {
		return failReply(rcInvalidParam)
	}
	ss := a.sess
	switch ss.state {
	case stateIdle, stateBusy, stateWrapUp, stateRest:
	default:
		return failReply(rcSetStateFailed)
	}
	if ss.restTimer != nil {
		ss.restTimer.Stop()
	}
	s.setStateLocked(a, stateRest)
	s.emit(a, evSetRest, map[string]any{"reason": strconv.Itoa(cause)})
	ss.restTimer = s.clock.AfterFunc(time.Duration(secs)*time.Second, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if a.sess == ss && ss.state == stateRest && !s.isClosed() {
			ss.restTimer = nil
			s.emit(a, evRestTimeout, nil)
		}
	})
	return okReply(map[string]any{})
}

// cancelRest serves POST onlineagent/{id}/cancelrest; the agent becomes idle.
func (s *Sim) cancelRest(r *http.Request, a *agent) reply {
	ss := a.sess
	if ss.state != stateRest {
		return failReply(rcSetStateFailed)
	}
	if ss.restTimer != nil {
		ss.restTimer.Stop()
		ss.restTimer = nil
	}
	s.setStateLocked(a, stateIdle)
	s.emit(a, evCancelRest, nil)
	return okReply(map[string]any{})
}

// setStateLocked changes the agent state, remembering when it became idle
// so queue routing can pick the longest-idle agent.
func (s *Sim) setStateLocked(a *agent, st agentState) {
	if st == stateIdle && a.sess.state != stateIdle {
		a.sess.idleSince = s.now()
	}
	a.sess.state = st
}

// afterCallLocked runs when the agent's last call or chat has ended: back
// to idle (AgentState_Ready) or, with auto-enter-idle off, to wrap-up
// (AgentState_Work).
func (s *Sim) afterCallLocked(a *agent) {
	ss := a.sess
	if ss == nil || ss.ended || ss.hasCalls() || ss.state != stateTalking {
		return
	}
	if ss.autoEnterIdle {
		s.setStateLocked(a, stateIdle)
		s.emit(a, evReady, nil)
		return
	}
	s.setStateLocked(a, stateWrapUp)
	s.emit(a, evWork, nil)
}
