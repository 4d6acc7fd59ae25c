// Package buildinfo says which build of ccgw-bridge is running, for the `version` subcommand,
// /healthz and the ccgw_build_info metric: an operator looking at a misbehaving replica needs
// to know the revision before anything else.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version and revision are set at link time by `make build` and the Dockerfile:
//
//	-ldflags "-X github.com/ccgw-bridge/ccgw-bridge/buildinfo.version=v1.2.3
//	          -X github.com/ccgw-bridge/ccgw-bridge/buildinfo.revision=<commit>"
//
// Empty means the toolchain's own record is used: the module version for `go install …@v1.2.3`,
// "devel" for a build from a checkout, and the VCS stamp, which Go records only when building
// in a checkout with -buildvcs on (the Docker context has no .git, and GOFLAGS may turn it off).
var version, revision string

// Info describes one build.
type Info struct {
	Version   string // release name, or "devel"
	Revision  string // VCS commit, or "unknown" (go run and builds without .git record none)
	Time      string // commit time (RFC 3339), or ""
	Modified  bool   // built from a work tree with uncommitted changes
	GoVersion string // toolchain that built the binary
}

// Read reports the running binary's build.
func Read() Info {
	info := Info{Version: version, Revision: revision, GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Revision == "" {
					info.Revision = s.Value
				}
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if info.Version == "" {
		info.Version = "devel"
	}
	if info.Revision == "" {
		info.Revision = "unknown"
	}
	return info
}

// String is the one-line form printed by `ccgw-bridge version`.
func (i Info) String() string {
	rev := i.Revision
	if i.Modified {
		rev += " (modified)"
	}
	s := fmt.Sprintf("%s, revision %s", i.Version, rev)
	if i.Time != "" {
		s += ", committed " + i.Time
	}
	return s + ", " + i.GoVersion
}
