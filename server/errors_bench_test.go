package server

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/core"
	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// BenchmarkToStatus is the error mapping every failed RPC passes through: gateway retcodes and
// transport failures carry a google.rpc.ErrorInfo detail, core sentinels a reason.
func BenchmarkToStatus(b *testing.B) {
	cases := []struct {
		name string
		err  error
	}{
		{"gateway-retcode", &gatewayclient.Error{Op: "callInnerSkill", AgentID: "1001", Retcode: "100-006", Message: "agent not logged in"}},
		{"transport", &gatewayclient.TransportError{Op: "callInnerSkill", AgentID: "1001", Kind: gatewayclient.TransportUnreachable, Err: errors.New("connection refused")}},
		{"no-session", core.ErrNoSession},
		{"slow-subscriber", &core.SlowSubscriberError{Cursor: "c"}},
		{"deadline", context.DeadlineExceeded},
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if toStatus(ctx, log, c.err) == nil {
					b.Fatal("no status")
				}
			}
		})
	}
}
