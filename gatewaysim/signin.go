package gatewaysim

import (
	"net"
	"net/http"
	"strconv"
	"time"
)

// signInOptions are the sign-in body fields the simulator acts on.
type signInOptions struct {
	password, phone string
	status          int64
	autoAnswer      bool
	autoEnterIdle   bool
}

// parseSignIn validates a login/forcelogin body, returning a retcode on failure.
func parseSignIn(f fields) (signInOptions, string) {
	o := signInOptions{status: 4, autoAnswer: true, autoEnterIdle: true}
	var err error
	var ok bool
	if o.password, _, err = f.str("password"); err != nil || len(o.password) > 32 {
		return o, rcSignInInvalid
	}
	if o.phone, ok, err = f.str("phonenum"); err != nil {
		return o, rcSignInInvalid
	} else if !ok || o.phone == "" {
		return o, rcSignInParams
	}
	if len(o.phone) > 24 || !isDialString(o.phone) {
		return o, rcBadPhone
	}
	if v, ok, err := f.boolean("autoanswer"); err != nil {
		return o, rcSignInInvalid
	} else if ok {
		o.autoAnswer = v
	}
	if v, ok, err := f.boolean("autoenteridle"); err != nil {
		return o, rcSignInInvalid
	} else if ok {
		o.autoEnterIdle = v
	}
	for _, k := range []string{"releasephone", "phonelinkage", "checkInWebm", "checkInMailm", "listenStatus"} {
		if _, _, err := f.boolean(k); err != nil {
			return o, rcSignInInvalid
		}
	}
	if t, ok, err := f.integer("agenttype"); err != nil || ok && t != 4 && t != 11 {
		return o, rcBadAgentType
	}
	if st, ok, err := f.integer("status"); err != nil || ok && (st < 3 || st > 5) {
		return o, rcSignInInvalid
	} else if ok {
		o.status = st
	}
	if ip, ok, err := f.str("ip"); err != nil || ok && ip != "" && !isIPv4(ip) {
		return o, rcBadIP
	}
	return o, ""
}

func isDialString(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '*' && c != '#' {
			return false
		}
	}
	return true
}

func isIPv4(s string) bool {
	ip := net.ParseIP(s)
	return len(s) <= 15 && ip != nil && ip.To4() != nil
}

// login serves PUT onlineagent/{id} and, with force, PUT onlineagent/{id}/forcelogin.
func (s *Sim) login(force bool) gwFunc {
	return func(r *http.Request, id string) reply {
		if !validAgentID(id) {
			return failReply(rcSignInInvalid)
		}
		f, err := readFields(r)
		if err != nil {
			return failReply(rcSignInParams)
		}
		opts, rc := parseSignIn(f)
		if rc != "" {
			return failReply(rc)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		a := s.agents[id]
		if a == nil || opts.password != a.cfg.Password {
			return failReply(rcBadCredentials)
		}
		if a.cfg.Phone != "" && opts.phone != a.cfg.Phone {
			return failReply(rcPhoneOutOfRange)
		}
		if a.sess != nil && !a.sess.ended {
			if !force {
				return failReply(rcAlreadySignedIn)
			}
			// Take-over: the previous session ends as a voluntary sign-out does (calls released,
			// GUIDs dead at once, its parked poll woken to the stale retcode).
			s.endSessionLocked(a, true)
		} else if a.sess != nil {
			a.sess.wake()
		}
		ss := s.newSessionLocked(a, opts)
		rep := okReply(map[string]any{
			"vdnid":         1,
			"workno":        id,
			"mediatype":     "TTF",
			"loginTime":     strconv.FormatInt(ss.loginTime.UnixMilli(), 10),
			"isForceChange": "false",
			"serverName":    "AgentGateway",
			"timeRemaining": "",
		})
		rep.headers = http.Header{"Set-GUID": {"JSESSIONID=" + ss.currentGUID()}}
		return rep
	}
}

// newSessionLocked signs agent a in and queues the sign-in events of the
// requested initial status (protocol §1.1).
func (s *Sim) newSessionLocked(a *agent, o signInOptions) *session {
	now := s.now()
	ss := &session{
		loginTime:     now,
		guids:         []guidEntry{{value: newGUID(), issued: now}},
		autoAnswer:    o.autoAnswer,
		autoEnterIdle: o.autoEnterIdle,
		activeSkills:  make(map[int64]bool),
		chats:         make(map[string]*call),
		lastActivity:  now,
		idleSince:     now,
	}
	if s.cfg.AutoJoinSkills {
		for _, q := range a.cfg.Skills {
			ss.activeSkills[q] = true
		}
	}
	a.sess = ss
	s.emit(a, evInService, nil)
	s.emit(a, evReady, nil)
	switch o.status {
	case 3:
		ss.state = stateBusy
		s.emit(a, evSetNotReady, map[string]any{"reason": "0"})
	case 5:
		ss.state = stateWrapUp
		s.emit(a, evWork, nil)
	default:
		ss.state = stateIdle
	}
	s.armHeartbeatLocked(a, ss, s.cfg.HeartbeatTimeout)
	return ss
}

// armHeartbeatLocked schedules the heartbeat check. Polls only stamp
// lastActivity; the timer re-arms itself for the remainder, so a busy
// agent costs one timer, not one per poll.
func (s *Sim) armHeartbeatLocked(a *agent, ss *session, d time.Duration) {
	ss.hbTimer = s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.isClosed() || a.sess != ss || ss.ended {
			return
		}
		now := s.now()
		if ss.waiter != nil {
			ss.lastActivity = now // a parked poll is a live heartbeat
		}
		due := ss.lastActivity.Add(s.cfg.HeartbeatTimeout)
		if now.Before(due) {
			s.armHeartbeatLocked(a, ss, due.Sub(now))
			return
		}
		s.log.Info("agent signed out: no heartbeat", "agent", a.cfg.ID)
		s.endSessionLocked(a, false)
	})
}

// endSessionLocked signs agent a out. A voluntary sign-out drops the
// session at once. An involuntary one (heartbeat timeout, forced sign-out,
// control-API kick) releases the agent's calls, queues
// AgentOther_ShutdownService and keeps the session ended-but-pollable so
// that event can still be collected.
func (s *Sim) endSessionLocked(a *agent, voluntary bool) {
	ss := a.sess
	if ss == nil || ss.ended {
		return
	}
	ss.state = stateSignedOut // before releasing: no AgentState_Ready on the way out
	s.releaseAllLocked(a)
	ss.stopTimers()
	if voluntary {
		ss.wake()
		a.sess = nil
		return
	}
	s.emit(a, evShutdownService, map[string]any{"loginTime": strconv.FormatInt(ss.loginTime.UnixMilli(), 10)})
	ss.ended = true
}

// logout serves DELETE onlineagent/{id}/logout. Like the real gateway it
// refuses to sign out an agent that is in a call (100-010).
func (s *Sim) logout(r *http.Request, a *agent) reply {
	if a.sess.hasCalls() {
		return failReply(rcWrongLogoutState)
	}
	s.endSessionLocked(a, true)
	return okReply(map[string]any{})
}

// forceLogout serves DELETE onlineagent/{id}/forcelogout: sign out even
// mid-call, releasing the calls.
func (s *Sim) forceLogout(r *http.Request, a *agent) reply {
	s.endSessionLocked(a, false)
	return okReply(map[string]any{})
}
