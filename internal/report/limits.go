package report

import (
	"strings"
	"unicode/utf8"
)

// ellipsis marks a value that was cut to fit a limit. ASCII, so it costs 3 bytes escaped.
const ellipsis = "..."

// escapedLen is the length of s once encoded as a JSON string body (without the quotes),
// counted the most expensive way any encoder on the path may write it: HTML-escaped
// (<, >, & as \u003c), U+2028/U+2029 escaped and control characters as \u00XX.
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		n += escapedRuneLen(r)
	}
	return n
}

func escapedRuneLen(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
		return 2
	case r < 0x20 || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029:
		return 6
	case r == utf8.RuneError:
		return 3
	}
	return utf8.RuneLen(r)
}

// fit returns s cut so that its JSON-escaped form is at most max bytes: limits are checked
// after escaping (trivy#1896 truncated before escaping and overflowed). The cut falls on a
// rune boundary and ends in "...". Invalid UTF-8 is replaced first, and trailing blanks left
// by the cut are trimmed. The result may be blank when s is; callers pick a fallback.
func fit(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if escapedLen(s) <= max {
		return s
	}
	budget := max - len(ellipsis)
	if budget <= 0 {
		return ellipsis[:max]
	}
	n, cut := 0, 0
	for i, r := range s {
		l := escapedRuneLen(r)
		if n+l > budget {
			break
		}
		n += l
		cut = i + utf8.RuneLen(r)
	}
	return strings.TrimRight(s[:cut], " \t\r\n") + ellipsis
}

// blank reports whether s has no non-space character (ASFF's NonEmptyString is .*\S.*).
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// firstNonBlank returns the first value that is not blank, or "".
func firstNonBlank(vals ...string) string {
	for _, v := range vals {
		if !blank(v) {
			return v
		}
	}
	return ""
}

// oneLineText folds all whitespace runs (newlines included) into single spaces.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
