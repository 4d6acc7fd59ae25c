package storetest

import (
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func testLeases(t *testing.T, newStore NewStoreFunc) {
	const ttl = 10 * time.Second
	type step struct {
		advance time.Duration
		op      string // "acquire" or "release"
		key     string
		owner   string
		want    bool // acquire result
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"AcquireAndRenew", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{time.Second, "acquire", "agent/1001", "replica-a", true},
		}},
		{"RefusedToAnotherWhileValid", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{0, "acquire", "agent/1001", "replica-b", false},
			{ttl - time.Nanosecond, "acquire", "agent/1001", "replica-b", false},
		}},
		{"TakenAfterExpiry", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{ttl, "acquire", "agent/1001", "replica-b", true},
			{0, "acquire", "agent/1001", "replica-a", false},
		}},
		{"RenewalExtends", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{ttl - time.Second, "acquire", "agent/1001", "replica-a", true},
			{ttl - time.Second, "acquire", "agent/1001", "replica-b", false},
			{time.Second, "acquire", "agent/1001", "replica-b", true},
		}},
		{"ReleaseByHolder", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{0, "release", "agent/1001", "replica-a", false},
			{0, "acquire", "agent/1001", "replica-b", true},
		}},
		{"ReleaseByOtherIsNoOp", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{0, "release", "agent/1001", "replica-b", false},
			{0, "acquire", "agent/1001", "replica-b", false},
			{0, "acquire", "agent/1001", "replica-a", true},
		}},
		{"ReleaseOfExpiredByHolder", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{2 * ttl, "release", "agent/1001", "replica-a", false},
			{0, "acquire", "agent/1001", "replica-b", true},
		}},
		{"ReleaseUnknownIsNoOp", []step{
			{0, "release", "agent/7", "replica-a", false},
			{0, "acquire", "agent/7", "replica-b", true},
		}},
		{"KeysAreIndependent", []step{
			{0, "acquire", "agent/1001", "replica-a", true},
			{0, "acquire", "agent/1002", "replica-b", true},
			{0, "acquire", "agent/1002", "replica-a", false},
			{0, "acquire", "agent/1001", "replica-b", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewClock()
			s, c := open(t, newStore, Options{Now: clock.Now}), ctx(t)
			for i, st := range tt.steps {
				clock.Advance(st.advance)
				switch st.op {
				case "acquire":
					got, err := s.AcquireLease(c, st.key, st.owner, ttl)
					noErr(t, "AcquireLease", err)
					if got != st.want {
						t.Fatalf("step %d: AcquireLease(%s, %s) = %v, want %v", i, st.key, st.owner, got, st.want)
					}
				case "release":
					noErr(t, "ReleaseLease", s.ReleaseLease(c, st.key, st.owner))
				}
			}
		})
	}
	t.Run("InvalidArguments", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		for _, a := range []struct {
			key, owner string
			ttl        time.Duration
		}{{"", "o", ttl}, {"k", "", ttl}, {"k", "o", 0}, {"k", "o", -time.Second}} {
			_, err := s.AcquireLease(c, a.key, a.owner, a.ttl)
			wantErr(t, "AcquireLease("+a.key+","+a.owner+","+a.ttl.String()+")", err, store.ErrInvalidArgument)
		}
	})
}
