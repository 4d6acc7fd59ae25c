package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func testRetention(t *testing.T, newStore NewStoreFunc) {
	t.Run("ByCount", func(t *testing.T) {
		s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 5, MaxAge: 24 * time.Hour}}), ctx(t)
		var a, b []store.Event
		for range 4 {
			a = append(a, mustAppend(t, s, "1001", 2)...)
			b = append(b, mustAppend(t, s, "1002", 1)...)
		}
		// 1001 has 8 events, keeps its newest 5; 1002 has 4 and keeps all.
		got, err := s.Read(c, nil, 0, 100)
		noErr(t, "Read", err)
		wantEvents(t, "Read after count trim", got, byPos(a[3:], b))
		got, err = s.Read(c, []string{"1001"}, 0, 100)
		noErr(t, "Read", err)
		wantEvents(t, "Read(1001) after count trim", got, a[3:])
		got, err = s.Read(c, []string{"1001", "1002"}, a[1].Pos, 100)
		noErr(t, "Read", err)
		wantEvents(t, "Read(1001,1002) from a dropped cursor", got, after(byPos(a[3:], b), a[1].Pos))
	})
	t.Run("BatchLargerThanLimit", func(t *testing.T) {
		s, c := open(t, newStore, Options{Retention: store.Retention{MaxEvents: 3, MaxAge: time.Hour}}), ctx(t)
		out := mustAppend(t, s, "1001", 7)
		for i, e := range out {
			if e.Seq != uint64(i+1) {
				t.Fatalf("batch event %d has Seq %d", i, e.Seq)
			}
		}
		got, err := s.Read(c, nil, 0, 100)
		noErr(t, "Read", err)
		wantEvents(t, "Read after an oversized batch", got, out[4:])
	})
	t.Run("ByAge", func(t *testing.T) {
		clock := NewClock()
		s, c := open(t, newStore, Options{Now: clock.Now, Retention: store.Retention{MaxEvents: 100, MaxAge: time.Hour}}), ctx(t)
		a1 := mustAppend(t, s, "1001", 2)
		b1 := mustAppend(t, s, "1002", 1)
		clock.Advance(30 * time.Minute)
		a2 := mustAppend(t, s, "1001", 1)
		clock.Advance(30 * time.Minute) // a1, b1 exactly an hour old: still retained
		read := func(agents []string, after uint64) []store.Event {
			t.Helper()
			got, err := s.Read(c, agents, after, 100)
			noErr(t, "Read", err)
			return got
		}
		wantEvents(t, "Read at exactly MaxAge", read(nil, 0), byPos(a1, b1, a2))
		clock.Advance(time.Nanosecond) // now older than an hour: dropped, with no append to trigger it
		wantEvents(t, "Read(all) past MaxAge", read(nil, 0), a2)
		wantEvents(t, "Read(1001) past MaxAge", read([]string{"1001"}, 0), a2)
		wantEvents(t, "Read(1002) past MaxAge", read([]string{"1002"}, 0), nil)
		wantEvents(t, "Read(1002,1001) past MaxAge", read([]string{"1002", "1001"}, 0), a2)
		clock.Advance(30 * time.Minute)
		wantEvents(t, "Read when everything expired", read(nil, 0), nil)
		// Sequences continue after expiry; only new events are readable.
		a3 := mustAppend(t, s, "1001", 1)
		if a3[0].Seq != 4 {
			t.Fatalf("Seq after expiry = %d, want 4", a3[0].Seq)
		}
		wantEvents(t, "Read after expiry and a new append", read(nil, 0), a3)
	})
}
