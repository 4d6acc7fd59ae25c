package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

func TestReadDefaults(t *testing.T) {
	got := Read()
	if got.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %q, want %q", got.GoVersion, runtime.Version())
	}
	// A test binary has no VCS stamp and a "(devel)" main module: neither may leak through as a
	// version an operator would take for a release.
	if got.Version != "devel" || got.Revision != "unknown" {
		t.Errorf("Read() = %+v, want version devel and revision unknown", got)
	}
}

func TestLinkTimeValuesWin(t *testing.T) {
	oldV, oldR := version, revision
	t.Cleanup(func() { version, revision = oldV, oldR })
	version, revision = "v1.2.3", "0123abc"
	if got := Read(); got.Version != "v1.2.3" || got.Revision != "0123abc" {
		t.Errorf("Read() = %+v, want the -ldflags values v1.2.3 and 0123abc", got)
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   Info
		want string
	}{
		{Info{Version: "v1.0.0", Revision: "abc", GoVersion: "go1.26.8"}, "v1.0.0, revision abc, go1.26.8"},
		{Info{Version: "devel", Revision: "abc", Modified: true, Time: "2026-12-02T10:00:00Z", GoVersion: "go1.26.8"},
			"devel, revision abc (modified), committed 2026-12-02T10:00:00Z, go1.26.8"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.in, got, tc.want)
		}
		if !strings.Contains(tc.in.String(), tc.in.Revision) {
			t.Errorf("revision missing from %q", tc.in.String())
		}
	}
}
