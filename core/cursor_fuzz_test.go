package core

import "testing"

// FuzzParseCursor: resume_after comes from clients; any string must parse or fail cleanly, and
// what parses must round-trip.
func FuzzParseCursor(f *testing.F) {
	f.Add(cursor{epoch: "a1b2c3d4", pos: 42}.String())
	f.Add(cursor{epoch: "", pos: 0}.String())
	f.Add("")
	f.Add("!!!")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("round trip of %q: got %+v, %v; want %+v", s, again, err, c)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []cursor{{"e", 0}, {"0123456789abcdef", 1}, {"x", ^uint64(0)}} {
		got, err := parseCursor(c.String())
		if err != nil || got != c {
			t.Errorf("parse(%v) = %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"", "AA", "not base64!", cursor{"e", 5}.String() + "A"} {
		if _, err := parseCursor(bad); err == nil {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}
