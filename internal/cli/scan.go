package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func (a *app) scanCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Evaluate the rules against snapshots or exported configuration",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCode(ExitError, errors.New("scan: being written"))
		},
	}
}

func (a *app) rulesCommand() *cobra.Command {
	return &cobra.Command{Use: "rules", Short: "List and test rules"}
}
