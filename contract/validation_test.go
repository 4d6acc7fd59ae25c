package contract

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"google.golang.org/protobuf/proto"
)

// Rule ids of the violations the tests expect. The ccgw.* ones are defined in
// proto/ccgw/v1/rules.proto and agent_event.proto; the others are
// protovalidate's standard rule ids.
const (
	agentIDFormat   = "ccgw.agent_id.format"
	agentIDRange    = "ccgw.agent_id.range"
	requestIDRule   = "ccgw.request_id"
	oneSelection    = "ccgw.stream_events.one_selection"
	int64Range      = "int64.gt_lte" // protovalidate's id when both gt and lte are set
	int32Gte        = "int32.gte"
	stringMinLen    = "string.min_len"
	stringMaxLen    = "string.max_len"
	stringMaxBytes  = "string.max_bytes"
	stringPattern   = "string.pattern"
	enumNotIn       = "enum.not_in"
	enumDefinedOnly = "enum.defined_only"
	repeatedUnique  = "repeated.unique"
	repeatedMax     = "repeated.max_items"
	oneofRequired   = "required"
)

// Valid requests that the cases below break one field at a time.

func validSignIn() *ccgwv1.SignInRequest {
	return &ccgwv1.SignInRequest{
		AgentId:      "1001",
		Password:     "demo-1001",
		PhoneNumber:  "71001",
		InitialState: ccgwv1.InitialState_INITIAL_STATE_IDLE,
		SkillIds:     []int64{1, 2},
	}
}

func validCallInnerSkill() *ccgwv1.CallInnerSkillRequest {
	return &ccgwv1.CallInnerSkillRequest{
		AgentId:   "1001",
		SkillId:   1,
		RequestId: "call-1_A",
	}
}

func validTransfer() *ccgwv1.TransferSessionRequest {
	return &ccgwv1.TransferSessionRequest{
		AgentId:   "1001",
		CallId:    "1718000100-9",
		Target:    &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 12}},
		Mode:      ccgwv1.TransferMode_TRANSFER_MODE_RELEASE_AFTER_TRANSFER,
		Caller:    "1001",
		CallData:  "order=42",
		RequestId: "transfer-1",
	}
}

func with[M proto.Message](m M, edit func(M)) M {
	edit(m)
	return m
}

type validationCase struct {
	name string
	msg  proto.Message
	want []string // sorted "field.path: rule_id"; empty: the message is valid
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if got := violations(t, tc.msg); !slices.Equal(got, want) {
				t.Errorf("violations = %q, want %q", got, want)
			}
		})
	}
}

func TestAgentIDRule(t *testing.T) {
	var cases []validationCase
	for _, tc := range []struct {
		id   string
		want []string // rule ids; none when valid
	}{
		{"101", nil},
		{"1001", nil},
		{"999999", nil},
		{"100", []string{agentIDRange}},
		{"1000000", []string{agentIDFormat}},
		{"0101", []string{agentIDFormat}},
		{"abc", []string{agentIDFormat}},
		{"", []string{agentIDFormat}},
		{"99", []string{agentIDFormat}},
		{"+101", []string{agentIDFormat}},
		{" 101", []string{agentIDFormat}},
		{"１０１", []string{agentIDFormat}}, // full-width digits are not decimal digits
	} {
		prefix := func(path string) []string {
			var out []string
			for _, r := range tc.want {
				out = append(out, path+": "+r)
			}
			return out
		}
		cases = append(cases,
			validationCase{"GetSession/" + tc.id, &ccgwv1.GetSessionRequest{AgentId: tc.id}, prefix("agent_id")},
			validationCase{"SignOut/" + tc.id, &ccgwv1.SignOutRequest{AgentId: tc.id, Force: true}, prefix("agent_id")},
			validationCase{"SignIn/" + tc.id, with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.AgentId = tc.id }), prefix("agent_id")},
			validationCase{"CallInnerSkill/" + tc.id, with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.AgentId = tc.id }), prefix("agent_id")},
			validationCase{"TransferSession/" + tc.id, with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.AgentId = tc.id }), prefix("agent_id")},
			validationCase{"TransferSession.agent/" + tc.id, with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
				m.Target = &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: tc.id}}
			}), prefix("agent.agent_id")},
			validationCase{"StreamEvents.agent_ids/" + tc.id, &ccgwv1.StreamEventsRequest{AgentIds: []string{"555555", tc.id}}, prefix("agent_ids[1]")},
		)
		if tc.id != "" { // an empty agent_id selects agents with agent_ids instead
			cases = append(cases, validationCase{"StreamEvents.agent_id/" + tc.id, &ccgwv1.StreamEventsRequest{AgentId: tc.id}, prefix("agent_id")})
		}
	}
	runValidationCases(t, cases)
}

func TestSkillIDRule(t *testing.T) {
	const maxInt32 = 1<<31 - 1
	runValidationCases(t, []validationCase{
		{"CallInnerSkill 1", with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.SkillId = 1 }), nil},
		{"CallInnerSkill max int32", with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.SkillId = maxInt32 }), nil},
		{"CallInnerSkill 0", with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.SkillId = 0 }), []string{"skill_id: " + int64Range}},
		{"CallInnerSkill -1", with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.SkillId = -1 }), []string{"skill_id: " + int64Range}},
		{"CallInnerSkill max int32 + 1", with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.SkillId = maxInt32 + 1 }), []string{"skill_id: " + int64Range}},
		{"skill queue target 1", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 1}}
		}), nil},
		{"skill queue target 0", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_SkillQueue{SkillQueue: &ccgwv1.SkillQueueTarget{SkillId: 0}}
		}), []string{"skill_queue.skill_id: " + int64Range}},
		{"agent target without skill", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: "1002"}}
		}), nil},
		{"agent target skill 1", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: "1002", SkillId: proto.Int64(1)}}
		}), nil},
		{"agent target skill 0 set explicitly", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_Agent{Agent: &ccgwv1.AgentTarget{AgentId: "1002", SkillId: proto.Int64(0)}}
		}), []string{"agent.skill_id: " + int64Range}},
		{"sign-in without skills", with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.SkillIds = nil }), nil},
		{"sign-in skill 0", with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.SkillIds = []int64{1, 0} }), []string{"skill_ids[1]: " + int64Range}},
		{"sign-in duplicate skills", with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.SkillIds = []int64{3, 3} }), []string{"skill_ids: " + repeatedUnique}},
		{"sign-in 200 skills", with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.SkillIds = seq(200) }), nil},
		{"sign-in 201 skills", with(validSignIn(), func(m *ccgwv1.SignInRequest) { m.SkillIds = seq(201) }), []string{"skill_ids: " + repeatedMax}},
	})
}

func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

func TestTransferRules(t *testing.T) {
	accessCode := func(code string) *ccgwv1.TransferSessionRequest {
		return with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) {
			m.Target = &ccgwv1.TransferSessionRequest_AccessCode{AccessCode: &ccgwv1.AccessCodeTarget{Code: code}}
		})
	}
	callData := func(data string) *ccgwv1.TransferSessionRequest {
		return with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.CallData = data })
	}
	// "é" is two bytes in UTF-8: 1024 of them are 2048 bytes but only 1024
	// characters, so only a byte limit rejects 1024 "é" plus one "a".
	const e = "é"
	runValidationCases(t, []validationCase{
		{"valid", validTransfer(), nil},
		{"access code 1 char", accessCode("7"), nil},
		{"access code 24 chars", accessCode(strings.Repeat("9", 24)), nil},
		{"access code 25 chars", accessCode(strings.Repeat("9", 25)), []string{"access_code.code: " + stringMaxLen}},
		{"access code empty", accessCode(""), []string{"access_code.code: " + stringMinLen}},
		{"call data empty", callData(""), nil},
		{"call data 2048 bytes", callData(strings.Repeat("a", 2048)), nil},
		{"call data 2049 bytes", callData(strings.Repeat("a", 2049)), []string{"call_data: " + stringMaxBytes}},
		{"call data 2048 bytes in 1024 runes", callData(strings.Repeat(e, 1024)), nil},
		{"call data 2049 bytes in 1025 runes", callData(strings.Repeat(e, 1024) + "a"), []string{"call_data: " + stringMaxBytes}},
		{"caller 24 chars", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Caller = strings.Repeat("1", 24) }), nil},
		{"caller 25 chars", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Caller = strings.Repeat("1", 25) }), []string{"caller: " + stringMaxLen}},
		{"call id empty", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.CallId = "" }), []string{"call_id: " + stringMinLen}},
		{"call id 64 chars", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.CallId = strings.Repeat("1", 64) }), nil},
		{"call id 65 chars", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.CallId = strings.Repeat("1", 65) }), []string{"call_id: " + stringMaxLen}},
		{"target unset", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Target = nil }), []string{"target: " + oneofRequired}},
		{"mode blind", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Mode = ccgwv1.TransferMode_TRANSFER_MODE_BLIND }), nil},
		{"mode unspecified", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Mode = ccgwv1.TransferMode_TRANSFER_MODE_UNSPECIFIED }), []string{"mode: " + enumNotIn}},
		{"mode undefined number", with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.Mode = ccgwv1.TransferMode(7) }), []string{"mode: " + enumDefinedOnly}},
	})
}

func TestRequestIDRule(t *testing.T) {
	callWith := func(id string) *ccgwv1.CallInnerSkillRequest {
		return with(validCallInnerSkill(), func(m *ccgwv1.CallInnerSkillRequest) { m.RequestId = id })
	}
	transferWith := func(id string) *ccgwv1.TransferSessionRequest {
		return with(validTransfer(), func(m *ccgwv1.TransferSessionRequest) { m.RequestId = id })
	}
	var cases []validationCase
	for _, tc := range []struct {
		name, id string
		ok       bool
	}{
		{"empty means none", "", true},
		{"1 char", "a", true},
		{"64 chars", strings.Repeat("Z", 64), true},
		{"all allowed kinds", "AZaz09_-", true},
		{"65 chars", strings.Repeat("Z", 65), false},
		{"space", "call 1", false},
		{"slash", "call/1", false},
		{"dot", "call.1", false},
		{"non-ASCII letter", "callé", false},
		{"newline", "call1\n", false},
	} {
		var callWant, transferWant []string
		if !tc.ok {
			callWant = []string{"request_id: " + requestIDRule}
			transferWant = callWant
		}
		cases = append(cases,
			validationCase{"CallInnerSkill/" + tc.name, callWith(tc.id), callWant},
			validationCase{"TransferSession/" + tc.name, transferWith(tc.id), transferWant},
		)
	}
	runValidationCases(t, cases)
}

func TestSignInRules(t *testing.T) {
	edit := func(f func(m *ccgwv1.SignInRequest)) *ccgwv1.SignInRequest { return with(validSignIn(), f) }
	runValidationCases(t, []validationCase{
		{"valid", validSignIn(), nil},
		{"initial state left out", edit(func(m *ccgwv1.SignInRequest) { m.InitialState = ccgwv1.InitialState_INITIAL_STATE_UNSPECIFIED }), nil},
		{"initial state undefined", edit(func(m *ccgwv1.SignInRequest) { m.InitialState = ccgwv1.InitialState(9) }), []string{"initial_state: " + enumDefinedOnly}},
		{"password empty", edit(func(m *ccgwv1.SignInRequest) { m.Password = "" }), []string{"password: " + stringMinLen}},
		{"password 512 chars", edit(func(m *ccgwv1.SignInRequest) { m.Password = strings.Repeat("p", 512) }), nil},
		{"password 513 chars", edit(func(m *ccgwv1.SignInRequest) { m.Password = strings.Repeat("p", 513) }), []string{"password: " + stringMaxLen}},
		{"phone 24 digits", edit(func(m *ccgwv1.SignInRequest) { m.PhoneNumber = strings.Repeat("7", 24) }), nil},
		{"phone 25 digits", edit(func(m *ccgwv1.SignInRequest) { m.PhoneNumber = strings.Repeat("7", 25) }), []string{"phone_number: " + stringPattern}},
		{"phone empty", edit(func(m *ccgwv1.SignInRequest) { m.PhoneNumber = "" }), []string{"phone_number: " + stringPattern}},
		{"phone with a letter", edit(func(m *ccgwv1.SignInRequest) { m.PhoneNumber = "7100a" }), []string{"phone_number: " + stringPattern}},
	})
}

func TestStreamEventsRules(t *testing.T) {
	manyAgents := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strconv.Itoa(1001 + i)
		}
		return out
	}
	runValidationCases(t, []validationCase{
		{"all agents, all events", &ccgwv1.StreamEventsRequest{}, nil},
		{"one agent by path", &ccgwv1.StreamEventsRequest{AgentId: "1001"}, nil},
		{"agent list", &ccgwv1.StreamEventsRequest{AgentIds: []string{"1001", "1002"}}, nil},
		{"both agent_id and agent_ids", &ccgwv1.StreamEventsRequest{AgentId: "1001", AgentIds: []string{"1002"}}, []string{": " + oneSelection}},
		{"duplicate agents", &ccgwv1.StreamEventsRequest{AgentIds: []string{"1001", "1001"}}, []string{"agent_ids: " + repeatedUnique}},
		{"1000 agents", &ccgwv1.StreamEventsRequest{AgentIds: manyAgents(1000)}, nil},
		{"1001 agents", &ccgwv1.StreamEventsRequest{AgentIds: manyAgents(1001)}, []string{"agent_ids: " + repeatedMax}},
		{"event types", &ccgwv1.StreamEventsRequest{EventTypes: []string{"AgentEvent_Talking", "AgentState_Ready"}}, nil},
		{"event type 64 chars", &ccgwv1.StreamEventsRequest{EventTypes: []string{"A" + strings.Repeat("b", 63)}}, nil},
		{"event type 65 chars", &ccgwv1.StreamEventsRequest{EventTypes: []string{"A" + strings.Repeat("b", 64)}}, []string{"event_types[0]: " + stringPattern}},
		{"event type with dash", &ccgwv1.StreamEventsRequest{EventTypes: []string{"AgentEvent-Talking"}}, []string{"event_types[0]: " + stringPattern}},
		{"event type empty", &ccgwv1.StreamEventsRequest{EventTypes: []string{""}}, []string{"event_types[0]: " + stringPattern}},
		{"resume cursor 1024 chars", &ccgwv1.StreamEventsRequest{ResumeAfter: strings.Repeat("c", 1024)}, nil},
		{"resume cursor 1025 chars", &ccgwv1.StreamEventsRequest{ResumeAfter: strings.Repeat("c", 1025)}, []string{"resume_after: " + stringMaxLen}},
	})
}

func TestListSessionsRules(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"defaults", &ccgwv1.ListSessionsRequest{}, nil},
		{"page size above the cap is allowed", &ccgwv1.ListSessionsRequest{PageSize: 5000}, nil},
		{"negative page size", &ccgwv1.ListSessionsRequest{PageSize: -1}, []string{"page_size: " + int32Gte}},
		{"page token 1024 chars", &ccgwv1.ListSessionsRequest{PageToken: strings.Repeat("t", 1024)}, nil},
		{"page token 1025 chars", &ccgwv1.ListSessionsRequest{PageToken: strings.Repeat("t", 1025)}, []string{"page_token: " + stringMaxLen}},
	})
}
