package gatewayclient

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// command runs an operation whose answer carries nothing but the envelope.
func (s *Session) command(ctx context.Context, op, method, path, query string, body []byte) error {
	r := &request{op: op, method: method, agentID: s.agentID, path: path, query: query, body: body, sess: s}
	return s.run(ctx, r, func(_ http.Header, data []byte) (string, string, error) {
		env, rc, err := decodeEnvelope(data)
		return rc, msgOf(env), err
	})
}

// SignOut signs the agent out (DELETE onlineagent/{id}/logout). The gateway
// refuses while the agent is in a call; see ForceSignOut.
func (s *Session) SignOut(ctx context.Context) error {
	return s.command(ctx, OpLogout, http.MethodDelete, "onlineagent/"+s.agentID+"/logout", "", nil)
}

// ForceSignOut signs the agent out even during a call, which is released
// (DELETE onlineagent/{id}/forcelogout).
func (s *Session) ForceSignOut(ctx context.Context) error {
	return s.command(ctx, OpForceLogout, http.MethodDelete, "onlineagent/"+s.agentID+"/forcelogout", "", nil)
}

// ResetSkills signs the agent in to skill queues
// (POST onlineagent/{id}/resetskill/{all}?skillid=1;2;3). With all=true the
// agent joins every configured skill; otherwise only the listed ones (none
// when skillIDs is empty). The ids are joined with literal semicolons, as the
// gateway expects.
func (s *Session) ResetSkills(ctx context.Context, all bool, skillIDs []int64) error {
	var q strings.Builder
	for i, id := range skillIDs {
		if id < 1 {
			return fmt.Errorf("%s%w: skill id %d is not positive", prefix(OpResetSkill, s.agentID), ErrInvalidArgument, id)
		}
		if i == 0 {
			q.WriteString("skillid=")
		} else {
			q.WriteByte(';')
		}
		q.WriteString(strconv.FormatInt(id, 10))
	}
	path := "onlineagent/" + s.agentID + "/resetskill/" + strconv.FormatBool(all)
	return s.command(ctx, OpResetSkill, http.MethodPost, path, q.String(), nil)
}

// SetIdle makes the agent idle (POST onlineagent/{id}/sayfree).
func (s *Session) SetIdle(ctx context.Context) error {
	return s.command(ctx, OpSayFree, http.MethodPost, "onlineagent/"+s.agentID+"/sayfree", "", nil)
}

// SetBusy makes the agent busy (POST onlineagent/{id}/saybusy?reason=&prolong=).
// reason is 0 (none) or a business code 200-250; both parameters are always
// sent, since the gateway needs them when the agent is already busy.
func (s *Session) SetBusy(ctx context.Context, reason int, prolong bool) error {
	if reason < 0 {
		return fmt.Errorf("%s%w: busy reason %d is negative", prefix(OpSayBusy, s.agentID), ErrInvalidArgument, reason)
	}
	q := "reason=" + strconv.Itoa(reason) + "&prolong=" + strconv.FormatBool(prolong)
	return s.command(ctx, OpSayBusy, http.MethodPost, "onlineagent/"+s.agentID+"/saybusy", q, nil)
}
