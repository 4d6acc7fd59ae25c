package gatewayclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

var errNoCallID = errors.New("gateway reported success but returned no call id; the call may have been placed")

type callInnerSkillBody struct {
	SkillID int64 `json:"skillId"`
}

// CallInnerSkill places an internal call to a skill queue
// (PUT voicecall/{id}/callinnerskill {"skillId":n}) and returns the new call
// id. The outcome arrives later as events (AgentEvent_Talking, or
// AgentEvent_Inside_Call_Fail). Never retried: a retry places a second call.
func (s *Session) CallInnerSkill(ctx context.Context, skillID int64) (string, error) {
	if skillID < 1 {
		return "", fmt.Errorf("%s%w: skill id %d is not positive", prefix(OpCallInnerSkill, s.agentID), ErrInvalidArgument, skillID)
	}
	body, err := marshalBody(callInnerSkillBody{SkillID: skillID})
	if err != nil {
		return "", err
	}
	var callID string
	r := &request{op: OpCallInnerSkill, method: http.MethodPut, agentID: s.agentID,
		path: "voicecall/" + s.agentID + "/callinnerskill", body: body, sess: s}
	err = s.run(ctx, r, func(_ http.Header, data []byte) (string, string, error) {
		env, rc, err := decodeEnvelope(data)
		if err != nil || rc != "0" {
			return rc, msgOf(env), err
		}
		var id lenientString
		if len(env.Result) > 0 {
			_ = id.UnmarshalJSON(env.Result) // RawMessage from a valid document
		}
		if id == "" {
			return "", "", errNoCallID
		}
		callID = string(id)
		return rc, string(env.Message), nil
	})
	if err != nil {
		return "", err
	}
	return callID, nil
}

// DeviceType is the kind of transfer target.
type DeviceType int

const (
	DeviceSkillQueue DeviceType = 1
	DeviceAgent      DeviceType = 2
	DeviceAccessCode DeviceType = 4 // system access code
)

// TransferMode says when the transferring agent leaves the session.
type TransferMode int

const (
	// ModeBlind ("release transfer"): the agent drops the session at once,
	// whatever becomes of the transfer.
	ModeBlind TransferMode = 0
	// ModeReleaseAfterTransfer ("success transfer"): the agent keeps the
	// session until the target takes it; AgentEvent_SuccTransResult reports
	// the outcome.
	ModeReleaseAfterTransfer TransferMode = 2
)

// TransferRequest is the body of a multimedia session transfer. Values are
// sent as given; ranges (device type, mode, address length, call data size)
// are the gateway's to check, and it answers 000-002 or 106-xxx.
type TransferRequest struct {
	CallID     string
	Caller     string // optional
	DeviceType DeviceType
	Mode       TransferMode
	Address    string // skill queue id, agent work number or access code, ≤ 24 chars
	CallData   string // optional, ≤ 2048 bytes
	SkillID    int64  // 0 = omit; honoured only for DeviceAgent
}

type transferBody struct {
	CallID     string `json:"callid"`
	Caller     string `json:"caller,omitempty"`
	DeviceType int    `json:"devicetype"`
	Mode       int    `json:"mode"`
	Address    string `json:"address"`
	CallData   string `json:"calldata,omitempty"`
	SkillID    int64  `json:"skillId,omitempty"`
}

// Transfer hands a multimedia session to another party
// (POST mediacall/{id}/transfer). Success means the gateway accepted the
// request; the outcome arrives as events. Never retried.
func (s *Session) Transfer(ctx context.Context, req TransferRequest) error {
	switch {
	case req.CallID == "":
		return fmt.Errorf("%s%w: transfer needs a call id", prefix(OpTransfer, s.agentID), ErrInvalidArgument)
	case req.Address == "":
		return fmt.Errorf("%s%w: transfer needs a target address", prefix(OpTransfer, s.agentID), ErrInvalidArgument)
	case req.SkillID < 0:
		return fmt.Errorf("%s%w: skill id %d is negative", prefix(OpTransfer, s.agentID), ErrInvalidArgument, req.SkillID)
	}
	body, err := marshalBody(transferBody{
		CallID: req.CallID, Caller: req.Caller, DeviceType: int(req.DeviceType), Mode: int(req.Mode),
		Address: req.Address, CallData: req.CallData, SkillID: req.SkillID,
	})
	if err != nil {
		return err
	}
	return s.command(ctx, OpTransfer, http.MethodPost, "mediacall/"+s.agentID+"/transfer", "", body)
}
