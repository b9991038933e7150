package cli

import (
	"context"
	"errors"

	"github.com/spf13/pflag"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// collectOptions are the live-collection flags shared by `collect` and `scan`.
type collectOptions struct{}

func addCollectFlags(_ *pflag.FlagSet, _ *collectOptions) {}

// collectLive collects a snapshot from the AWS accounts the options name.
func (a *app) collectLive(_ context.Context, _ *collectOptions) (*snapshot.Snapshot, error) {
	return nil, withCode(ExitError, errors.New("live collection is not available in this build; pass a snapshot file"))
}
