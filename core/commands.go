package core

import (
	"context"
	"errors"
	"strconv"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// CommandOptions are what every call-control command may carry.
type CommandOptions struct {
	// RequestID makes the command idempotent for IdempotencyTTL: a repeat with the same id and
	// payload returns the first result without a second gateway call.
	RequestID string
	// Await makes the command wait, within its deadline, for the correlated asynchronous result.
	Await bool
	// PassThroughGUID runs the command with a GUID supplied by the caller for an agent whose
	// session is held elsewhere (refused for an agent this bridge holds). Such a call has no
	// event feed, so it cannot Await.
	PassThroughGUID string
}

// CallOutcome is the asynchronous result of an internal call.
type CallOutcome int

const (
	CallNotAwaited CallOutcome = iota
	CallConnected              // AgentEvent_Talking for the call
	CallFailed                 // AgentEvent_Inside_Call_Fail for the call
	CallPending                // awaited, but nothing arrived before the deadline
)

// CallParams is an internal call to a skill queue.
type CallParams struct {
	AgentID string
	SkillID int64
	CommandOptions
}

// CallResult is what CallInnerSkill returns.
type CallResult struct {
	CallID  string
	Outcome CallOutcome
	Event   *Logged // the event that decided the outcome, if any
}

// CallInnerSkill places an internal call from the agent to a skill queue.
func (c *Core) CallInnerSkill(ctx context.Context, p CallParams) (CallResult, error) {
	fp := func() string {
		return fingerprint("callInnerSkill", p.AgentID, strconv.FormatInt(p.SkillID, 10), strconv.FormatBool(p.Await))
	}
	return idempotent(ctx, c, "callInnerSkill", p.AgentID, p.RequestID, fp, func(cmdCtx context.Context) (CallResult, error) {
		conn, err := c.connFor(ctx, p.AgentID, p.CommandOptions)
		if err != nil {
			return CallResult{}, err
		}
		pc, forget := c.hub.expectCall(p.AgentID)
		defer forget()
		callID, err := conn.CallInnerSkill(cmdCtx, p.SkillID)
		if err != nil {
			return CallResult{}, err
		}
		res := CallResult{CallID: callID}
		if !p.Await {
			return res, nil
		}
		res.Outcome = CallPending
		if err := c.hub.callAnswered(cmdCtx, p.AgentID, callID, pc); err != nil {
			c.log.Warn("looking up a call outcome in the event log", "agent", p.AgentID, "err", err)
		}
		if c.awaitOutcome(ctx, pc.done) {
			res.Event = c.hub.callOutcome(pc)
			res.Outcome = CallConnected
			if res.Event.Type == evInsideCallFail {
				res.Outcome = CallFailed
			}
		}
		return res, nil
	})
}

// TargetKind says where a session transfer goes.
type TargetKind int

const (
	TargetSkillQueue TargetKind = iota + 1
	TargetAgent
	TargetAccessCode
)

// TransferOutcome is the asynchronous result of a session transfer.
type TransferOutcome int

const (
	TransferNotAwaited    TransferOutcome = iota
	TransferSucceeded                     // AgentEvent_SuccTransResult with result 0
	TransferFailed                        // AgentEvent_SuccTransResult with another result
	TransferConnectFailed                 // AgentEvent_Connect_Fail
	TransferReleased                      // AgentEvent_Call_Release (blind transfer)
	TransferPending                       // awaited, but nothing arrived before the deadline
)

// TransferParams is a multimedia session transfer.
type TransferParams struct {
	AgentID, CallID, Caller, CallData string
	Target                            TargetKind
	SkillID                           int64  // TargetSkillQueue: the queue; TargetAgent: optional skill
	TargetAgentID                     string // TargetAgent
	AccessCode                        string // TargetAccessCode
	Mode                              gatewayclient.TransferMode
	CommandOptions
}

// TransferResult is what TransferSession returns.
type TransferResult struct {
	Outcome    TransferOutcome
	ResultCode int32 // AgentEvent_SuccTransResult's result, when that decided the outcome
	Event      *Logged
}

// TransferSession hands the agent's multimedia session to a queue, an agent or an access code.
func (c *Core) TransferSession(ctx context.Context, p TransferParams) (TransferResult, error) {
	req := gatewayclient.TransferRequest{CallID: p.CallID, Caller: p.Caller, Mode: p.Mode, CallData: p.CallData}
	switch p.Target {
	case TargetSkillQueue:
		req.DeviceType, req.Address = gatewayclient.DeviceSkillQueue, strconv.FormatInt(p.SkillID, 10)
	case TargetAgent:
		req.DeviceType, req.Address, req.SkillID = gatewayclient.DeviceAgent, p.TargetAgentID, p.SkillID
	case TargetAccessCode:
		req.DeviceType, req.Address = gatewayclient.DeviceAccessCode, p.AccessCode
	default:
		return TransferResult{}, errors.New("core: transfer target kind not set")
	}
	fp := func() string {
		return fingerprint("transfer", p.AgentID, p.CallID, p.Caller, p.CallData, strconv.Itoa(int(req.DeviceType)),
			req.Address, strconv.FormatInt(req.SkillID, 10), strconv.Itoa(int(p.Mode)), strconv.FormatBool(p.Await))
	}
	return idempotent(ctx, c, "transfer", p.AgentID, p.RequestID, fp, func(cmdCtx context.Context) (TransferResult, error) {
		conn, err := c.connFor(ctx, p.AgentID, p.CommandOptions)
		if err != nil {
			return TransferResult{}, err
		}
		var pt *pendingTransfer
		if p.PassThroughGUID == "" { // only held agents have an event feed to correlate
			unlock, err := c.cmdLocks.lock(ctx, p.AgentID+"/"+p.CallID)
			if err != nil {
				return TransferResult{}, err
			}
			pt = c.hub.expectTransfer(p.AgentID, p.CallID, p.Mode, c.opts.OutcomeWindow)
			err = conn.Transfer(cmdCtx, req)
			if refused(err) {
				c.hub.forgetTransfer(p.AgentID, p.CallID, pt)
			}
			unlock()
			if err != nil {
				return TransferResult{}, err
			}
		} else if err := conn.Transfer(cmdCtx, req); err != nil {
			return TransferResult{}, err
		}
		if !p.Await {
			return TransferResult{}, nil
		}
		res := TransferResult{Outcome: TransferPending}
		if !c.awaitOutcome(ctx, pt.done) {
			return res, nil
		}
		ev := c.hub.transferOutcome(pt)
		res.Event = ev
		switch ev.Type {
		case "AgentEvent_SuccTransResult":
			code, _ := strconv.ParseInt(ev.Result, 10, 32)
			res.ResultCode = int32(code)
			res.Outcome = TransferSucceeded
			if ev.Result != "0" {
				res.Outcome = TransferFailed
			}
		case "AgentEvent_Connect_Fail":
			res.Outcome = TransferConnectFailed
		case "AgentEvent_Call_Release":
			res.Outcome = TransferReleased
		}
		return res, nil
	})
}

// connFor picks the connection a command goes out on: the caller's pass-through GUID for an
// agent the bridge does not hold, or the session this bridge holds (its poller's connection,
// or the stored GUID when another replica polls the agent).
func (c *Core) connFor(ctx context.Context, agentID string, o CommandOptions) (AgentConn, error) {
	if o.PassThroughGUID != "" {
		if o.Await {
			return nil, ErrAwaitNeedsFeed
		}
		switch _, err := c.st.GetSession(ctx, agentID); {
		case err == nil:
			return nil, ErrPassThroughForHeldAgent
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		return c.gw.Resume(agentID, o.PassThroughGUID, ""), nil
	}
	if p := c.poller(agentID); p != nil {
		return p.connection(), nil
	}
	s, err := c.st.GetSession(ctx, agentID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrNotSignedIn
	case err != nil:
		return nil, err
	case s.State == store.SessionLost:
		return nil, &LostSessionError{Reason: s.LostReason}
	}
	return c.gw.Resume(agentID, s.GUID, s.Cookie), nil
}
