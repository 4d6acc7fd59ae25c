package contract

import (
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// agentIDWellFormed and agentIDInRange are the agent id rule written out by
// hand, as the reference the protovalidate rule must agree with: 3 to 6
// decimal digits without a leading zero, and a value from 101 to 999999.
func agentIDWellFormed(s string) bool {
	if len(s) < 3 || len(s) > 6 || s[0] == '0' {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func agentIDInRange(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 101 && n <= 999999
}

// isRequestID is the request id rule written out by hand: 1 to 64 of
// A-Z a-z 0-9 _ -.
func isRequestID(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// FuzzAgentIDRule checks that the agent id rule accepts exactly what the
// hand-written reference accepts, reports the right one of its two checks, and never fails to evaluate (a CEL int() conversion of a
// malformed id would be an evaluation error, not a violation).
func FuzzAgentIDRule(f *testing.F) {
	for _, s := range []string{"101", "1001", "999999", "100", "1000000", "0101", "abc", "", "-101", "1e3", "99999999999999999999", "１０１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !utf8.ValidString(id) {
			t.Skip("proto3 strings are valid UTF-8; the decoder rejects anything else before validation")
		}
		got := violations(t, &ccgwv1.GetSessionRequest{AgentId: id})
		var want []string
		switch {
		case !agentIDWellFormed(id):
			want = []string{"agent_id: " + agentIDFormat}
		case !agentIDInRange(id):
			want = []string{"agent_id: " + agentIDRange}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("agent id %q: violations %q, want %q", id, got, want)
		}
	})
}

// FuzzRequestIDRule checks the request id rule against isRequestID; an empty
// id means "no request id" and is always accepted.
func FuzzRequestIDRule(f *testing.F) {
	for _, s := range []string{"", "a", "call-1_A", "call 1", "call/1", "é", "0123456789012345678901234567890123456789012345678901234567890123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !utf8.ValidString(id) {
			t.Skip("proto3 strings are valid UTF-8; the decoder rejects anything else before validation")
		}
		got := violations(t, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1, RequestId: id})
		var want []string
		if id != "" && !isRequestID(id) {
			want = []string{"request_id: " + requestIDRule}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("request id %q: violations %q, want %q", id, got, want)
		}
	})
}
