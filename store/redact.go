package store

import (
	"fmt"
	"log/slog"
)

// The GUID and cookie are credentials for the agent's gateway session. Session formats and logs
// itself with them redacted, so passing a Session to fmt or slog by accident cannot leak them.

const redacted = "[redacted]"

func redact(v string) string {
	if v == "" {
		return ""
	}
	return redacted
}

// String describes the session without its GUID and cookie.
func (s Session) String() string {
	return fmt.Sprintf("Session{AgentID:%q GUID:%s Cookie:%s PhoneNumber:%q SkillIDs:%v State:%d LostReason:%q SignedInAt:%s Revision:%d}",
		s.AgentID, redact(s.GUID), redact(s.Cookie), s.PhoneNumber, s.SkillIDs, s.State, s.LostReason,
		s.SignedInAt.Format("2006-01-02T15:04:05.999999999Z07:00"), s.Revision)
}

// GoString makes %#v redact like %v.
func (s Session) GoString() string { return "store." + s.String() }

// LogValue implements slog.LogValuer with the GUID and cookie redacted.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("agent_id", s.AgentID),
		slog.String("guid", redact(s.GUID)),
		slog.String("cookie", redact(s.Cookie)),
		slog.String("phone_number", s.PhoneNumber),
		slog.Any("skill_ids", s.SkillIDs),
		slog.Int("state", int(s.State)),
		slog.String("lost_reason", s.LostReason),
		slog.Time("signed_in_at", s.SignedInAt),
		slog.Uint64("revision", s.Revision),
	)
}
