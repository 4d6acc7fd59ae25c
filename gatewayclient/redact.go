package gatewayclient

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxMessageLen bounds the gateway text kept in an *Error.
const maxMessageLen = 512

const redacted = "[redacted]"

// minSecretLen: shorter values are not scrubbed one by one. Replacing every
// "g" of a message would ruin it and, by the pattern of the gaps, reveal the
// value anyway; real GUIDs and cookies are far longer.
const minSecretLen = 4

// guidPattern matches anything shaped like a gateway GUID (a UUID, possibly
// with a ".AgentGatewayN" suffix). Such a token is some session's credential
// even when it is not ours, so it is scrubbed whatever it is.
var guidPattern = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(\.[0-9A-Za-z_]+)?`)

// secrets collects the values that must never reach an error string.
type secrets []string

func (s *secrets) add(vals ...string) {
	for _, v := range vals {
		if len(v) < minSecretLen {
			continue
		}
		*s = append(*s, v)
		// A gateway may quote just the UUID part of "<uuid>.AgentGateway0".
		if i := strings.LastIndexByte(v, '.'); i >= 8 {
			*s = append(*s, v[:i])
		}
	}
}

// addCookie adds a Cookie header value and each cookie value within it.
func (s *secrets) addCookie(header string) {
	s.add(header)
	for part := range strings.SplitSeq(header, ";") {
		if _, v, ok := strings.Cut(part, "="); ok {
			s.add(strings.Trim(strings.TrimSpace(v), `"`))
		}
	}
}

// sanitizeMessage makes gateway text safe to keep: every known secret and
// anything GUID-shaped is replaced, control characters become spaces and
// the length is bounded.
func sanitizeMessage(msg string, sec secrets) string {
	// Longest first, so a short secret inside a longer one cannot leave the
	// rest of the longer one behind.
	slices.SortFunc(sec, func(a, b string) int { return len(b) - len(a) })
	for _, v := range sec {
		msg = strings.ReplaceAll(msg, v, redacted)
	}
	msg = guidPattern.ReplaceAllLiteralString(msg, redacted)
	msg = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return ' '
		}
		return r
	}, msg)
	if len(msg) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "..."
	}
	return strings.TrimSpace(msg)
}
