package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/auth"
)

func digest(key string) string {
	d := sha256.Sum256([]byte(key))
	return hex.EncodeToString(d[:])
}

const examplePolicy = `
api_keys:
  - {name: crm, sha256: %CRM%}
callers:
  - name: supervisors
    match: {claims: {groups: supervisors}}
    allow:
      - {actions: [read_sessions, read_events], agents: ["*"]}
      - {actions: [sign_out, force], agents: ["1001-1099"]}
  - name: crm
    match: {api_key: crm}
    allow:
      - {actions: [call, transfer], agents: ["1001", "2000-2002"]}
  - name: gateway-team
    match: {cert: "spiffe://corp/ops"}
    allow:
      - {actions: [sign_in], agents: ["*"]}
  - name: alice
    match: {subject: alice}
    allow:
      - {actions: [sign_in], agents: ["1005"]}
`

func mustPolicy(t *testing.T) *auth.Policy {
	t.Helper()
	p, err := auth.ParsePolicy([]byte(strings.ReplaceAll(examplePolicy, "%CRM%", digest("crm-secret"))))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyGrants(t *testing.T) {
	p := mustPolicy(t)
	supervisor := auth.Identity{Kind: auth.KindJWT, Name: "sue", Claims: map[string]any{"groups": []any{"staff", "supervisors"}}}
	staff := auth.Identity{Kind: auth.KindJWT, Name: "sam", Claims: map[string]any{"groups": []any{"staff"}}}
	crm := auth.Identity{Kind: auth.KindAPIKey, Name: "crm"}
	alice := auth.Identity{Kind: auth.KindJWT, Name: "alice"}
	certAlice := auth.Identity{Kind: auth.KindCert, Name: "alice", CertNames: []string{"alice"}}
	ops := auth.Identity{Kind: auth.KindCert, Name: "spiffe://corp/ops", CertNames: []string{"spiffe://corp/ops"}}
	tests := []struct {
		name   string
		id     auth.Identity
		action auth.Action
		agent  string
		want   bool
	}{
		{"claim in an array", supervisor, auth.ReadEvents, "555555", true},
		{"range start", supervisor, auth.SignOut, "1001", true},
		{"range end", supervisor, auth.Force, "1099", true},
		{"past the range", supervisor, auth.SignOut, "1100", false},
		{"action not granted", supervisor, auth.Call, "1001", false},
		{"claim missing", staff, auth.ReadEvents, "1001", false},
		{"api key listed id", crm, auth.Call, "1001", true},
		{"api key range", crm, auth.Transfer, "2001", true},
		{"api key outside", crm, auth.Call, "1002", false},
		{"subject", alice, auth.SignIn, "1005", true},
		{"subject, other agent", alice, auth.SignIn, "1006", false},
		{"a certificate named like a subject is not that subject", certAlice, auth.SignIn, "1005", false},
		{"cert", ops, auth.SignIn, "1001", true},
		{"cert, action not granted", ops, auth.Call, "1001", false},
		{"anonymous", auth.Identity{}, auth.ReadEvents, "1001", false},
		{"malformed agent id", supervisor, auth.SignOut, "01001", false},
		{"malformed agent id, star grant", supervisor, auth.ReadEvents, "x", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Allowed(tc.id, tc.action, tc.agent); got != tc.want {
				t.Errorf("Allowed(%v, %s, %s) = %v, want %v", tc.id, tc.action, tc.agent, got, tc.want)
			}
		})
	}
	if s := p.Scope(supervisor, auth.ReadEvents); !s.All() {
		t.Error("supervisors read every agent")
	}
	if s := p.Scope(crm, auth.ReadEvents); !s.Empty() {
		t.Error("crm reads no agent")
	}
	if name, ok := p.APIKeyName(sha256.Sum256([]byte("crm-secret"))); !ok || name != "crm" {
		t.Errorf("api key lookup: %q %v", name, ok)
	}
	var nilPolicy *auth.Policy
	if nilPolicy.Allowed(supervisor, auth.ReadEvents, "1001") {
		t.Error("no policy must deny")
	}
}

func TestEmptyPolicyDeniesEverything(t *testing.T) {
	if _, err := auth.ParsePolicy(nil); err == nil {
		t.Fatal("an empty file (likely caught mid-write) must be refused")
	}
	p, err := auth.ParsePolicy([]byte("callers: []"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Allowed(auth.Identity{Kind: auth.KindJWT, Name: "x"}, auth.ReadEvents, "1001") {
		t.Error("empty policy allowed something")
	}
}

func TestPolicyRejectsMistakes(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "callers: [{name: a, match: {subject: a}, alow: []}]", "alow"},
		{"unknown action", "callers: [{name: a, match: {subject: a}, allow: [{actions: [sign_inn], agents: ['*']}]}]", "sign_inn"},
		{"bad agent", "callers: [{name: a, match: {subject: a}, allow: [{actions: [call], agents: ['10']}]}]", `"10"`},
		{"reversed range", "callers: [{name: a, match: {subject: a}, allow: [{actions: [call], agents: ['2000-1000']}]}]", "2000-1000"},
		{"no agents", "callers: [{name: a, match: {subject: a}, allow: [{actions: [call]}]}]", "agents must not be empty"},
		{"no actions", "callers: [{name: a, match: {subject: a}, allow: [{agents: ['*']}]}]", "actions must not be empty"},
		{"empty match", "callers: [{name: a, allow: [{actions: [call], agents: ['*']}]}]", "match needs"},
		{"unknown key name", "callers: [{name: a, match: {api_key: b}, allow: [{actions: [call], agents: ['*']}]}]", `"b" is not in api_keys`},
		{"plain key instead of digest", "api_keys: [{name: k, sha256: my-secret-key}]", "64 hex digits"},
		{"duplicate key name", "api_keys: [{name: k, sha256: " + digest("a") + "}, {name: k, sha256: " + digest("b") + "}]", "twice"},
		{"not yaml", "callers: [", "policy"},
		{"two kinds of identity", "callers: [{name: a, match: {cert: x, subject: a}, allow: [{actions: [call], agents: ['*']}]}]", "not several kinds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.ParsePolicy([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "my-secret-key") {
				t.Error("the error repeats what may be a secret")
			}
		})
	}
}

// FuzzParsePolicy: any file parses or fails cleanly; a parsed policy answers any question.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(strings.ReplaceAll(examplePolicy, "%CRM%", digest("k"))))
	f.Add([]byte("callers: [{name: a, match: {claims: {x: y}}, allow: [{actions: [call], agents: ['101-999999']}]}]"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := auth.ParsePolicy(data)
		if err != nil {
			return
		}
		id := auth.Identity{Kind: auth.KindJWT, Name: "a", Claims: map[string]any{"x": "y"}}
		for _, agent := range []string{"101", "999999", "1001", "", "0", "1000000"} {
			_ = p.Allowed(id, auth.Call, agent)
		}
		_ = p.Scope(id, auth.Call)
	})
}

func FuzzAgentSet(f *testing.F) {
	f.Add("1001-1099", "1050")
	f.Add("*", "x")
	f.Add("101", "101")
	f.Fuzz(func(t *testing.T, item, agent string) {
		s, err := auth.ParseAgentSet([]string{item})
		if err != nil {
			return
		}
		in := s.Contains(agent)
		if !s.All() && in && (len(agent) < 3 || len(agent) > 6 || agent[0] == '0') {
			t.Fatalf("set %q contains malformed id %q", item, agent)
		}
	})
}

// The policy example of README.md ("Security") is a valid policy.
func TestREADMEPolicyExampleParses(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "\n## Security\n")
	if !ok {
		t.Fatal("README has no Security section")
	}
	_, block, ok := strings.Cut(sec, "```yaml\n")
	if !ok {
		t.Fatal("the Security section has no yaml example")
	}
	block, _, _ = strings.Cut(block, "```")
	p, err := auth.ParsePolicy([]byte(block))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Allowed(auth.Identity{Kind: auth.KindJWT, Name: "x", Claims: map[string]any{"groups": []any{"supervisors"}}}, auth.Force, "2000") {
		t.Error("the example's supervisors may force agent 2000")
	}
	if name, ok := p.APIKeyName(sha256.Sum256([]byte("example-key-do-not-use"))); !ok || name != "crm" {
		t.Error("the example's crm key")
	}
}
