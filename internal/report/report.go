// Package report renders a finding.Report in the output formats. Reporters are pure: they
// read no clock, environment or global state, and never sort (the report arrives sorted).
package report

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/dbaudit/scanner/internal/finding"
)

// Reporter writes one report in one format.
type Reporter interface {
	Write(ctx context.Context, w io.Writer, r *finding.Report) error
}

// Options configure reporters. Zero values are safe defaults.
type Options struct {
	// Color enables ANSI colour in the table format (only when writing to a terminal).
	Color bool
	// ProductARN overrides the ASFF ProductArn (default: the own-account default product).
	ProductARN string
	// Now is the clock for ASFF timestamps; injected so reporters stay deterministic.
	Now func() time.Time
	// BaseDir makes SARIF artifact URIs relative to it.
	BaseDir string
	// FailOn is the lowest severity whose failing findings fail the scan (--fail-on); the
	// zero value, Informational, counts every failing finding. Headlines follow it.
	FailOn finding.Severity
	// Width is the number of columns every line of the table format fits in (the terminal's
	// width, see OutputWidth); 0 means DefaultWidth.
	Width int
}

type constructor func(Options) Reporter

// registry is built per call, so the package keeps no mutable state.
func registry() map[string]constructor {
	return map[string]constructor{
		"table":    func(o Options) Reporter { return tableReporter{color: o.Color, width: o.Width} },
		"json":     func(Options) Reporter { return jsonReporter{} },
		"sarif":    func(o Options) Reporter { return sarifReporter{opts: o} },
		"asff":     func(o Options) Reporter { return asffReporter{opts: o} },
		"junit":    func(Options) Reporter { return junitReporter{} },
		"markdown": func(o Options) Reporter { return markdownReporter{failOn: o.FailOn} },
		"csv":      func(Options) Reporter { return csvReporter{} },
	}
}

// New returns the reporter for a format name.
func New(format string, opts Options) (Reporter, error) {
	c, ok := registry()[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %v)", format, Formats())
	}
	return c(opts), nil
}

// Formats lists the supported format names, sorted.
func Formats() []string {
	var names []string
	for n := range registry() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
