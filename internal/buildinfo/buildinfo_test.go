package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(mainVersion string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/dbaudit/scanner", Version: mainVersion}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name                   string
		stampV, stampC, stampD string
		bi                     *debug.BuildInfo
		want                   Info
		text                   string
	}{
		{name: "release stamp wins over build info", stampV: "v0.2.0", stampC: sha, stampD: "2026-12-08T10:00:00Z",
			bi:   vcs("(devel)", "vcs.revision", "ffff", "vcs.modified", "true"),
			want: Info{Version: "0.2.0", Commit: sha, Date: "2026-12-08T10:00:00Z", Stamped: true},
			text: "0.2.0, commit " + sha + ", built 2026-12-08T10:00:00Z"},
		{name: "snapshot stamp", stampV: "0.2.0-SNAPSHOT-0123456", stampC: sha,
			want: Info{Version: "0.2.0-SNAPSHOT-0123456", Commit: sha, Stamped: true},
			text: "0.2.0-SNAPSHOT-0123456, commit " + sha + ", build date unknown"},
		{name: "go build in a clone, no tag (devel)",
			bi:   vcs("(devel)", "vcs", "git", "vcs.revision", sha, "vcs.time", "2026-12-07T09:00:00Z", "vcs.modified", "false"),
			want: Info{Version: Devel, Commit: sha, Date: "2026-12-07T09:00:00Z"},
			text: "(devel), commit " + sha + ", committed 2026-12-07T09:00:00Z"},
		{name: "go build in a modified clone: pseudo-version is devel",
			bi:   vcs("v0.0.0-20261207090000-0123456789ab+dirty", "vcs.revision", sha, "vcs.time", "2026-12-07T09:00:00Z", "vcs.modified", "true"),
			want: Info{Version: Devel, Commit: sha, Date: "2026-12-07T09:00:00Z", Modified: true},
			text: "(devel), commit " + sha + " (modified), committed 2026-12-07T09:00:00Z"},
		{name: "go install at a commit: the pseudo-version names it",
			bi:   vcs("v0.1.1-0.20261207090000-0123456789ab"),
			want: Info{Version: Devel, Commit: "0123456789ab"},
			text: "(devel), commit 0123456789ab, build date unknown"},
		{name: "pseudo-version after a pre-release",
			bi:   vcs("v0.2.0-rc.1.0.20261207090000-0123456789ab"),
			want: Info{Version: Devel, Commit: "0123456789ab"}},
		{name: "go install of a tag",
			bi:   vcs("v0.2.0"),
			want: Info{Version: "0.2.0"},
			text: "0.2.0, commit unknown, build date unknown"},
		{name: "go install of a pre-release tag",
			bi:   vcs("v0.2.0-rc.1"),
			want: Info{Version: "0.2.0-rc.1"}},
		{name: "go build at a tag in a clone", bi: vcs("v0.2.0", "vcs.revision", sha, "vcs.time", "2026-12-07T09:00:00Z"),
			want: Info{Version: "0.2.0", Commit: sha, Date: "2026-12-07T09:00:00Z"}},
		{name: "no build info", want: Info{Version: Devel}, text: "(devel), commit unknown, build date unknown"},
		{name: "blank stamp is no stamp", stampV: "  ", bi: vcs("(devel)"), want: Info{Version: Devel}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.stampV, tt.stampC, tt.stampD, tt.bi)
			if got != tt.want {
				t.Errorf("resolve = %+v, want %+v", got, tt.want)
			}
			if tt.text != "" && got.String() != tt.text {
				t.Errorf("String() = %q, want %q", got.String(), tt.text)
			}
		})
	}
}

// TestReadInTestBinary: a test binary carries no stamp and no tag, so it is a devel build.
func TestReadInTestBinary(t *testing.T) {
	if got := Read(); got.Version != Devel || got.Stamped {
		t.Errorf("Read() = %+v, want an unstamped %s build", got, Devel)
	}
}
