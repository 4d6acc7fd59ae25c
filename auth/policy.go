package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Action is something a caller may be allowed to do to an agent.
type Action string

// The actions a policy grants. Force and PassThrough are asked for on top of the action they
// modify (a forced sign-in needs SignIn and Force).
const (
	SignIn       Action = "sign_in"
	SignOut      Action = "sign_out"
	Force        Action = "force"         // take a session over at sign-in, or sign out mid-call
	ReadSessions Action = "read_sessions" // GetSession, ListSessions
	Call         Action = "call"          // CallInnerSkill
	Transfer     Action = "transfer"      // TransferSession
	ReadEvents   Action = "read_events"   // StreamEvents
	PassThrough  Action = "pass_through"  // a command carrying a GUID of a session held elsewhere
)

var allActions = []Action{SignIn, SignOut, Force, ReadSessions, Call, Transfer, ReadEvents, PassThrough}

// Policy is a parsed policy file: the API keys it knows and what each caller may do. Its zero
// value allows nothing (deny by default). A Policy is immutable once parsed.
type Policy struct {
	apiKeys map[[sha256.Size]byte]string // digest of the key -> key name
	callers []caller
}

type caller struct {
	name   string
	match  matcher
	grants map[Action]AgentSet
}

// matcher selects identities; every field that is set must match.
type matcher struct {
	APIKey  string            `yaml:"api_key"` // the name of an API key
	Cert    string            `yaml:"cert"`    // a client certificate's URI/DNS SAN or subject CN
	Subject string            `yaml:"subject"` // a JWT's sub claim
	Claims  map[string]string `yaml:"claims"`  // JWT claims: equal, or an array containing the value
}

// policyFile is the YAML form, documented in README.md ("Security").
type policyFile struct {
	APIKeys []struct {
		Name   string `yaml:"name"`
		SHA256 string `yaml:"sha256"`
	} `yaml:"api_keys"`
	Callers []struct {
		Name  string  `yaml:"name"`
		Match matcher `yaml:"match"`
		Allow []struct {
			Actions []Action `yaml:"actions"`
			Agents  []string `yaml:"agents"`
		} `yaml:"allow"`
	} `yaml:"callers"`
}

// ParsePolicy parses and checks a policy file; every problem is reported, none is ignored
// (unknown keys included), because a typo in a policy must not silently grant or deny.
func ParsePolicy(data []byte) (*Policy, error) {
	var f policyFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file is refused: it is far more often a file caught while being written than a
	// wish to deny everyone (write "callers: []" for that).
	if err := dec.Decode(&f); errors.Is(err, io.EOF) {
		return nil, errors.New(`policy: the file is empty (to deny every caller, write "callers: []")`)
	} else if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p := &Policy{apiKeys: map[[sha256.Size]byte]string{}}
	var errs []error
	keyNames := map[string]bool{}
	for i, k := range f.APIKeys {
		d, err := hex.DecodeString(k.SHA256)
		switch {
		case k.Name == "":
			errs = append(errs, fmt.Errorf("api_keys[%d]: name is required", i))
		case keyNames[k.Name]:
			errs = append(errs, fmt.Errorf("api_keys[%d]: name %q appears twice", i, k.Name))
		case err != nil || len(d) != sha256.Size:
			errs = append(errs, fmt.Errorf("api_keys[%d] (%s): sha256 must be 64 hex digits (the SHA-256 of the key, never the key)", i, k.Name))
		default:
			keyNames[k.Name] = true
			p.apiKeys[[sha256.Size]byte(d)] = k.Name
		}
	}
	for i, c := range f.Callers {
		where := fmt.Sprintf("callers[%d] (%s)", i, c.Name)
		m := c.Match
		if m.APIKey == "" && m.Cert == "" && m.Subject == "" && len(m.Claims) == 0 {
			errs = append(errs, fmt.Errorf("%s: match needs at least one of api_key, cert, subject, claims", where))
		}
		kinds := 0
		for _, set := range []bool{m.APIKey != "", m.Cert != "", m.Subject != "" || len(m.Claims) > 0} {
			if set {
				kinds++
			}
		}
		if kinds > 1 {
			errs = append(errs, fmt.Errorf("%s: match may name an api_key, a cert, or JWT subject/claims, not several kinds (one caller never holds two)", where))
		}
		if m.APIKey != "" && !keyNames[m.APIKey] {
			errs = append(errs, fmt.Errorf("%s: api_key %q is not in api_keys", where, m.APIKey))
		}
		cl := caller{name: c.Name, match: m, grants: map[Action]AgentSet{}}
		for j, g := range c.Allow {
			set, err := ParseAgentSet(g.Agents)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: allow[%d]: %w", where, j, err))
			}
			if len(g.Actions) == 0 {
				errs = append(errs, fmt.Errorf("%s: allow[%d]: actions must not be empty", where, j))
			}
			for _, a := range g.Actions {
				if !slices.Contains(allActions, a) {
					errs = append(errs, fmt.Errorf("%s: allow[%d]: unknown action %q (known: %v)", where, j, a, allActions))
					continue
				}
				cl.grants[a] = cl.grants[a].union(set)
			}
		}
		p.callers = append(p.callers, cl)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return p, nil
}

// APIKeyName returns the name of the API key whose SHA-256 digest is digest.
func (p *Policy) APIKeyName(digest [sha256.Size]byte) (string, bool) {
	if p == nil {
		return "", false
	}
	name, ok := p.apiKeys[digest]
	return name, ok
}

// Scope is the set of agents on which id may perform a: the union over every caller entry that
// matches id. The empty set means not at all.
func (p *Policy) Scope(id Identity, a Action) AgentSet {
	var s AgentSet
	if p == nil {
		return s
	}
	for i := range p.callers {
		c := &p.callers[i]
		if g, ok := c.grants[a]; ok && c.match.matches(id) {
			s = s.union(g)
		}
	}
	return s
}

// Allowed reports whether id may perform a on agent.
func (p *Policy) Allowed(id Identity, a Action, agent string) bool {
	if p == nil {
		return false
	}
	for i := range p.callers {
		c := &p.callers[i]
		if g, ok := c.grants[a]; ok && g.Contains(agent) && c.match.matches(id) {
			return true
		}
	}
	return false
}

func (m *matcher) matches(id Identity) bool {
	if id.Kind == KindNone {
		return false
	}
	if m.APIKey != "" && (id.Kind != KindAPIKey || id.Name != m.APIKey) {
		return false
	}
	if m.Cert != "" && (id.Kind != KindCert || !slices.Contains(id.CertNames, m.Cert)) {
		return false
	}
	if m.Subject != "" && (id.Kind != KindJWT || id.Name != m.Subject) {
		return false
	}
	if len(m.Claims) > 0 {
		if id.Kind != KindJWT {
			return false
		}
		for k, want := range m.Claims {
			if !claimHas(id.Claims[k], want) {
				return false
			}
		}
	}
	return true
}

func claimHas(v any, want string) bool {
	switch v := v.(type) {
	case string:
		return v == want
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s == want {
				return true
			}
		}
	case bool:
		return strconv.FormatBool(v) == want
	}
	return false
}

// AgentSet is a set of agent ids: every agent, or a list of ids and inclusive ranges.
type AgentSet struct {
	all    bool
	ranges [][2]uint32 // inclusive; single ids are ranges of one
}

// AllAgents is the set of every agent.
var AllAgents = AgentSet{all: true}

// ParseAgentSet reads "*" (every agent), single ids "1001" and ranges "1001-1099".
func ParseAgentSet(items []string) (AgentSet, error) {
	var s AgentSet
	if len(items) == 0 {
		return s, errors.New(`agents must not be empty (use "*" for every agent)`)
	}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "*" {
			s.all = true
			continue
		}
		lo, hi, isRange := strings.Cut(it, "-")
		if !isRange {
			hi = lo
		}
		a, errA := parseAgentID(lo)
		b, errB := parseAgentID(hi)
		if errA != nil || errB != nil || a > b {
			return s, fmt.Errorf(`agents: %q is not an agent id (101-999999), a range "low-high" or "*"`, it)
		}
		s.ranges = append(s.ranges, [2]uint32{a, b})
	}
	return s, nil
}

func parseAgentID(s string) (uint32, error) {
	if len(s) == 0 || len(s) > 6 || s[0] == '0' {
		return 0, errors.New("not an agent id")
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n < 101 {
		return 0, errors.New("not an agent id")
	}
	return uint32(n), nil
}

// Contains reports whether agent (a decimal id) is in the set; a malformed id is in no set but
// the set of every agent.
func (s AgentSet) Contains(agent string) bool {
	if s.all {
		return true
	}
	if len(s.ranges) == 0 {
		return false
	}
	n, err := parseAgentID(agent)
	if err != nil {
		return false
	}
	for _, r := range s.ranges {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

// Empty reports whether the set has no agent at all.
func (s AgentSet) Empty() bool { return !s.all && len(s.ranges) == 0 }

// All reports whether the set is every agent.
func (s AgentSet) All() bool { return s.all }

func (s AgentSet) union(o AgentSet) AgentSet {
	if s.all || o.all {
		return AllAgents
	}
	return AgentSet{ranges: append(slices.Clip(s.ranges), o.ranges...)}
}
