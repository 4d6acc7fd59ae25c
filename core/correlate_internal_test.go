package core

import (
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// TestTransferCorrelationRules feeds event orders the gateway may produce to the correlation
// queue of one call and checks which event settles each transfer.
func TestTransferCorrelationRules(t *testing.T) {
	const (
		succ    = gatewayclient.ModeReleaseAfterTransfer
		blind   = gatewayclient.ModeBlind
		window  = time.Minute
		ok      = "SuccTransResult:0"
		failed  = "SuccTransResult:1"
		connect = "Connect_Fail"
		release = "Call_Release"
	)
	type step struct {
		send  gatewayclient.TransferMode // a transfer is sent (when event is "")
		event string                     // an event of the call is logged
	}
	send := func(m gatewayclient.TransferMode) step { return step{send: m} }
	ev := func(e string) step { return step{event: e} }
	tests := []struct {
		name  string
		steps []step
		want  []string // the event that settled each transfer, in send order ("" = pending)
	}{
		{"success", []step{send(succ), ev(ok), ev(release)}, []string{ok}},
		{"failure", []step{send(succ), ev(failed)}, []string{failed}},
		{"late result after Connect_Fail goes to the first transfer",
			[]step{send(succ), ev(connect), send(succ), ev(failed), ev(ok), ev(release)}, []string{connect, ok}},
		{"result before the next transfer",
			[]step{send(succ), ev(connect), ev(failed), send(succ), ev(ok)}, []string{connect, ok}},
		{"the source's release after a success is not the next blind transfer's",
			[]step{send(succ), ev(ok), send(blind), ev(release), ev(release)}, []string{ok, release}},
		{"blind", []step{send(blind), ev(release), ev(connect)}, []string{release}},
		{"blind connect failure first", []step{send(blind), ev(connect), ev(release)}, []string{connect}},
		{"a release does not settle a success-mode transfer", []step{send(succ), ev(release)}, []string{""}},
		{"events of nobody's transfer", []step{ev(failed), send(succ), ev(ok)}, []string{ok}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(nil, nil, nil)
			var sent []*pendingTransfer
			for i, s := range tc.steps {
				if s.event == "" {
					sent = append(sent, h.expectTransfer("1001", "c1", s.send, window))
					continue
				}
				typ, result, _ := strings.Cut(s.event, ":")
				h.out.observe(&Logged{Event: store.Event{AgentID: "1001", CallID: "c1", Type: "AgentEvent_" + typ, Result: result, Pos: uint64(i + 1)}})
			}
			for i, p := range sent {
				got := ""
				if p.outcome != nil {
					got = p.outcome.Type[len("AgentEvent_"):]
					if p.outcome.Result != "" {
						got += ":" + p.outcome.Result
					}
				}
				if got != tc.want[i] {
					t.Errorf("transfer %d settled by %q, want %q", i+1, got, tc.want[i])
				}
			}
		})
	}
}

// TestTransferQueueIsBounded: transfers whose events never come leave the queue after the
// window, and a transfer the gateway refused leaves it at once.
func TestTransferQueueIsBounded(t *testing.T) {
	h := newHub(nil, nil, nil)
	p := h.expectTransfer("1001", "c1", gatewayclient.ModeReleaseAfterTransfer, time.Nanosecond)
	time.Sleep(time.Millisecond)
	q := h.expectTransfer("1001", "c2", gatewayclient.ModeReleaseAfterTransfer, time.Minute)
	if len(h.out.transfers) != 1 || h.out.transfers[callKey{"1001", "c2"}][0] != q {
		t.Fatalf("expired transfer %p still queued: %v", p, h.out.transfers)
	}
	h.forgetTransfer("1001", "c2", q)
	if len(h.out.transfers) != 0 {
		t.Fatalf("refused transfer still queued: %v", h.out.transfers)
	}
}
