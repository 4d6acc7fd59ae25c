package server

import (
	"context"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// services holds what every service needs. Handlers validate nothing themselves (the
// protovalidate interceptor already did), call the core, and map its errors in toStatus.
type services struct {
	core     *core.Core
	log      *slog.Logger
	stopping context.Context // canceled when the server begins to shut down; ends streams
}

type sessionService struct {
	ccgwv1.UnimplementedAgentSessionServiceServer
	*services
}

func (s *sessionService) SignIn(ctx context.Context, r *ccgwv1.SignInRequest) (*ccgwv1.SignInResponse, error) {
	si, err := s.core.SignIn(ctx, core.SignInParams{
		AgentID: r.GetAgentId(), Password: r.GetPassword(), PhoneNumber: r.GetPhoneNumber(),
		InitialState: initialStates[r.GetInitialState()], SkillIDs: r.GetSkillIds(),
		AutoAnswer: r.AutoAnswer, AutoEnterIdle: r.AutoEnterIdle, ReleasePhone: r.ReleasePhone,
		Force: r.GetForce(),
	})
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	return &ccgwv1.SignInResponse{Session: toSession(si)}, nil
}

func (s *sessionService) SignOut(ctx context.Context, r *ccgwv1.SignOutRequest) (*ccgwv1.SignOutResponse, error) {
	if err := s.core.SignOut(ctx, r.GetAgentId(), r.GetForce()); err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	return &ccgwv1.SignOutResponse{}, nil
}

func (s *sessionService) GetSession(ctx context.Context, r *ccgwv1.GetSessionRequest) (*ccgwv1.GetSessionResponse, error) {
	si, err := s.core.GetSession(ctx, r.GetAgentId())
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	return &ccgwv1.GetSessionResponse{Session: toSession(si)}, nil
}

// Page sizes: 0 asks for the default; larger requests are capped rather than refused.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

func (s *sessionService) ListSessions(ctx context.Context, r *ccgwv1.ListSessionsRequest) (*ccgwv1.ListSessionsResponse, error) {
	size := int(r.GetPageSize())
	if size == 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	list, next, err := s.core.ListSessions(ctx, r.GetPageToken(), size)
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	out := &ccgwv1.ListSessionsResponse{NextPageToken: next, Sessions: make([]*ccgwv1.Session, len(list))}
	for i, si := range list {
		out.Sessions[i] = toSession(si)
	}
	return out, nil
}

type callService struct {
	ccgwv1.UnimplementedCallControlServiceServer
	*services
}

// commandOptions reads what every call-control RPC may carry, including a pass-through GUID from
// metadata (never logged: the logging interceptor does not log metadata). A pass-through header
// that is present must be one well-formed GUID: ignoring a bad one would run the command on
// whatever session the bridge holds instead.
func commandOptions(ctx context.Context, requestID string, await bool) (core.CommandOptions, error) {
	o := core.CommandOptions{RequestID: requestID, Await: await}
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(PassThroughGUIDHeader); len(v) > 0 {
		if len(v) > 1 || !validPassThroughGUID(v[0]) {
			return o, errBadPassThroughGUID
		}
		o.PassThroughGUID = v[0]
	}
	return o, nil
}

// validPassThroughGUID accepts what a gateway GUID can be: 1 to 256 printable ASCII characters
// without spaces (a UUID and a node suffix in practice; the protocol calls it opaque).
func validPassThroughGUID(g string) bool {
	if len(g) == 0 || len(g) > 256 {
		return false
	}
	for i := 0; i < len(g); i++ {
		if g[i] < 0x21 || g[i] > 0x7e {
			return false
		}
	}
	return true
}

func (s *callService) CallInnerSkill(ctx context.Context, r *ccgwv1.CallInnerSkillRequest) (*ccgwv1.CallInnerSkillResponse, error) {
	opts, err := commandOptions(ctx, r.GetRequestId(), r.GetAwaitOutcome())
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	res, err := s.core.CallInnerSkill(ctx, core.CallParams{AgentID: r.GetAgentId(), SkillID: r.GetSkillId(), CommandOptions: opts})
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	return &ccgwv1.CallInnerSkillResponse{CallId: res.CallID, Outcome: callOutcomes[res.Outcome], OutcomeEvent: toEvent(res.Event)}, nil
}

func (s *callService) TransferSession(ctx context.Context, r *ccgwv1.TransferSessionRequest) (*ccgwv1.TransferSessionResponse, error) {
	opts, err := commandOptions(ctx, r.GetRequestId(), r.GetAwaitOutcome())
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	p := core.TransferParams{
		AgentID: r.GetAgentId(), CallID: r.GetCallId(), Caller: r.GetCaller(), CallData: r.GetCallData(),
		Mode: transferModes[r.GetMode()], CommandOptions: opts,
	}
	switch t := r.GetTarget().(type) {
	case *ccgwv1.TransferSessionRequest_SkillQueue:
		p.Target, p.SkillID = core.TargetSkillQueue, t.SkillQueue.GetSkillId()
	case *ccgwv1.TransferSessionRequest_Agent:
		p.Target, p.TargetAgentID, p.SkillID = core.TargetAgent, t.Agent.GetAgentId(), t.Agent.GetSkillId()
	case *ccgwv1.TransferSessionRequest_AccessCode:
		p.Target, p.AccessCode = core.TargetAccessCode, t.AccessCode.GetCode()
	default: // unreachable past validation; kept so a bypassed validator cannot panic the core
		return nil, invalidRequest([]*errdetails.BadRequest_FieldViolation{{Field: "target", Description: "a target is required"}})
	}
	res, err := s.core.TransferSession(ctx, p)
	if err != nil {
		return nil, toStatus(ctx, s.log, err)
	}
	return &ccgwv1.TransferSessionResponse{Outcome: transferOutcomes[res.Outcome], OutcomeEvent: toEvent(res.Event), ResultCode: res.ResultCode}, nil
}

type eventService struct {
	ccgwv1.UnimplementedAgentEventServiceServer
	*services
}

func (s *eventService) StreamEvents(r *ccgwv1.StreamEventsRequest, stream grpc.ServerStreamingServer[ccgwv1.StreamEventsResponse]) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	// The server's shutdown ends every stream, so graceful stop does not wait on them.
	defer context.AfterFunc(s.stopping, cancel)()
	agents := r.GetAgentIds()
	if r.GetAgentId() != "" {
		agents = []string{r.GetAgentId()}
	}
	err := s.core.Stream(ctx, core.StreamParams{AgentIDs: agents, EventTypes: r.GetEventTypes(), ResumeAfter: r.GetResumeAfter()},
		func(m core.StreamMsg) error { return stream.SendMsg(wireMessage(m)) })
	if s.stopping.Err() != nil {
		return ruleShuttingDown.status(nil)
	}
	return toStatus(stream.Context(), s.log, err)
}

// wireMessage is what a stream sends: an event goes out as the one encoding every stream it
// reaches shares (see core.Logged.Wire and wireCodec), the rest as ordinary messages.
func wireMessage(m core.StreamMsg) any {
	if m.Event != nil {
		return m.Event.Wire(encodeStreamEvent)
	}
	return toStreamMessage(m)
}

func encodeStreamEvent(ev *core.Logged) any {
	return encode(toStreamMessage(core.StreamMsg{Event: ev}))
}

func toStreamMessage(m core.StreamMsg) *ccgwv1.StreamEventsResponse {
	switch {
	case m.Event != nil:
		if ch, ok := toSessionChange(m.Event); ok {
			return &ccgwv1.StreamEventsResponse{Message: &ccgwv1.StreamEventsResponse_SessionChange{SessionChange: ch}}
		}
		return &ccgwv1.StreamEventsResponse{Message: &ccgwv1.StreamEventsResponse_Event{Event: toEvent(m.Event)}}
	case m.Snapshot != nil:
		return &ccgwv1.StreamEventsResponse{Message: &ccgwv1.StreamEventsResponse_Snapshot{Snapshot: toSnapshot(m.Snapshot)}}
	case m.Gap != nil:
		reason := ccgwv1.GapReason_GAP_REASON_EXPIRED
		if m.Gap.LogRestarted {
			reason = ccgwv1.GapReason_GAP_REASON_LOG_RESTARTED
		}
		return &ccgwv1.StreamEventsResponse{Message: &ccgwv1.StreamEventsResponse_Gap{Gap: &ccgwv1.Gap{
			AgentId: m.Gap.AgentID, FromSequence: m.Gap.FromSeq, ToSequence: m.Gap.ToSeq,
			ResumeCursor: m.Gap.ResumeCursor, Reason: reason,
		}}}
	default:
		return &ccgwv1.StreamEventsResponse{Message: &ccgwv1.StreamEventsResponse_Heartbeat{Heartbeat: &ccgwv1.Heartbeat{
			Time: timestamppb.New(m.Heartbeat.Time), Cursor: m.Heartbeat.Cursor,
		}}}
	}
}
