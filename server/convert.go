package server

import (
	"encoding/json"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Conversions between the core's types and the contract. CC-Gateway wire numbers stay in the
// core and gatewayclient; here only names meet.

var initialStates = map[ccgwv1.InitialState]gatewayclient.InitialStatus{
	ccgwv1.InitialState_INITIAL_STATE_UNSPECIFIED: gatewayclient.StatusIdle,
	ccgwv1.InitialState_INITIAL_STATE_IDLE:        gatewayclient.StatusIdle,
	ccgwv1.InitialState_INITIAL_STATE_BUSY:        gatewayclient.StatusBusy,
	ccgwv1.InitialState_INITIAL_STATE_WRAP_UP:     gatewayclient.StatusWork,
}

var agentStates = map[core.AgentState]ccgwv1.AgentState{
	core.StateIdle:     ccgwv1.AgentState_AGENT_STATE_IDLE,
	core.StateBusy:     ccgwv1.AgentState_AGENT_STATE_BUSY,
	core.StateRest:     ccgwv1.AgentState_AGENT_STATE_REST,
	core.StateWrapUp:   ccgwv1.AgentState_AGENT_STATE_WRAP_UP,
	core.StateRinging:  ccgwv1.AgentState_AGENT_STATE_RINGING,
	core.StateOccupied: ccgwv1.AgentState_AGENT_STATE_OCCUPIED,
	core.StateTalking:  ccgwv1.AgentState_AGENT_STATE_TALKING,
}

var sessionStates = map[store.SessionState]ccgwv1.SessionState{
	0:                   ccgwv1.SessionState_SESSION_STATE_SIGNED_OUT,
	store.SessionActive: ccgwv1.SessionState_SESSION_STATE_ACTIVE,
	store.SessionLost:   ccgwv1.SessionState_SESSION_STATE_LOST,
}

var changeReasons = map[core.ChangeReason]ccgwv1.SessionChangeReason{
	core.ChangeSignedIn:           ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_SIGNED_IN,
	core.ChangeForcedSignIn:       ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_FORCED_SIGN_IN,
	core.ChangeSignedOut:          ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_SIGNED_OUT,
	core.ChangeSignedOutByGateway: ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_SIGNED_OUT_BY_GATEWAY,
	core.ChangeGUIDRefused:        ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_GUID_REFUSED,
	core.ChangeNotSignedIn:        ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_NOT_SIGNED_IN,
	core.ChangeHeartbeatExpired:   ccgwv1.SessionChangeReason_SESSION_CHANGE_REASON_HEARTBEAT_EXPIRED,
}

// toSessionChange converts a logged session change; ok is false for a gateway event.
func toSessionChange(ev *core.Logged) (*ccgwv1.SessionChange, bool) {
	ch, ok := ev.SessionChange()
	if !ok {
		return nil, false
	}
	return &ccgwv1.SessionChange{
		Cursor: ev.Cursor, Sequence: ev.Seq, AgentId: ev.AgentID,
		SessionState: sessionStates[ch.State], Reason: changeReasons[ch.Reason], Detail: ch.Detail,
		Time: timestamppb.New(ev.ReceivedAt),
	}, true
}

func toSession(si core.SessionInfo) *ccgwv1.Session {
	s := &ccgwv1.Session{
		AgentId:                si.AgentID,
		SessionState:           sessionStates[si.State],
		AgentState:             agentStates[si.View.State],
		LostReason:             si.LostReason,
		PhoneNumber:            si.PhoneNumber,
		SkillIds:               si.SkillIDs,
		SignInTime:             timestamppb.New(si.SignedInAt),
		VoiceEnabled:           si.VoiceEnabled,
		TextEnabled:            si.TextEnabled,
		PasswordChangeRequired: si.PasswordChangeRequired,
		ActiveCallIds:          si.View.ActiveCalls,
		LastEventCursor:        si.View.LastCursor,
	}
	if si.PasswordExpiresInDays >= 0 {
		d := si.PasswordExpiresInDays
		s.PasswordExpiresInDays = &d
	}
	return s
}

func toEvent(ev *core.Logged) *ccgwv1.AgentEvent {
	if ev == nil {
		return nil
	}
	out := &ccgwv1.AgentEvent{
		Cursor: ev.Cursor, Sequence: ev.Seq, AgentId: ev.AgentID, EventType: ev.Type,
		ReceiveTime: timestamppb.New(ev.ReceivedAt),
		CallId:      ev.CallID, Caller: ev.Caller, Called: ev.Called, OtherPhone: ev.OtherPhone,
		Feature: ev.Feature, MediaType: ev.MediaType, Result: ev.Result, Reason: ev.Reason,
		Content: contentValue(ev.Content),
	}
	if !ev.GatewayTime.IsZero() {
		out.GatewayTime = timestamppb.New(ev.GatewayTime)
	}
	return out
}

// contentValue carries the gateway's raw content as a JSON value. Content that is not valid JSON
// (the client keeps it verbatim) travels as a string rather than being dropped.
func contentValue(raw []byte) *structpb.Value {
	if len(raw) == 0 {
		return structpb.NewNullValue()
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return structpb.NewStringValue(string(raw))
	}
	pv, err := structpb.NewValue(v)
	if err != nil {
		return structpb.NewStringValue(string(raw))
	}
	return pv
}

func toSnapshot(s *core.Snapshot) *ccgwv1.StateSnapshot {
	out := &ccgwv1.StateSnapshot{Cursor: s.Cursor, Agents: make([]*ccgwv1.AgentSnapshot, 0, len(s.Agents))}
	for _, a := range s.Agents {
		out.Agents = append(out.Agents, &ccgwv1.AgentSnapshot{
			AgentId: a.View.AgentID, SessionState: sessionStates[a.Session], AgentState: agentStates[a.View.State],
			ActiveCallIds: a.View.ActiveCalls, LastSequence: a.View.LastSeq, LostReason: a.LostReason,
		})
	}
	return out
}

var callOutcomes = map[core.CallOutcome]ccgwv1.CallOutcome{
	core.CallConnected: ccgwv1.CallOutcome_CALL_OUTCOME_CONNECTED,
	core.CallFailed:    ccgwv1.CallOutcome_CALL_OUTCOME_FAILED,
	core.CallPending:   ccgwv1.CallOutcome_CALL_OUTCOME_PENDING,
}

var transferOutcomes = map[core.TransferOutcome]ccgwv1.TransferOutcome{
	core.TransferSucceeded:     ccgwv1.TransferOutcome_TRANSFER_OUTCOME_SUCCEEDED,
	core.TransferFailed:        ccgwv1.TransferOutcome_TRANSFER_OUTCOME_FAILED,
	core.TransferConnectFailed: ccgwv1.TransferOutcome_TRANSFER_OUTCOME_CONNECT_FAILED,
	core.TransferReleased:      ccgwv1.TransferOutcome_TRANSFER_OUTCOME_RELEASED,
	core.TransferPending:       ccgwv1.TransferOutcome_TRANSFER_OUTCOME_PENDING,
}

var transferModes = map[ccgwv1.TransferMode]gatewayclient.TransferMode{
	ccgwv1.TransferMode_TRANSFER_MODE_BLIND:                  gatewayclient.ModeBlind,
	ccgwv1.TransferMode_TRANSFER_MODE_RELEASE_AFTER_TRANSFER: gatewayclient.ModeReleaseAfterTransfer,
}
