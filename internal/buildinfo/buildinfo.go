// Package buildinfo tells which build of the scanner is running: the version, commit and date
// stamped by the release build, or else what the Go toolchain recorded in the binary.
package buildinfo

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
)

// Stamped by the release build (.goreleaser.yaml) with
//
//	-ldflags "-X github.com/dbaudit/scanner/internal/buildinfo.version=0.2.0
//	          -X github.com/dbaudit/scanner/internal/buildinfo.commit=<sha>
//	          -X github.com/dbaudit/scanner/internal/buildinfo.date=<RFC 3339>"
//
// They stay empty in `go install` and `go build` builds.
var (
	version string
	commit  string
	date    string
)

// Devel is the version of a build that no release stamped and that is no tagged module
// version: a clone built with `go build`, or `go install …@<commit>`.
const Devel = "(devel)"

// Info describes one build.
type Info struct {
	// Version is the release version without a leading "v" ("0.2.0"), or Devel.
	Version string
	// Commit is the full VCS revision, or "" when the build does not record it.
	Commit string
	// Date is when the release was built or, for other builds, the commit's time (RFC 3339);
	// "" when unknown.
	Date string
	// Modified tells that the work tree had uncommitted changes (go build in a clone).
	Modified bool
	// Stamped tells that the release build set Version, Commit and Date.
	Stamped bool
}

// Read returns the running binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, bi)
}

// resolve prefers the release stamp; without one it takes what the Go toolchain recorded:
// a tagged module version (`go install …@v0.2.0`) is the version; any other build is
// Devel, with the commit and its time from the vcs.* settings (go build in a clone) or the
// commit named in a pseudo-version (`go install …@<commit>`).
func resolve(stampVersion, stampCommit, stampDate string, bi *debug.BuildInfo) Info {
	if v := strings.TrimSpace(stampVersion); v != "" {
		return Info{Version: strings.TrimPrefix(v, "v"), Commit: strings.TrimSpace(stampCommit),
			Date: strings.TrimSpace(stampDate), Stamped: true}
	}
	info := Info{Version: Devel}
	if bi == nil {
		return info
	}
	mv := bi.Main.Version
	if tagged(mv) {
		info.Version = strings.TrimPrefix(mv, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Date = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if info.Commit == "" {
		if m := pseudo.FindStringSubmatch(mv); m != nil {
			info.Commit = m[1]
		}
	}
	if strings.HasSuffix(mv, "+dirty") {
		info.Modified = true
	}
	return info
}

// pseudo matches the tail of a Go pseudo-version (v0.0.0-20260102150405-0123456789ab),
// capturing the abbreviated commit.
var pseudo = regexp.MustCompile(`[-.](?:0\.)?\d{14}-([0-9a-f]{12})(?:\+dirty)?$`)

// semver matches a release or pre-release module version, without build metadata.
var semver = regexp.MustCompile(`^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$`)

// tagged reports whether a module version names a tag rather than a commit.
func tagged(v string) bool {
	return semver.MatchString(v) && !pseudo.MatchString(v)
}

// String is the --version text after "scanner version ": "0.2.0, commit 0123…, built
// 2026-12-08T10:00:00Z" for a release, "(devel), commit 0123… (modified), committed
// 2026-12-07T09:00:00Z" for a build from a clone, "0.2.0, commit unknown, build date
// unknown" for `go install …@v0.2.0`.
func (i Info) String() string {
	c := i.Commit
	if c == "" {
		c = "unknown"
	}
	if i.Modified {
		c += " (modified)"
	}
	var when string
	switch {
	case i.Stamped && i.Date != "":
		when = "built " + i.Date
	case i.Date != "":
		when = "committed " + i.Date
	default:
		when = "build date unknown"
	}
	return fmt.Sprintf("%s, commit %s, %s", i.Version, c, when)
}
