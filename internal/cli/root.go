// Package cli implements the scanner command line. Run is the whole program minus
// process setup, so tests drive it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes (documented in the README).
const (
	ExitOK         = 0 // nothing failing at or above --fail-on
	ExitFindings   = 1 // failing findings at or above --fail-on
	ExitError      = 2 // usage, input or runtime error
	ExitIncomplete = 3 // nothing failing, but data could not be collected (collection gaps)
)

// Version is the scanner's version, set at build time with -ldflags.
var Version = "0.1.0-dev"

// Streams are the process's standard streams.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// exitError carries an exit code out of a cobra command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to an error.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// Run executes the scanner with args and returns the process exit code.
func Run(ctx context.Context, args []string, streams Streams) int {
	var code int
	root := newRootCommand(streams, &code)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return code
	}
	fmt.Fprintf(streams.Err, "scanner: %s\n", oneLine(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitError
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newRootCommand(streams Streams, code *int) *cobra.Command {
	root := &cobra.Command{
		Use:           "scanner",
		Short:         "Compliance scanner for the database audit trail on AWS",
		Long:          "scanner checks that Aurora and RDS databases on AWS leave an audit trail an auditor can rely on:\naudit parameters, log exports, CloudWatch log groups, Activity Streams and CloudTrail.",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitError, err) })
	app := &app{streams: streams, code: code}
	root.AddCommand(app.scanCommand(), app.rulesCommand(), app.pushCommand(), app.collectCommand())
	return root
}

// app is the state shared by the commands of one Run.
type app struct {
	streams Streams
	code    *int
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
