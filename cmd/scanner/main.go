// Command scanner checks the database audit trail of AWS accounts (Aurora, RDS, CloudWatch
// Logs, CloudTrail) against a Rego rule pack.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dbaudit/scanner/internal/cli"
)

func main() {
	// The first Ctrl-C (or SIGTERM) cancels ctx: the run stops, leaves no partial output
	// file, prints "scanner: interrupted" and exits 130. Once ctx is cancelled the handler
	// is removed, so a second Ctrl-C kills the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.Run(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
