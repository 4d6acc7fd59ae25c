package gatewayclient

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxMessageLen bounds the gateway text kept in an *Error.
const maxMessageLen = 512

const redacted = "[redacted]"

// secrets collects the values that must never reach an error string.
type secrets []string

func (s *secrets) add(vals ...string) {
	for _, v := range vals {
		if v == "" {
			continue
		}
		*s = append(*s, v)
		// A gateway may quote just the UUID part of "<uuid>.AgentGateway0".
		if i := strings.LastIndexByte(v, '.'); i >= 8 {
			*s = append(*s, v[:i])
		}
	}
}

// sanitizeMessage makes gateway text safe to keep: every known secret is
// replaced, control characters become spaces and the length is bounded.
func sanitizeMessage(msg string, sec secrets) string {
	// Longest first, so a short secret inside a longer one cannot leave the
	// rest of the longer one behind.
	slices.SortFunc(sec, func(a, b string) int { return len(b) - len(a) })
	for _, v := range sec {
		msg = strings.ReplaceAll(msg, v, redacted)
	}
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
