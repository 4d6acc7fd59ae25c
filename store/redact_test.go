package store

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestSessionNeverPrintsSecrets(t *testing.T) {
	const guid, cookie = "guid-7f3c9a-secret", "JSESSIONID=cookie-secret-42"
	s := Session{AgentID: "1001", GUID: guid, Cookie: cookie, PhoneNumber: "71001", SkillIDs: []int64{1, 2},
		State: SessionActive, SignedInAt: time.Unix(1700000000, 0).UTC(), Revision: 3}

	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		slog.New(h).Info("session", "s", s, "p", &s)
	}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", s), "%+v": fmt.Sprintf("%+v", s), "%#v": fmt.Sprintf("%#v", s),
		"%v pointer": fmt.Sprintf("%v", &s), "slog": logs.String(),
		//lint:ignore S1025 the test is about what the %s verb prints
		"%s":         fmt.Sprintf("%s", s),
		"in a slice": fmt.Sprintf("%v", []Session{s}),
	}
	for name, out := range outputs {
		if strings.Contains(out, guid) || strings.Contains(out, cookie) {
			t.Errorf("%s leaks a secret: %s", name, out)
		}
		if !strings.Contains(out, "1001") || !strings.Contains(out, redacted) {
			t.Errorf("%s lost the useful fields or the redaction marker: %s", name, out)
		}
	}
}

func TestRetentionWithDefaults(t *testing.T) {
	tests := []struct {
		in, want Retention
	}{
		{Retention{}, Retention{DefaultMaxEvents, DefaultMaxAge}},
		{Retention{MaxEvents: -1, MaxAge: -time.Second}, Retention{DefaultMaxEvents, DefaultMaxAge}},
		{Retention{MaxEvents: 5, MaxAge: time.Minute}, Retention{5, time.Minute}},
	}
	for _, tt := range tests {
		if got := tt.in.WithDefaults(); got != tt.want {
			t.Errorf("%+v.WithDefaults() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
