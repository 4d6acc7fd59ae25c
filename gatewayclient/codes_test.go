package gatewayclient

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestCodeTable pins the classification of every retcode of the protocol
// reference §5, so a change of mapping is a deliberate, visible edit.
func TestCodeTable(t *testing.T) {
	want := map[string]Kind{
		"000-001": KindInvalidParameter, "000-002": KindInvalidParameter, "000-003": KindGUIDInvalid,
		"000-004": KindSwitchingOver, "000-005": KindInvalidParameter, "000-006": KindInvalidParameter,
		"000-007": KindRepeatedCall,
		"100-001": KindInvalidParameter, "100-002": KindAlreadySignedIn, "100-003": KindOperationFailed,
		"100-004": KindCredentialsRejected, "100-005": KindInvalidParameter, "100-006": KindNotSignedIn,
		"100-007": KindOperationFailed, "100-008": KindNotSignedIn, "100-009": KindStateRejected,
		"100-010": KindStateRejected, "100-011": KindInvalidParameter, "100-012": KindInvalidParameter,
		"100-013": KindInvalidParameter, "100-014": KindInvalidParameter, "100-015": KindStateRejected,
		"100-016": KindInvalidParameter, "100-017": KindCredentialsRejected, "100-018": KindInvalidParameter,
		"100-019": KindInvalidParameter, "100-020": KindCredentialsRejected, "100-021": KindSigningIn,
		"110-016": KindCredentialsRejected,
		"101-001": KindFeatureError, "101-002": KindFeatureError, "101-003": KindFeatureError, "101-004": KindFeatureError,
		"101-005": KindFeatureError, "101-006": KindFeatureError, "101-007": KindFeatureError,
		"104-001": KindFeatureError, "104-002": KindFeatureError, "104-003": KindFeatureError, "104-004": KindFeatureError,
		"104-005": KindFeatureError, "104-006": KindFeatureError, "104-007": KindFeatureError, "104-008": KindFeatureError,
		"104-009": KindFeatureError, "104-010": KindFeatureError, "104-012": KindFeatureError,
		"105-001": KindSwitchingOver, "105-002": KindSwitchingOver, "105-003": KindSwitchingOver,
		"105-004": KindSwitchingOver, "105-005": KindNotSignedIn, "105-006": KindGUIDInvalid, "105-007": KindNotSignedIn,
		"106-001": KindTransferRejected, "106-002": KindTransferRejected, "106-003": KindTransferRejected,
		"106-004": KindTransferRejected, "106-005": KindTransferRejected, "106-006": KindTransferRejected,
		"106-009": KindTransferRejected, "106-010": KindTransferRejected, "106-012": KindTransferRejected,
		"200-002": KindUnknown,
	}
	codes := Codes()
	if len(codes) != len(want) {
		t.Errorf("table has %d codes, reference lists %d", len(codes), len(want))
	}
	for i, c := range codes {
		if i > 0 && codes[i-1].Retcode >= c.Retcode {
			t.Errorf("Codes() not sorted at %s", c.Retcode)
		}
		if k, listed := want[c.Retcode]; !listed || k != c.Kind {
			t.Errorf("%s: kind %v, want %v (listed %v)", c.Retcode, c.Kind, k, listed)
		}
		if c.Description == "" || Describe(c.Retcode) != c.Description || KindOf(c.Retcode) != c.Kind {
			t.Errorf("%s: description/lookup inconsistent", c.Retcode)
		}
	}
	for code := range want {
		if _, found := LookupCode(code); !found {
			t.Errorf("%s missing", code)
		}
	}
	if c, found := LookupCode("106-099"); !found || c.Kind != KindTransferRejected || c.Description == "" {
		t.Errorf("undocumented 106 code: %+v %v", c, found)
	}
	for _, unknown := range []string{"999-999", "", "0", "106", "1060-01"} {
		if c, found := LookupCode(unknown); found || c.Kind != KindUnknown || Describe(unknown) != "" {
			t.Errorf("%q: %+v %v", unknown, c, found)
		}
	}
}

func TestClassificationHelpers(t *testing.T) {
	helpers := map[string]func(error) bool{
		"IsNotSignedIn": IsNotSignedIn, "IsGUIDInvalid": IsGUIDInvalid, "IsAlreadySignedIn": IsAlreadySignedIn,
		"IsInvalidParameter": IsInvalidParameter, "IsCredentialsRejected": IsCredentialsRejected,
		"IsTransferRejected": IsTransferRejected, "IsUnknownRetcode": IsUnknownRetcode,
	}
	cases := []struct {
		err  error
		true string // the one helper that must say yes ("" = none)
	}{
		{&Error{Retcode: "100-006"}, "IsNotSignedIn"},
		{&Error{Retcode: "100-008"}, "IsNotSignedIn"},
		{&Error{Retcode: "105-005"}, "IsNotSignedIn"},
		{&Error{Retcode: "000-003"}, "IsGUIDInvalid"},
		{&Error{Retcode: "105-006"}, "IsGUIDInvalid"},
		{fmt.Errorf("x: %w", ErrNoGUID), "IsGUIDInvalid"},
		{&Error{Retcode: "100-002"}, "IsAlreadySignedIn"},
		{&Error{Retcode: "000-002"}, "IsInvalidParameter"},
		{&Error{Retcode: "100-011"}, "IsInvalidParameter"},
		{fmt.Errorf("x: %w", ErrInvalidArgument), "IsInvalidParameter"},
		{&Error{Retcode: "100-004"}, "IsCredentialsRejected"},
		{&Error{Retcode: "110-016"}, "IsCredentialsRejected"},
		{&Error{Retcode: "100-020"}, "IsCredentialsRejected"},
		{&Error{Retcode: "106-004"}, "IsTransferRejected"},
		{&Error{Retcode: "106-012"}, "IsTransferRejected"},
		{&Error{Retcode: "106-077"}, "IsTransferRejected"},
		{&Error{Retcode: "123-456"}, "IsUnknownRetcode"},
		{&Error{Retcode: "100-007"}, ""},
		{&Error{Retcode: "000-007"}, ""},
		{&TransportError{Kind: TransportHTTPStatus, StatusCode: 401, Err: &Error{Retcode: "000-003"}}, "IsGUIDInvalid"},
		{fmt.Errorf("wrapped: %w", &Error{Retcode: "100-002"}), "IsAlreadySignedIn"},
		{&TransportError{Kind: TransportUnreachable, Err: errors.New("refused")}, ""},
		{errors.New("plain"), ""},
		{nil, ""},
	}
	for _, tc := range cases {
		for name, h := range helpers {
			if got := h(tc.err); got != (name == tc.true) {
				t.Errorf("%s(%v) = %v", name, tc.err, got)
			}
		}
	}
}

func TestErrorStrings(t *testing.T) {
	e := &Error{Op: OpCallInnerSkill, AgentID: "1001", Retcode: "100-006", Message: "agent not login"}
	if got, want := e.Error(), `gatewayclient: callInnerSkill agent 1001: retcode 100-006 (agent not signed in): gateway says "agent not login"`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (&Error{Op: OpTransfer, Retcode: "777-000"}).Error(); got != "gatewayclient: transfer: retcode 777-000" {
		t.Errorf("unknown code: %s", got)
	}
	te := &TransportError{Op: OpGetAgentEvent, AgentID: "1001", Kind: TransportHTTPStatus, StatusCode: 503}
	if got := te.Error(); got != "gatewayclient: getAgentEvent agent 1001: unexpected HTTP status 503 Service Unavailable" {
		t.Errorf("status: %s", got)
	}
	seenKinds := map[string]bool{}
	for k := TransportUnreachable; k <= TransportConnectionLost; k++ {
		s := k.String()
		if seenKinds[s] || strings.HasPrefix(s, "transport failure") {
			t.Errorf("TransportKind %d has no distinct name: %q", k, s)
		}
		seenKinds[s] = true
	}
	seenKinds = map[string]bool{}
	for k := KindUnknown; k <= KindFeatureError; k++ {
		if s := k.String(); seenKinds[s] || strings.HasPrefix(s, "kind ") {
			t.Errorf("Kind %d has no distinct name: %q", k, s)
		} else {
			seenKinds[s] = true
		}
	}
	if !strings.HasPrefix(Kind(99).String(), "kind ") || !strings.HasPrefix(TransportKind(99).String(), "transport failure") {
		t.Error("out-of-range kinds must still print")
	}
}
