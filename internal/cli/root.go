// Package cli implements the scanner command line. Run is the whole program minus
// process setup, so tests drive it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/dbaudit/scanner/internal/buildinfo"
	"github.com/spf13/cobra"
)

// Exit codes (documented in the README).
const (
	ExitOK         = 0 // nothing failing at or above --fail-on
	ExitFindings   = 1 // failing findings at or above --fail-on
	ExitError      = 2 // usage, input or runtime error
	ExitIncomplete = 3 // nothing failing, but data could not be collected (collection gaps)
	// ExitInterrupted: the run was cancelled (Ctrl-C, SIGTERM), the shell's 128+SIGINT.
	ExitInterrupted = 130
)

// Version is the scanner's version as reports carry it (tool.version): the release version
// stamped at build time, a tagged module version, or "(devel)" (internal/buildinfo).
var Version = buildinfo.Read().Version

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
	err := unknownSubcommand(root, args)
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	if err == nil {
		return code
	}
	if ctx.Err() != nil {
		// The error is then a chain of "context canceled" from whatever was running.
		fmt.Fprintln(streams.Err, "scanner: interrupted")
		return ExitInterrupted
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
		Version:       buildinfo.Read().String(), // "scanner version 0.2.0, commit …, built …"
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitError, err) })
	app := &app{streams: streams, code: code}
	root.AddCommand(app.scanCommand(), app.rulesCommand(), app.pushCommand(), app.collectCommand())
	rejectUnknownSubcommands(root)
	return root
}

// rejectUnknownSubcommands makes every command that only groups subcommands (scanner,
// scanner rules) print its help when called alone and fail with a one-line usage error,
// naming cobra's suggestions, when called with an unknown subcommand. Cobra by default
// prints the help and exits 0 for `scanner rules lsit`.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only once it suggests itself
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return unknownCommandError(cmd, args[0])
	}
}

// unknownSubcommand finds a mistyped subcommand before cobra parses flags, which would
// otherwise report the first flag the group command does not know (`scanner scna --demo`:
// "unknown flag: --demo") instead of the command name.
func unknownSubcommand(root *cobra.Command, args []string) error {
	// Cobra adds these at execution; Find must see them too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd(args...)
	cmd, rest, err := root.Find(args)
	if err != nil || !cmd.HasSubCommands() {
		return nil
	}
	for _, a := range rest {
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "-") {
			return unknownCommandError(cmd, a)
		}
	}
	return nil
}

func unknownCommandError(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		for i := range s {
			s[i] = strconv.Quote(s[i])
		}
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	} else {
		msg += fmt.Sprintf("; see '%s --help'", cmd.CommandPath())
	}
	return withCode(ExitError, errors.New(msg))
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
