package gatewaysim

import (
	"log/slog"
	"net/http"
	"strconv"
)

const gwPrefix = "/agentgateway/resource/"

// Op names are the gateway's log names; fault injection selects routes by them.
const (
	OpLogin          = "login"
	OpForceLogin     = "forceLogin"
	OpLogout         = "logout"
	OpForceLogout    = "forceLogout"
	OpResetSkill     = "resetSkill"
	OpSayFree        = "sayFree"
	OpSayBusy        = "sayBusy"
	OpRest           = "rest"
	OpCancelRest     = "cancelRest"
	OpGetAgentEvent  = "getAgentEvent"
	OpCallInnerSkill = "callInnerSkill"
	OpAnswer         = "answer"
	OpRelease        = "release"
	OpTransfer       = "transfer"
)

// routeGateway registers the CC-Gateway surface. Every route except the
// event poll is bound to its single documented method, so the mux answers
// any other method with HTTP 405 and an Allow header. The poll is the one
// interface with a documented wrong-method code (000-001), so it accepts
// every method and answers that retcode itself.
func (s *Sim) routeGateway() {
	p := gwPrefix
	s.gateway("PUT "+p+"onlineagent/{agentid}", OpLogin, s.login(false))
	s.gateway("PUT "+p+"onlineagent/{agentid}/forcelogin", OpForceLogin, s.login(true))
	s.gateway("DELETE "+p+"onlineagent/{agentid}/logout", OpLogout, s.authed(s.logout))
	s.gateway("DELETE "+p+"onlineagent/{agentid}/forcelogout", OpForceLogout, s.authed(s.forceLogout))
	s.gateway("POST "+p+"onlineagent/{agentid}/resetskill/{autoflag}", OpResetSkill, s.authed(s.resetSkill))
	s.gateway("POST "+p+"onlineagent/{agentid}/sayfree", OpSayFree, s.authed(s.sayFree))
	s.gateway("POST "+p+"onlineagent/{agentid}/saybusy", OpSayBusy, s.authed(s.sayBusy))
	s.gateway("POST "+p+"onlineagent/{agentid}/rest/{time}/{restcause}", OpRest, s.authed(s.rest))
	s.gateway("POST "+p+"onlineagent/{agentid}/cancelrest", OpCancelRest, s.authed(s.cancelRest))
	s.gateway(p+"agentevent/{agentid}", OpGetAgentEvent, s.poll)
	s.gateway("PUT "+p+"voicecall/{agentid}/callinnerskill", OpCallInnerSkill, s.authedBody(s.callInnerSkill))
	s.gateway("PUT "+p+"voicecall/{agentid}/answer", OpAnswer, s.authed(s.answer))
	s.gateway("DELETE "+p+"voicecall/{agentid}/release", OpRelease, s.authed(s.releaseVoice))
	s.gateway("POST "+p+"mediacall/{agentid}/transfer", OpTransfer, s.authedBody(s.transfer))
}

type gwFunc func(r *http.Request, agentID string) reply

// Handlers of authenticated routes check the caller first and their parameters second, so a
// request with a bad parameter from an agent that is not signed in (or with a stale GUID) gets
// the authentication failure, the same on every route.

// authedBody is authed for routes with a JSON body: the body is read before the lock is taken
// (it comes off the network), and a malformed one is reported only after authentication.
func (s *Sim) authedBody(h func(a *agent, f fields) reply) gwFunc {
	return func(r *http.Request, id string) reply {
		f, readErr := readFields(r)
		return s.authed(func(_ *http.Request, a *agent) reply {
			if readErr != nil {
				return failReply(rcInvalidParam)
			}
			return h(a, f)
		})(r, id)
	}
}

// authed runs h under the simulator's lock for a signed-in agent whose request carries a valid
// GUID; otherwise it answers the authentication failure.
func (s *Sim) authed(h func(r *http.Request, a *agent) reply) gwFunc {
	return func(r *http.Request, id string) reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		a, fail := s.authLocked(r, id)
		if fail != nil {
			return *fail
		}
		return h(r, a)
	}
}

// gateway wraps a handler with fault injection and logging. Logs carry the
// op, agent id and retcode only: never a GUID, password or body.
func (s *Sim) gateway(pattern, op string, h gwFunc) {
	if s.ops == nil {
		s.ops = map[string]bool{}
	}
	s.ops[op] = true // the routes faults may name are exactly the ones registered here
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("agentid")
		if s.injectFault(w, r, op) {
			return
		}
		rep := h(r, id)
		if s.log.Enabled(r.Context(), slog.LevelDebug) { // no argument boxing on every request otherwise
			s.log.Debug("gateway request", "op", op, "agent", id, "retcode", rep.env.Retcode)
		}
		writeEnvelope(w, rep)
	})
}

// validAgentID reports whether id is a work number in the documented
// range 101–999999.
func validAgentID(id string) bool {
	if !isDigits(id) || len(id) > 6 || id[0] == '0' { // digits first: Atoi alone takes "+101"
		return false
	}
	n, err := strconv.Atoi(id)
	return err == nil && n >= 101 && n <= 999999
}

// authLocked checks that agent id is signed in and that the request's Guid
// header authenticates the session. The caller holds s.mu.
func (s *Sim) authLocked(r *http.Request, id string) (*agent, *reply) {
	if !validAgentID(id) {
		rep := failReply(rcInvalidParam)
		return nil, &rep
	}
	a := s.agents[id]
	if a == nil || a.sess == nil || a.sess.ended {
		rep := failReply(rcNotSignedIn)
		return nil, &rep
	}
	if !a.sess.guidValid(r.Header.Get("Guid"), s.now(), s.cfg.GUIDTimeout) {
		rep := failReply(s.cfg.StaleGUIDRetcode)
		return nil, &rep
	}
	return a, nil
}
