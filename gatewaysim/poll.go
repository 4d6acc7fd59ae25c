package gatewaysim

import "net/http"

// poll serves GET agentevent/{id}: one event per response, long-polling
// for PollWait when the queue is empty, and the agent's heartbeat.
//
// Concurrent polls for one agent: the newest poll wins. A poll that arrives
// while another is parked takes its place; the displaced poll is answered
// at once as an empty poll. Events therefore go to whoever polled last,
// which is what a second poller sees on the real gateway (it steals events).
func (s *Sim) poll(r *http.Request, id string) reply {
	if r.Method != http.MethodGet {
		return failReply(rcWrongPollMethod)
	}
	if !validAgentID(id) {
		return failReply(rcInvalidParam)
	}
	guid := r.Header.Get("Guid")

	s.mu.Lock()
	a := s.agents[id]
	rep, ss, park := s.pollStepLocked(a, guid)
	if !park {
		s.mu.Unlock()
		return rep
	}
	if ss.waiter != nil {
		ss.waiter.wake(true)
		ss.displaced++
	}
	w := &pollWaiter{done: make(chan struct{})}
	ss.waiter = w
	timer := s.clock.AfterFunc(s.cfg.PollWait, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ss.waiter == w {
			ss.waiter = nil
			w.wake(false)
		}
	})
	s.mu.Unlock()

	select {
	case <-w.done:
	case <-r.Context().Done():
	case <-s.closed:
	}
	timer.Stop()

	s.mu.Lock()
	defer s.mu.Unlock()
	if ss.waiter == w {
		ss.waiter = nil
	}
	if w.displaced || s.isClosed() || r.Context().Err() != nil {
		return s.emptyPollLocked(a, ss, guid)
	}
	rep, _, park = s.pollStepLocked(a, guid)
	if park {
		return s.emptyPollLocked(a, ss, guid)
	}
	return rep
}

// pollStepLocked authenticates a poll and pops one event. park reports that
// the queue is empty and the poll should wait (rep is then unset).
func (s *Sim) pollStepLocked(a *agent, guid string) (rep reply, ss *session, park bool) {
	if a == nil || a.sess == nil {
		return failReply(rcNotSignedIn), nil, false
	}
	ss = a.sess
	now := s.now()
	if !ss.guidValid(guid, now, s.cfg.GUIDTimeout) {
		if ss.ended {
			return failReply(rcNotSignedIn), nil, false
		}
		return failReply(s.cfg.StaleGUIDRetcode), nil, false
	}
	ss.lastActivity = now
	if ev, ok := ss.pop(); ok {
		rep = reply{env: envelope{Message: "", Retcode: rcOK, Event: &ev}}
		s.attachGUIDLocked(&rep, ss, guid)
		return rep, ss, false
	}
	if ss.ended {
		// Drained: the agent is gone for good.
		a.sess = nil
		return failReply(rcNotSignedIn), nil, false
	}
	return reply{}, ss, true
}

// emptyPollLocked answers a poll that found nothing: {"message":"","retcode":"0"}.
func (s *Sim) emptyPollLocked(a *agent, ss *session, guid string) reply {
	if a.sess != ss || ss.ended {
		// Signed out or taken over while parked: re-authenticate.
		rep, cur, park := s.pollStepLocked(a, guid)
		if !park {
			return rep
		}
		ss = cur
	}
	ss.lastActivity = s.now()
	rep := reply{env: envelope{Message: "", Retcode: rcOK}}
	s.attachGUIDLocked(&rep, ss, guid)
	return rep
}

// attachGUIDLocked adds Set-GUID to a successful poll response in dynamic
// mode when the current GUID is due for rotation, and also when the poll
// authenticated with an older (still valid) GUID, so a client that missed
// the response carrying a rotation learns the current GUID again before
// its old one expires.
func (s *Sim) attachGUIDLocked(rep *reply, ss *session, presented string) {
	if s.cfg.AuthMode != 2 || ss.ended {
		return
	}
	now := s.now()
	cur := ss.guids[len(ss.guids)-1]
	g := cur.value
	switch {
	case now.Sub(cur.issued) >= s.cfg.GUIDInterval:
		g = ss.rotate(now, s.cfg.GUIDTimeout)
	case presented == cur.value:
		return
	}
	if rep.headers == nil {
		rep.headers = http.Header{}
	}
	rep.headers["Set-GUID"] = []string{"JSESSIONID=" + g}
}
