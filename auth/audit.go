package auth

import (
	"context"
	"log/slog"
)

// Audit writes one log line per denied request and per privileged action (forced sign-in,
// forced sign-out, pass-through GUID): who, what, which agent, and the result. Lines carry
// audit=true so a log pipeline can route them; they never carry a credential.
type Audit struct{ Log *slog.Logger }

// Record logs one decision or outcome. agent may be "" (a request over no single agent).
func (a Audit) Record(ctx context.Context, caller Identity, action Action, agent, result string, attrs ...slog.Attr) {
	if a.Log == nil {
		return
	}
	a.Log.LogAttrs(ctx, slog.LevelInfo, "audit", append([]slog.Attr{
		slog.Bool("audit", true), slog.String("caller", caller.String()), slog.String("action", string(action)),
		slog.String("agent", agent), slog.String("result", result),
	}, attrs...)...)
}
