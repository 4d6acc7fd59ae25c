package gatewaysim_test

import (
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// Every authenticated route checks the caller before its parameters: a bad parameter sent with a
// wrong GUID, or for an agent that is not signed in, gets the authentication failure.
func TestAuthenticationComesBeforeParameterChecks(t *testing.T) {
	h := newHarness(t, nil)
	h.signIn("1001")
	bad := []struct{ method, path, body string }{
		{"POST", gw + "onlineagent/1001/saybusy?reason=999", ""},
		{"POST", gw + "onlineagent/1001/rest/0/3", ""},
		{"POST", gw + "onlineagent/1001/resetskill/false?skillid=x", ""},
		{"PUT", gw + "voicecall/1001/callinnerskill", `{"skillId":"nope"}`},
		{"PUT", gw + "voicecall/1001/callinnerskill", `not json`},
		{"POST", gw + "mediacall/1001/transfer", `{"devicetype":9}`},
	}
	for _, b := range bad {
		if got := h.do(b.method, b.path, "wrong-guid.AgentGateway0", b.body).env.Retcode; got != "000-003" {
			t.Errorf("%s %s with a wrong GUID: retcode %q, want 000-003", b.method, b.path, got)
		}
		path := b.path[:len(gw)] + replaceAgent(b.path[len(gw):], "1002")
		if got := h.do(b.method, path, "wrong-guid.AgentGateway0", b.body).env.Retcode; got != "100-006" {
			t.Errorf("%s %s for an agent not signed in: retcode %q, want 100-006", b.method, path, got)
		}
	}
}

func replaceAgent(rest, id string) string {
	for i := 0; i+4 <= len(rest); i++ {
		if rest[i:i+4] == "1001" {
			return rest[:i] + id + rest[i+4:]
		}
	}
	return rest
}

// Agent ids are work numbers 101–999999 written in plain digits: "+101" is not 101.
func TestAgentIDsArePlainDigits(t *testing.T) {
	h := newHarness(t, nil)
	for _, id := range []string{"+101", "0101", "100", "1000000", "1e3"} {
		if got := h.do("PUT", gw+"onlineagent/"+id, "", signInBody("1001")).env.Retcode; got == "0" {
			t.Errorf("sign-in of agent %q succeeded", id)
		}
	}
	if err := h.sim.AddAgent(gatewaysim.Agent{ID: "+101", Password: "p", Phone: "7101"}); err == nil {
		t.Error(`AddAgent accepted "+101"`)
	}
}
