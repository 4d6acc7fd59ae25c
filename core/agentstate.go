package core

import (
	"slices"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// AgentState is an agent's working state as derived from its CC-Gateway events.
type AgentState int

const (
	StateUnknown   AgentState = iota // no event seen yet
	StateSignedOut                   // AgentOther_ShutdownService, or never signed in
	StateIdle                        // AgentState_Ready and the cancel-* events
	StateBusy                        // not ready (AgentState_SetNotReady_Success)
	StateRinging                     // AgentEvent_Ringing / AgentOther_PhoneAlerting
	StateTalking                     // AgentEvent_Talking
	StateWrapUp                      // AgentState_Work
	StateRest                        // AgentState_SetRest_Success
	StateOccupied                    // AgentState_Busy: handling a call that has not connected yet
)

// AgentView is what the bridge knows of an agent from its event log: the state snapshot every
// stream starts with.
type AgentView struct {
	AgentID     string
	State       AgentState
	ActiveCalls []string // call ids the agent is part of, oldest first
	LastSeq     uint64
	LastCursor  string // cursor of the agent's newest event

	// Session is the session state the agent's latest session change set (0: signed out), and
	// LostReason its detail when LOST; meaningful only when SessionKnown, that is when the log
	// holds a session change (logs written before session changes existed hold none).
	Session      store.SessionState
	LostReason   string
	SessionKnown bool
}

// apply folds one event into the view. It mirrors the CC-Gateway event semantics of the
// protocol reference §6; unknown event types change nothing but the sequence.
func (v *AgentView) apply(ev *store.Event) {
	v.LastSeq = ev.Seq
	switch ev.Type {
	case SessionChangeType:
		// Every session starts from nothing, and a lost or ended one keeps nothing of the old.
		ch, _ := decodeChange(ev)
		v.State, v.ActiveCalls = StateUnknown, nil
		v.Session, v.SessionKnown, v.LostReason = ch.State, true, ""
		if ch.State == store.SessionLost {
			v.LostReason = ch.Detail
		}
	case "AgentOther_InService":
		v.ActiveCalls = nil
	case "AgentOther_ShutdownService":
		v.State, v.ActiveCalls = StateSignedOut, nil
	case "AgentState_Ready", "AgentState_CancelNotReady_Success", "AgentState_CancelWork_Success",
		"AgentState_CancelRest_Success":
		v.State = StateIdle
	case "AgentState_SetNotReady_Success":
		v.State = StateBusy
	case "AgentState_Work":
		v.State = StateWrapUp
	case "AgentState_SetRest_Success":
		v.State = StateRest
	case "AgentState_Busy":
		v.State = StateOccupied
	case "AgentOther_PhoneAlerting", "AgentEvent_Ringing":
		v.State = StateRinging
		v.addCall(ev.CallID)
	case "AgentEvent_Talking", "AgentEvent_Auto_Answer":
		v.State = StateTalking
		v.addCall(ev.CallID)
	case "AgentEvent_Customer_Alerting", "AgentEvent_Incoming_CallInfo":
		v.addCall(ev.CallID)
	case "AgentEvent_Call_Release", "AgentEvent_Inside_Call_Fail", "AgentEvent_Connect_Fail",
		"AgentEvent_Call_Out_Fail":
		v.dropCall(ev.CallID)
	case "AgentEvent_SuccTransResult":
		if ev.Result == "0" { // the session now belongs to the target
			v.dropCall(ev.CallID)
		}
	}
}

func (v *AgentView) addCall(id string) {
	if id != "" && !slices.Contains(v.ActiveCalls, id) {
		v.ActiveCalls = append(v.ActiveCalls, id)
	}
}

func (v *AgentView) dropCall(id string) {
	if i := slices.Index(v.ActiveCalls, id); i >= 0 {
		v.ActiveCalls = slices.Delete(v.ActiveCalls, i, i+1)
	}
	if len(v.ActiveCalls) == 0 && (v.State == StateTalking || v.State == StateRinging || v.State == StateOccupied) {
		// The gateway follows a release with AgentState_Ready or AgentState_Work; until then the
		// agent is between calls, which clients see as idle-pending.
		v.State = StateIdle
	}
}

// forSession is the view as a session in state st shows it: a LOST session has no state and no
// calls, even before its session change reached the view.
func (v AgentView) forSession(st store.SessionState) AgentView {
	if st == store.SessionLost {
		v.State, v.ActiveCalls = StateUnknown, nil
	}
	return v
}

func (v AgentView) clone() AgentView {
	v.ActiveCalls = slices.Clone(v.ActiveCalls)
	return v
}
