package memory

import (
	"context"
	"fmt"
	"testing"

	"go.uber.org/goleak"

	"github.com/ccgw-bridge/ccgw-bridge/store"
	"github.com/ccgw-bridge/ccgw-bridge/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	s := New(Options{})
	defer s.Close()
	if _, err := s.Append(ctx, "1001", store.Event{Type: "AgentState_Ready"}, store.Event{Type: "AgentOther_PhoneAlerting"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "1002", store.Event{Type: "AgentState_Ready"}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Read(ctx, nil, 0, 10)
	if err != nil || len(evs) != 3 || evs[0].Pos != 1 || evs[2].AgentID != "1002" || evs[1].Seq != 2 {
		t.Fatalf("Read = %+v, %v", evs, err)
	}
	if _, err := s.PutSession(ctx, store.Session{AgentID: "1001"}); err != nil {
		t.Fatal(err)
	}
}

func TestConformance(t *testing.T) {
	// The tiny recent index forces reads and gap reports off the fast path onto the per-agent
	// merge, so both are held to the same contract.
	// A chunk of 2 agents makes merges release the read lock between chunks, racing appends and
	// deletes in the concurrency subtest.
	for _, v := range []struct{ recent, chunk int }{{0, mergeChunk}, {4, mergeChunk}, {4, 2}} {
		t.Run(fmt.Sprintf("RecentIndex=%d,Chunk=%d", v.recent, v.chunk), func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, opts storetest.Options) store.Store {
				s := New(Options{Retention: opts.Retention, Now: opts.Now, RecentIndex: v.recent})
				s.log.chunk = v.chunk
				return s
			})
		})
	}
}
