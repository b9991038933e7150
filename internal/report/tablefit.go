package report

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"golang.org/x/term"
)

// DefaultWidth is the table width when none is known: output that is not a terminal, with
// no $COLUMNS (CI logs, pipes, files).
const DefaultWidth = 120

// minWideColumn is the room the wide layouts need for each of their two long-text columns
// (Resource and Detail, or Resource and Why); with less, a compact layout that stacks the
// short columns into the long ones reads better.
const minWideColumn = 30

// OutputWidth is the width a table should fit: the terminal's width when the table goes to
// w and w is a terminal, else columns (the value of $COLUMNS) when it is a positive number,
// else 0, which the table reporter takes as DefaultWidth. toFile says the table goes to a
// file, whose width does not depend on the terminal that wrote it.
func OutputWidth(w io.Writer, toFile bool, columns string) int {
	if f, ok := w.(*os.File); ok && !toFile && term.IsTerminal(int(f.Fd())) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			return width
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(columns)); err == nil && n > 0 {
		return n
	}
	return 0
}

// wrapMode says how a column's cells may wrap.
type wrapMode int

const (
	wrapAnywhere wrapMode = iota // at spaces, and inside words longer than the column
	wrapWords                    // at spaces only: rule id lists
	wrapNever                    // statuses, rule ids
)

// fittedTable is a table whose cells are wrapped to fit a width before tablewriter draws it.
type fittedTable struct {
	headers []string
	// modes holds the wrap mode of the leading columns; the others wrap anywhere.
	modes []wrapMode
	rows  [][]string
}

func (t fittedTable) mode(i int) wrapMode {
	if i < len(t.modes) {
		return t.modes[i]
	}
	return wrapAnywhere
}

// naturalWidths is each column's widest line, header included, in display columns.
func (t fittedTable) naturalWidths() []int {
	widths := t.contentWidths(maxLineWidth)
	for i, h := range t.headers {
		widths[i] = max(widths[i], maxLineWidth(h))
	}
	return widths
}

// contentWidths measures each column's cells (not the header) with measure.
func (t fittedTable) contentWidths(measure func(string) int) []int {
	widths := make([]int, len(t.headers))
	for _, row := range t.rows {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], measure(cell))
			}
		}
	}
	return widths
}

// tableOverhead is what borders and padding take in a row of n columns: "| a | b |".
func tableOverhead(n int) int { return 3*n + 1 }

// columnWidths fits the columns into width. Headers wrap first (each column needs its
// content and its header's longest word); then wrapping columns share what the unwrapped
// ones leave, narrow columns first, so only the widest ones wrap (max-min fairness). A
// column is never narrower than what its mode forbids breaking, so a table of such columns
// may still exceed a very small width.
func (t fittedTable) columnWidths(width int) []int {
	budget := width - tableOverhead(len(t.headers))
	natural := t.naturalWidths()
	if sum(natural) <= budget {
		return natural
	}
	need := t.contentWidths(maxLineWidth)
	for i, h := range t.headers {
		need[i] = max(need[i], longestWord(h))
	}
	if sum(need) <= budget {
		return need
	}
	floor := make([]int, len(need))
	words := t.contentWidths(longestWord)
	var flex []int
	for i := range need {
		switch t.mode(i) {
		case wrapNever:
			floor[i] = need[i]
			budget -= need[i]
			continue
		case wrapWords:
			floor[i] = max(words[i], longestWord(t.headers[i]))
		default:
			floor[i] = 1
		}
		flex = append(flex, i)
	}
	// Every wrapping column first gets its floor; what is left goes to what they need beyond
	// it, the smallest needs first.
	widths := slices.Clone(need)
	for _, i := range flex {
		widths[i] = floor[i]
		budget -= floor[i]
	}
	slices.SortStableFunc(flex, func(a, b int) int { return (need[a] - floor[a]) - (need[b] - floor[b]) })
	for k, i := range flex {
		extra := min(need[i]-floor[i], max(budget, 0)/(len(flex)-k))
		widths[i] += extra
		budget -= extra
	}
	return widths
}

// renderFitted draws the table with ASCII borders, every cell wrapped to its column's width,
// followed by a blank line.
func renderFitted(w io.Writer, width int, t fittedTable) error {
	widths := t.columnWidths(width)
	tbl := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		// Cells arrive wrapped; tablewriter's own wrapping would widen a column to its
		// longest word (an ARN) instead of breaking it.
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	headers := make([]any, len(t.headers))
	for i, h := range t.headers {
		headers[i] = wrapCell(h, widths[i])
	}
	tbl.Header(headers...)
	for _, row := range t.rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = c
			if i < len(widths) && t.mode(i) != wrapNever {
				cells[i] = wrapCell(c, widths[i])
			}
		}
		if err := tbl.Append(cells); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// longestWord is the display width of the widest space-separated word in s.
func longestWord(s string) int {
	widest := 0
	for _, word := range strings.Fields(s) {
		widest = max(widest, twwidth.Width(word))
	}
	return widest
}

func maxLineWidth(s string) int {
	widest := 0
	for line := range strings.SplitSeq(s, "\n") {
		widest = max(widest, twwidth.Width(line))
	}
	return widest
}

// wrapSummary wraps the summary line to width, after a ';' first.
func wrapSummary(s string, width int) string {
	if twwidth.Width(s) <= width {
		return s
	}
	return wrapCell(strings.ReplaceAll(s, "; ", ";\n"), width)
}

// wrapCell wraps each line of s to width display columns: at spaces, and inside a word
// longer than the width (ARNs, paths) after a separator such as ':' or '/', else anywhere.
// No character is added or removed other than the spaces a line break replaces.
func wrapCell(s string, width int) string {
	if width <= 0 {
		return s
	}
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if twwidth.Width(line) <= width {
			out = append(out, line)
			continue
		}
		cur := ""
		for _, word := range strings.Fields(line) {
			switch {
			case twwidth.Width(word) > width:
				if cur != "" {
					out = append(out, cur)
				}
				pieces := breakWord(word, width)
				out = append(out, pieces[:len(pieces)-1]...)
				cur = pieces[len(pieces)-1]
			case cur == "":
				cur = word
			case twwidth.Width(cur)+1+twwidth.Width(word) <= width:
				cur += " " + word
			default:
				out = append(out, cur)
				cur = word
			}
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	return strings.Join(out, "\n")
}

// breakWord cuts a word into pieces of at most width display columns. It cuts after a ':' or
// '/' (ARN and path parts), else after another separator, else before a capital letter that
// follows a small one (API operation names), else anywhere; a cut that would leave less
// than half the width on the line is not taken.
func breakWord(word string, width int) []string {
	const (
		anywhere = iota
		camel
		weak
		strong
	)
	var pieces []string
	rest := []rune(word)
	for twwidth.Width(string(rest)) > width {
		var best [strong + 1]int // the last cut of each kind, as a rune count
		used := 0
		for i, r := range rest {
			rw := twwidth.Width(string(r))
			if used+rw > width {
				break
			}
			if i > 0 && unicode.IsUpper(r) && unicode.IsLower(rest[i-1]) && used*2 >= width {
				best[camel] = i
			}
			used += rw
			best[anywhere] = i + 1
			if used*2 >= width {
				switch {
				case r == ':' || r == '/':
					best[strong] = i + 1
				case strings.ContainsRune(",;=-_.&?", r):
					best[weak] = i + 1
				}
			}
		}
		cut := max(best[anywhere], 1) // 1: a character wider than the column
		for kind := strong; kind > anywhere; kind-- {
			if best[kind] > 0 {
				cut = best[kind]
				break
			}
		}
		pieces = append(pieces, string(rest[:cut]))
		rest = rest[cut:]
	}
	return append(pieces, string(rest))
}

// RenderTable draws a table of plain text that fits width (0: DefaultWidth) the way the
// table format does: the first fixed columns never wrap (identifiers), the others wrap at
// spaces and, for long words, after a separator. Other commands' tables use it.
func RenderTable(w io.Writer, width int, headers []string, rows [][]string, fixed int) error {
	if width <= 0 {
		width = DefaultWidth
	}
	modes := make([]wrapMode, fixed)
	for i := range modes {
		modes[i] = wrapNever
	}
	return renderFitted(w, width, fittedTable{headers: headers, modes: modes, rows: rows})
}

// WrapText wraps a line of prose to width (0: DefaultWidth) as table cells wrap.
func WrapText(s string, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}
	return wrapCell(s, width)
}
