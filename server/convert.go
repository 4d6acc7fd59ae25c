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

func sessionState(s *store.Session) ccgwv1.SessionState {
	switch {
	case s == nil:
		return ccgwv1.SessionState_SESSION_STATE_UNSPECIFIED
	case s.State == store.SessionLost:
		return ccgwv1.SessionState_SESSION_STATE_LOST
	default:
		return ccgwv1.SessionState_SESSION_STATE_ACTIVE
	}
}

func toSession(si core.SessionInfo) *ccgwv1.Session {
	s := &ccgwv1.Session{
		AgentId:                si.AgentID,
		SessionState:           sessionState(&si.Session),
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
		as := &ccgwv1.AgentSnapshot{
			AgentId: a.View.AgentID, SessionState: sessionState(a.Session),
			ActiveCallIds: a.View.ActiveCalls, LastSequence: a.View.LastSeq,
		}
		if a.Session != nil {
			as.AgentState = agentStates[a.View.State]
			as.LostReason = a.Session.LostReason
		}
		out.Agents = append(out.Agents, as)
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
