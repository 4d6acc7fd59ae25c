package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// TestDataDirSurvivesRestart runs the bridge with an embedded JetStream server in a data
// directory, stops it and starts a new one on the same directory: the event log (a cursor
// from the first run resumes), the idempotency record (a retried request_id returns the first
// call's id with no second gateway call) and the stored session are still there.
func TestDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *app.Config) { c.DataDir = dir }
	req := &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 1, RequestId: "persist-me", AwaitOutcome: true}

	first := startBridge(t, withDir)
	next, _ := first.stream(t, &ccgwv1.StreamEventsRequest{})
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(first.logs.String())
		}
	})
	snap := next().GetSnapshot()
	if snap == nil {
		t.Fatal("first message must be a snapshot")
	}
	first.signIn(t, "1001")
	first.signIn(t, "1002") // answers the call from skill queue 1
	call, err := first.calls.CallInnerSkill(ctxT(t, 10*time.Second), req)
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, next, "1001", "AgentEvent_Talking")
	_ = first.conn.Close()
	first.app.Shutdown()

	second := startBridge(t, withDir)
	next2, _ := second.stream(t, &ccgwv1.StreamEventsRequest{ResumeAfter: snap.GetCursor()})
	if next2().GetSnapshot() == nil {
		t.Fatal("first message must be a snapshot")
	}
	if ev := waitEvent(t, next2, "1001", "AgentEvent_Talking"); ev.GetCallId() != call.GetCallId() {
		t.Fatalf("replayed Talking of call %q, want %q", ev.GetCallId(), call.GetCallId())
	}
	again, err := second.calls.CallInnerSkill(ctxT(t, 10*time.Second), req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetCallId() != call.GetCallId() {
		t.Fatalf("retried request_id after a restart placed call %q, first was %q", again.GetCallId(), call.GetCallId())
	}
	if n := second.metric(t, `ccgw_gateway_calls_total{op="callInnerSkill",retcode="0"}`); n != "" && n != "0" {
		t.Fatalf("gateway callInnerSkill calls after the restart = %s, want none", n)
	}
	got, err := second.sessions.GetSession(ctxT(t, 5*time.Second), &ccgwv1.GetSessionRequest{AgentId: "1001"})
	if err != nil || got.GetSession().GetAgentId() != "1001" {
		t.Fatalf("stored session after a restart: %v, %v", got, err)
	}
}

// TestDataDirRefusesASecondProcess: a second bridge on a data directory in use does not start
// (two embedded JetStream servers on one set of files would number the event log each on its
// own, and clients resuming from a cursor would skip events); once the first has shut down,
// the directory is free again.
func TestDataDirRefusesASecondProcess(t *testing.T) {
	dir := t.TempDir()
	var cfg app.Config
	if err := cfg.Parse("test", []string{"-grpc-listen=127.0.0.1:0", "-http-listen=127.0.0.1:0", "-sim-listen=127.0.0.1:0",
		"-data-dir=" + dir}, func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	first := startBridge(t, func(c *app.Config) { c.DataDir = dir })
	second, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil {
		second.Shutdown()
		t.Fatal("a second bridge started on a data directory in use")
	}
	if !strings.Contains(err.Error(), "in use by another ccgw-bridge process") {
		t.Fatalf("second bridge on a data directory in use: %v", err)
	}
	_ = first.conn.Close()
	first.app.Shutdown()
	third, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("after the first bridge shut down: %v", err)
	}
	third.Shutdown()
}
