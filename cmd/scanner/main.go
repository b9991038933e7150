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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
