package storetest

import (
	"fmt"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func testRead(t *testing.T, newStore NewStoreFunc) {
	s, c := open(t, newStore, Options{}), ctx(t)
	// Interleave three agents with uneven batches so Pos order mixes them.
	var a, b, d []store.Event
	for round := range 5 {
		a = append(a, mustAppend(t, s, "1001", 2)...)
		b = append(b, mustAppend(t, s, "1002", 1+round%2)...)
		if round%2 == 0 {
			d = append(d, mustAppend(t, s, "1003", 3)...)
		}
	}
	all := byPos(a, b, d)
	mid := all[len(all)/2].Pos
	head := all[len(all)-1].Pos

	tests := []struct {
		name   string
		agents []string
		after  uint64
		limit  int
		want   []store.Event
	}{
		{"AllAgents", nil, 0, 1000, all},
		{"AllAgentsAfterCursor", nil, mid, 1000, after(all, mid)},
		{"AllAgentsLimited", nil, mid, 3, after(all, mid)[:3]},
		{"OneAgent", []string{"1002"}, 0, 1000, b},
		{"OneAgentAfterCursor", []string{"1001"}, mid, 1000, after(a, mid)},
		{"OneAgentLimited", []string{"1001"}, 0, 4, a[:4]},
		{"TwoAgents", []string{"1003", "1001"}, 0, 1000, byPos(a, d)},
		{"TwoAgentsAfterCursorLimited", []string{"1001", "1003"}, mid, 2, after(byPos(a, d), mid)[:2]},
		{"DuplicatesIgnored", []string{"1002", "1002", "1001", "1002"}, 0, 1000, byPos(a, b)},
		{"UnknownAgentsIgnored", []string{"4040", "1003", "4041"}, 0, 1000, d},
		{"OnlyUnknownAgents", []string{"4040"}, 0, 1000, nil},
		{"AtHead", nil, head, 1000, nil},
		{"BeyondHead", []string{"1001"}, head + 100, 1000, nil},
		{"CursorBetweenAgentEvents", []string{"1003"}, d[0].Pos, 1000, d[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Read(c, tt.agents, tt.after, tt.limit)
			noErr(t, "Read", err)
			wantEvents(t, fmt.Sprintf("Read(%v, %d, %d)", tt.agents, tt.after, tt.limit), got, tt.want)
		})
	}
	t.Run("PagingIsComplete", func(t *testing.T) {
		for _, set := range [][]string{nil, {"1001"}, {"1001", "1002", "1003"}, {"1003", "1002"}} {
			for _, limit := range []int{1, 2, 5, 7} {
				var got []store.Event
				cursor := uint64(0)
				for {
					page, err := s.Read(c, set, cursor, limit)
					noErr(t, "Read", err)
					if len(page) > limit {
						t.Fatalf("page of %d with limit %d", len(page), limit)
					}
					if len(page) == 0 {
						break
					}
					got = append(got, page...)
					cursor = page[len(page)-1].Pos
				}
				want := all
				if set != nil {
					want = nil
					for _, e := range all {
						for _, id := range set {
							if e.AgentID == id {
								want = append(want, e)
							}
						}
					}
				}
				wantEvents(t, fmt.Sprintf("paging %v by %d", set, limit), got, want)
			}
		}
	})
	t.Run("InvalidLimit", func(t *testing.T) {
		for _, limit := range []int{0, -5} {
			_, err := s.Read(c, nil, 0, limit)
			wantErr(t, fmt.Sprintf("Read(limit %d)", limit), err, store.ErrInvalidArgument)
		}
	})
}

func testHead(t *testing.T, newStore NewStoreFunc) {
	s, c := open(t, newStore, Options{}), ctx(t)
	pos, epoch, err := s.Head(c)
	noErr(t, "Head", err)
	if pos != 0 || epoch == "" {
		t.Fatalf("Head of an empty store = %d, %q; want 0 and a non-empty epoch", pos, epoch)
	}
	for i, agent := range []string{"1001", "1002", "1001"} {
		out := mustAppend(t, s, agent, i+1)
		pos2, epoch2, err := s.Head(c)
		noErr(t, "Head", err)
		if pos2 != out[len(out)-1].Pos || epoch2 != epoch {
			t.Fatalf("Head after append = %d, %q; want %d, %q", pos2, epoch2, out[len(out)-1].Pos, epoch)
		}
	}
}
