#!/usr/bin/env bash
# Prints the CHANGELOG.md section of one version (its text, without the heading): the notes
# of that GitHub release (.github/workflows/release.yml).
#   scripts/release-notes.sh 0.2.0 [CHANGELOG.md]
# Fails when the changelog has no section "## VERSION" or "## VERSION (…)", or an empty one.
set -euo pipefail
version=${1:?usage: release-notes.sh VERSION [CHANGELOG]}
version=${version#v}
changelog=${2:-CHANGELOG.md}
notes=$(awk -v v="$version" '
	/^## / {
		h = substr($0, 4)
		in_section = (h == v || index(h, v " (") == 1)
		if (in_section) found = 1
		next
	}
	in_section { print }
	END { if (!found) exit 1 }
' "$changelog") || {
	echo "release-notes.sh: $changelog has no section \"## $version\"" >&2
	exit 1
}
# Trim blank lines at both ends.
notes=$(printf '%s\n' "$notes" | sed -e '/./,$!d')
if [ -z "${notes//[[:space:]]/}" ]; then
	echo "release-notes.sh: the section \"## $version\" of $changelog is empty" >&2
	exit 1
fi
printf '%s\n' "$notes"
