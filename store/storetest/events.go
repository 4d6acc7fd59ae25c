package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// sampleEvent is an event with every field set, so a backend that drops one is caught.
func sampleEvent(i int) store.Event {
	return store.Event{
		AgentID: "ignored", Seq: 777, Pos: 888, // Append must overwrite these
		Type:        fmt.Sprintf("AgentOther_Event%d", i),
		ReceivedAt:  time.Date(2025, 3, 1, 9, 0, i, 0, time.UTC),
		GatewayTime: time.Date(2025, 3, 1, 8, 59, i, 0, time.UTC),
		CallID:      fmt.Sprintf("1741%05d-%d", i, i), Caller: "71001", Called: "3000", OtherPhone: "88001",
		Feature: "7", MediaType: "5", Result: "0", Reason: "12",
		Content: []byte(fmt.Sprintf(`{"callId":"1741%05d-%d","n":%d}`, i, i, i)),
	}
}

// mustAppend appends n sample events to agent in one call and returns them as stored.
func mustAppend(t *testing.T, s store.Store, agent string, n int) []store.Event {
	t.Helper()
	evs := make([]store.Event, n)
	for i := range evs {
		evs[i] = sampleEvent(i)
	}
	out, err := s.Append(ctx(t), agent, evs...)
	noErr(t, "Append", err)
	if len(out) != n {
		t.Fatalf("Append returned %d events, want %d", len(out), n)
	}
	return out
}

// sameEvent compares every field, times by instant.
func sameEvent(a, b store.Event) bool {
	return a.AgentID == b.AgentID && a.Seq == b.Seq && a.Pos == b.Pos && a.Type == b.Type &&
		a.ReceivedAt.Equal(b.ReceivedAt) && a.GatewayTime.Equal(b.GatewayTime) &&
		a.CallID == b.CallID && a.Caller == b.Caller && a.Called == b.Called &&
		a.OtherPhone == b.OtherPhone && a.Feature == b.Feature && a.MediaType == b.MediaType &&
		a.Result == b.Result && a.Reason == b.Reason && bytes.Equal(a.Content, b.Content)
}

// ids renders events as agent/seq@pos for readable failures.
func ids(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = fmt.Sprintf("%s/%d@%d", e.AgentID, e.Seq, e.Pos)
	}
	return out
}

func wantEvents(t *testing.T, what string, got, want []store.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, ids(got), ids(want))
	}
	for i := range got {
		if !sameEvent(got[i], want[i]) {
			t.Fatalf("%s: event %d is %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

// byPos merges event lists into Pos order, the order Read must return.
func byPos(lists ...[]store.Event) []store.Event {
	var all []store.Event
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.SortFunc(all, func(a, b store.Event) int {
		switch {
		case a.Pos < b.Pos:
			return -1
		case a.Pos > b.Pos:
			return 1
		}
		return 0
	})
	return all
}

func after(evs []store.Event, pos uint64) []store.Event {
	i := slices.IndexFunc(evs, func(e store.Event) bool { return e.Pos > pos })
	if i < 0 {
		return nil
	}
	return evs[i:]
}

func testAppend(t *testing.T, newStore NewStoreFunc) {
	t.Run("AssignsSeqAndPos", func(t *testing.T) {
		s := open(t, newStore, Options{})
		var lastPos uint64
		seqs := map[string]uint64{}
		for round := range 4 {
			for _, agent := range []string{"1001", "1002", "1003"} {
				out := mustAppend(t, s, agent, round+1)
				for i, e := range out {
					seqs[agent]++
					if e.AgentID != agent || e.Seq != seqs[agent] || e.Pos <= lastPos {
						t.Fatalf("appended %s/%d@%d after Pos %d, want %s/%d with a greater Pos",
							e.AgentID, e.Seq, e.Pos, lastPos, agent, seqs[agent])
					}
					lastPos = e.Pos
					in := sampleEvent(i)
					in.AgentID, in.Seq, in.Pos = e.AgentID, e.Seq, e.Pos
					if !sameEvent(e, in) {
						t.Fatalf("Append changed fields: %+v, want %+v", e, in)
					}
				}
			}
		}
	})
	t.Run("StoredAsReturned", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		out := mustAppend(t, s, "1001", 3)
		extra := store.Event{Type: "AgentState_Ready", Content: []byte("null")} // zero times, empty strings
		more, err := s.Append(c, "1001", extra)
		noErr(t, "Append", err)
		got, err := s.Read(c, nil, 0, 100)
		noErr(t, "Read", err)
		wantEvents(t, "Read", got, append(out, more...))
	})
	t.Run("NothingToAppend", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		out, err := s.Append(c, "1001")
		noErr(t, "Append()", err)
		head, _, err := s.Head(c)
		noErr(t, "Head", err)
		if len(out) != 0 || head != 0 {
			t.Fatalf("empty Append returned %v and moved the head to %d", out, head)
		}
	})
	t.Run("EmptyAgentID", func(t *testing.T) {
		s := open(t, newStore, Options{})
		_, err := s.Append(ctx(t), "", sampleEvent(0))
		wantErr(t, "Append(empty agent id)", err, store.ErrInvalidArgument)
	})
}
