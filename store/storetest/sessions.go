package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

func sampleSession(agentID string) store.Session {
	return store.Session{
		AgentID: agentID, GUID: "guid-" + agentID + "-s3cr3t", Cookie: "LB=cookie-" + agentID + "-s3cr3t",
		PhoneNumber: "7" + agentID, SkillIDs: []int64{1, 7}, State: store.SessionActive,
		SignedInAt:   time.Date(2025, 3, 1, 8, 30, 15, 123000000, time.UTC),
		VoiceEnabled: true, TextEnabled: true, PasswordExpiresInDays: -1, RequestVerifier: "hmac-" + agentID,
	}
}

// sameSession compares every field but Revision, so a field added to store.Session that a
// backend forgets to keep fails the suite; times by instant, since a backend may serialise them.
func sameSession(a, b store.Session) bool {
	if !a.SignedInAt.Equal(b.SignedInAt) {
		return false
	}
	a.Revision, b.Revision = 0, 0
	a.SignedInAt, b.SignedInAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func testSessions(t *testing.T, newStore NewStoreFunc) {
	t.Run("PutGetRoundTrip", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		in := sampleSession("1001")
		in.LostReason, in.PasswordChangeRequired, in.State = "gateway signed the agent out", true, store.SessionLost
		put, err := s.PutSession(c, in)
		noErr(t, "PutSession", err)
		if put.Revision == 0 || !sameSession(put, in) {
			t.Fatalf("PutSession returned %+v (revision %d), want the input with a revision", put, put.Revision)
		}
		got, err := s.GetSession(c, "1001")
		noErr(t, "GetSession", err)
		if !sameSession(got, in) || got.Revision != put.Revision {
			t.Fatalf("GetSession = %+v rev %d, want %+v rev %d", got, got.Revision, in, put.Revision)
		}
	})
	t.Run("MissingIsNotFound", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		_, err := s.GetSession(c, "4242")
		wantErr(t, "GetSession(missing)", err, store.ErrNotFound)
		noErr(t, "DeleteSession(missing)", s.DeleteSession(c, "4242"))
	})
	t.Run("Delete", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		_, err := s.PutSession(c, sampleSession("1001"))
		noErr(t, "PutSession", err)
		noErr(t, "DeleteSession", s.DeleteSession(c, "1001"))
		_, err = s.GetSession(c, "1001")
		wantErr(t, "GetSession after delete", err, store.ErrNotFound)
		page, err := s.ListSessions(c, "", 10)
		noErr(t, "ListSessions", err)
		if len(page) != 0 {
			t.Fatalf("ListSessions after delete = %v, want empty", page)
		}
	})
	t.Run("Revisions", testRevisions(newStore))
	t.Run("NoAliasing", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		in := sampleSession("1001")
		put, err := s.PutSession(c, in)
		noErr(t, "PutSession", err)
		in.SkillIDs[0], put.SkillIDs[1] = 99, 98
		got, err := s.GetSession(c, "1001")
		noErr(t, "GetSession", err)
		if !slices.Equal(got.SkillIDs, []int64{1, 7}) {
			t.Fatalf("stored SkillIDs changed through a caller's slice: %v", got.SkillIDs)
		}
		got.SkillIDs[0] = 97
		again, err := s.GetSession(c, "1001")
		noErr(t, "GetSession", err)
		if !slices.Equal(again.SkillIDs, []int64{1, 7}) {
			t.Fatalf("stored SkillIDs changed through a returned slice: %v", again.SkillIDs)
		}
	})
	t.Run("List", testList(newStore))
	t.Run("InvalidArguments", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		_, err := s.PutSession(c, store.Session{})
		wantErr(t, "PutSession(empty agent id)", err, store.ErrInvalidArgument)
		for _, limit := range []int{0, -1} {
			_, err = s.ListSessions(c, "", limit)
			wantErr(t, fmt.Sprintf("ListSessions(limit %d)", limit), err, store.ErrInvalidArgument)
		}
	})
	t.Run("ErrorsHideSecrets", func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		in := sampleSession("1001")
		_, err := s.PutSession(c, in)
		noErr(t, "PutSession", err)
		stale := in
		stale.Revision = 1 << 60
		_, err = s.PutSession(c, stale)
		wantErr(t, "PutSession(stale)", err, store.ErrConflict)
		_, err2 := s.GetSession(c, "1002")
		for _, e := range []error{err, err2} {
			if e != nil && (strings.Contains(e.Error(), in.GUID) || strings.Contains(e.Error(), in.Cookie)) {
				t.Errorf("error %q carries a session secret", e)
			}
		}
	})
}

func testRevisions(newStore NewStoreFunc) func(*testing.T) {
	return func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		in := sampleSession("1001")
		first, err := s.PutSession(c, in)
		noErr(t, "PutSession", err)

		// A write with the current revision succeeds and yields a new one.
		in.Revision, in.PhoneNumber = first.Revision, "70000"
		second, err := s.PutSession(c, in)
		noErr(t, "PutSession(current revision)", err)
		if second.Revision == first.Revision || second.Revision == 0 {
			t.Fatalf("revision %d after a write at %d, want a new non-zero one", second.Revision, first.Revision)
		}

		// The old revision is now stale: refused, and the stored session is untouched.
		in.Revision, in.PhoneNumber = first.Revision, "71111"
		_, err = s.PutSession(c, in)
		wantErr(t, "PutSession(stale revision)", err, store.ErrConflict)
		got, err := s.GetSession(c, "1001")
		noErr(t, "GetSession", err)
		if got.Revision != second.Revision || got.PhoneNumber != "70000" {
			t.Fatalf("after a refused write the session is %+v rev %d", got, got.Revision)
		}

		// Revision 0 writes unconditionally, still with a new revision.
		in.Revision = 0
		third, err := s.PutSession(c, in)
		noErr(t, "PutSession(revision 0)", err)
		if third.Revision == second.Revision || third.Revision == first.Revision {
			t.Fatalf("unconditional write kept an old revision %d", third.Revision)
		}

		// A non-zero revision for a session that does not exist is stale, including a revision
		// read before a delete.
		other := sampleSession("1002")
		other.Revision = third.Revision
		_, err = s.PutSession(c, other)
		wantErr(t, "PutSession(revision for a missing session)", err, store.ErrConflict)
		noErr(t, "DeleteSession", s.DeleteSession(c, "1001"))
		in.Revision = third.Revision
		_, err = s.PutSession(c, in)
		wantErr(t, "PutSession(revision from before a delete)", err, store.ErrConflict)
		in.Revision = 0
		fourth, err := s.PutSession(c, in)
		noErr(t, "PutSession(recreate)", err)
		for _, old := range []uint64{first.Revision, second.Revision, third.Revision} {
			if fourth.Revision == old {
				t.Fatalf("recreated session reused revision %d", old)
			}
		}
	}
}

func testList(newStore NewStoreFunc) func(*testing.T) {
	return func(t *testing.T) {
		s, c := open(t, newStore, Options{}), ctx(t)
		// Ids whose string order differs from numeric order, inserted out of order.
		ids := []string{"999", "1000", "101", "1001", "10010", "102", "999999", "5000", "1002", "200"}
		for i := 300; i < 327; i++ {
			ids = append(ids, fmt.Sprint(i*7))
		}
		for _, id := range ids {
			_, err := s.PutSession(c, sampleSession(id))
			noErr(t, "PutSession "+id, err)
		}
		want := slices.Clone(ids)
		slices.SortFunc(want, store.CompareAgentIDs) // numeric: "999" before "1000"
		if want[0] != "101" || want[len(want)-1] != "999999" || slices.Index(want, "999") > slices.Index(want, "1000") {
			t.Fatalf("CompareAgentIDs does not order numerically: %v", want)
		}
		for _, limit := range []int{1, 3, 10, len(ids), len(ids) + 5} {
			var got []string
			after := ""
			for page := 0; ; page++ {
				if page > len(ids)+1 {
					t.Fatalf("limit %d: listing does not end", limit)
				}
				res, err := s.ListSessions(c, after, limit)
				noErr(t, "ListSessions", err)
				if len(res) > limit {
					t.Fatalf("limit %d: page of %d", limit, len(res))
				}
				if len(res) == 0 {
					break
				}
				for _, r := range res {
					if r.Revision == 0 || r.GUID == "" {
						t.Fatalf("listed session %+v lacks its revision or fields", r)
					}
					got = append(got, r.AgentID)
				}
				after = res[len(res)-1].AgentID
			}
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d: listed %v, want %v", limit, got, want)
			}
		}
		// after need not be a stored id.
		res, err := s.ListSessions(c, "998", 2)
		noErr(t, "ListSessions", err)
		if len(res) != 2 || res[0].AgentID != "999" || res[1].AgentID != "1000" {
			t.Fatalf("ListSessions(after 998) = %v", res)
		}
	}
}
