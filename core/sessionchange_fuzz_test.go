package core

import (
	"testing"
	"unicode/utf8"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// FuzzDecodeChange: a session change's content comes back from the store, which another
// replica, an older release or a damaged record may have written; any bytes must decode to a
// change (of unknown kind at worst) without panicking, and what the bridge writes must read back
// the same.
func FuzzDecodeChange(f *testing.F) {
	f.Add(int(store.SessionLost), int(ChangeGUIDRefused), "refused", []byte(`{"state":"LOST","reason":"GUID_REFUSED"}`))
	f.Add(0, int(ChangeSignedOut), "", []byte(`null`))
	f.Add(int(store.SessionActive), int(ChangeSignedIn), "", []byte(`{"state":7}`))
	f.Fuzz(func(t *testing.T, state, reason int, detail string, raw []byte) {
		if _, ok := decodeChange(&store.Event{Type: SessionChangeType, Content: raw}); !ok {
			t.Fatal("a session-change record was not recognised")
		}
		want := SessionChange{State: store.SessionState(state), Reason: ChangeReason(reason), Detail: detail}
		if _, ok := sessionStateNames[want.State]; !ok {
			return
		}
		if _, ok := changeNames[want.Reason]; !ok || !utf8.ValidString(detail) { // markLost makes details valid
			return
		}
		ev, err := encodeChange(want)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := decodeChange(&ev); got != want {
			t.Fatalf("round trip of %+v gave %+v", want, got)
		}
	})
}
