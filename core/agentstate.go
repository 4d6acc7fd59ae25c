package core

import (
	"slices"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// AgentState is an agent's working state as derived from its CC-Gateway events.
type AgentState int

const (
	StateUnknown   AgentState = iota // no state event since the session began
	StateSignedOut                   // AgentOther_ShutdownService, or never signed in
	StateIdle                        // AgentState_Ready and the cancel-* events
	StateBusy                        // not ready (AgentState_SetNotReady_Success)
	StateRinging                     // AgentEvent_Ringing / AgentOther_PhoneAlerting
	StateTalking                     // AgentEvent_Talking
	StateWrapUp                      // AgentState_Work
	StateRest                        // AgentState_SetRest_Success
	StateOccupied                    // AgentState_Busy: handling a call that has not connected yet
)

// stateKept marks a rule that leaves the state as it is.
const stateKept AgentState = -1

var agentStateNames = map[AgentState]string{
	stateKept: "—", StateUnknown: "unspecified", StateSignedOut: "signed out", StateIdle: "idle",
	StateBusy: "busy", StateRinging: "ringing", StateTalking: "talking", StateWrapUp: "wrap-up",
	StateRest: "rest", StateOccupied: "occupied",
}

func (s AgentState) String() string { return agentStateNames[s] }

// callChange is what an event does to the set of calls the agent is part of.
type callChange int

const (
	callsKept          callChange = iota
	callsAdd                      // the event's call id joins the set
	callsDrop                     // the event's call id leaves the set
	callsDropOnSuccess            // the call id leaves when the event's result is "0"
	callsClear                    // the set empties
)

var callChangeNames = [...]string{"—", "+ call", "− call", "− call if result 0", "cleared"}

func (c callChange) String() string { return callChangeNames[c] }

// viewRule is one row of the agent view's rules: what one CC-Gateway event does to the state and
// to the call set (protocol reference §6). Events without a rule change nothing but the sequence.
type viewRule struct {
	Event string
	State AgentState
	Calls callChange
	Why   string
}

// viewRules is the agent view. README.md prints the same table (a test keeps them equal).
// After a call leaves the set, an agent left without calls while ringing, occupied or talking
// counts as idle until the gateway's next state event (AgentState_Ready or AgentState_Work).
var viewRules = []viewRule{
	{SessionChangeType, StateUnknown, callsClear, "the bridge's session change: every session starts empty, and a lost or ended one keeps nothing"},
	{"AgentOther_InService", StateUnknown, callsClear, "a new session starts empty, in no state until its first state event"},
	{"AgentOther_ShutdownService", StateSignedOut, callsClear, "the gateway signed the agent out"},
	{"AgentState_Ready", StateIdle, callsKept, "ready for work"},
	{"AgentState_CancelNotReady_Success", StateIdle, callsKept, "busy ended"},
	{"AgentState_CancelWork_Success", StateIdle, callsKept, "wrap-up ended"},
	{"AgentState_CancelRest_Success", StateIdle, callsKept, "rest ended"},
	{"AgentState_SetNotReady_Success", StateBusy, callsKept, "set busy"},
	{"AgentState_Work", StateWrapUp, callsKept, "wrap-up after a call"},
	{"AgentState_SetRest_Success", StateRest, callsKept, "rest break"},
	{"AgentState_Rest_Timeout", stateKept, callsKept, "a reminder: the break goes on"},
	{"AgentState_Busy", StateOccupied, callsKept, "taken by a call not yet in conversation"},
	{"AgentOther_PhoneAlerting", StateRinging, callsKept, "the agent's phone rings (no call id)"},
	{"AgentEvent_Ringing", StateRinging, callsAdd, "a call waits to be answered"},
	{"AgentEvent_Auto_Answer", StateTalking, callsAdd, "a call was answered automatically"},
	{"AgentEvent_Talking", StateTalking, callsAdd, "in conversation"},
	{"AgentEvent_Customer_Alerting", stateKept, callsAdd, "the other party of the agent's call rings"},
	{"AgentEvent_Incoming_CallInfo", stateKept, callsAdd, "a call or chat is arriving"},
	{"AgentEvent_Call_Release", stateKept, callsDrop, "the agent left the call"},
	{"AgentEvent_Inside_Call_Fail", stateKept, callsDrop, "the agent's internal call failed"},
	{"AgentEvent_Call_Out_Fail", stateKept, callsDrop, "the agent's outbound call failed"},
	{"AgentEvent_SuccTransResult", stateKept, callsDropOnSuccess, "result 0: the target took the chat; otherwise the agent keeps it"},
	{"AgentEvent_Connect_Fail", stateKept, callsKept, "a failed transfer leaves the chat with the agent; a call it loses ends with Call_Release"},
	{"AgentEvent_Customer_Release", stateKept, callsKept, "the customer left; the agent's own Call_Release follows"},
}

var viewRuleByEvent = func() map[string]*viewRule {
	m := make(map[string]*viewRule, len(viewRules))
	for i := range viewRules {
		m[viewRules[i].Event] = &viewRules[i]
	}
	return m
}()

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

// apply folds one event into the view by viewRules.
func (v *AgentView) apply(ev *store.Event) {
	v.LastSeq = ev.Seq
	if ev.Type == SessionChangeType {
		// Every session starts from nothing, and a lost or ended one keeps nothing of the old.
		ch, _ := decodeChange(ev)
		v.Session, v.SessionKnown, v.LostReason = ch.State, true, ""
		if ch.State == store.SessionLost {
			v.LostReason = ch.Detail
		}
	}
	r := viewRuleByEvent[ev.Type]
	if r == nil {
		return
	}
	if r.State != stateKept {
		v.State = r.State
	}
	switch r.Calls {
	case callsAdd:
		if ev.CallID != "" && !slices.Contains(v.ActiveCalls, ev.CallID) {
			v.ActiveCalls = append(v.ActiveCalls, ev.CallID)
		}
	case callsDrop:
		v.dropCall(ev.CallID)
	case callsDropOnSuccess:
		if ev.Result == "0" {
			v.dropCall(ev.CallID)
		}
	case callsClear:
		v.ActiveCalls = nil
	}
}

func (v *AgentView) dropCall(id string) {
	if i := slices.Index(v.ActiveCalls, id); i >= 0 {
		v.ActiveCalls = slices.Delete(v.ActiveCalls, i, i+1)
	}
	if len(v.ActiveCalls) == 0 && (v.State == StateTalking || v.State == StateRinging || v.State == StateOccupied) {
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
