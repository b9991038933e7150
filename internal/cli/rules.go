package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dbaudit/scanner/internal/engine"
	"github.com/dbaudit/scanner/internal/report"
)

func (a *app) rulesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "List, test and document rules"}
	var format string
	var src policyOptions
	list := &cobra.Command{
		Use:   "list",
		Short: "List the rules with their severity and compliance mappings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sources, err := ruleSources(&src)
			if err != nil {
				return withCode(ExitError, err)
			}
			eng, err := engine.New(cmd.Context(), sourceOptions(sources)...)
			if err != nil {
				return withCode(ExitError, fmt.Errorf("load rules: %w", err))
			}
			switch format {
			case "json":
				enc := json.NewEncoder(a.streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(eng.Rules()); err != nil {
					return withCode(ExitError, fmt.Errorf("write rules: %w", err))
				}
				return nil
			case "table":
			default:
				return withCode(ExitError, fmt.Errorf("--format: unknown format %q (want table or json)", format))
			}
			width := report.OutputWidth(a.streams.Out, false, os.Getenv("COLUMNS"))
			var rows [][]string
			for _, r := range eng.Rules() {
				rows = append(rows, []string{r.ID, r.Severity.String(), strings.Join(r.SecurityHubControls(), ","), r.ResourceType, r.Title})
			}
			if err := report.RenderTable(a.streams.Out, width, []string{"ID", "Severity", "Security Hub", "Resource", "Title"}, rows, 2); err != nil {
				return withCode(ExitError, fmt.Errorf("write rules: %w", err))
			}
			params := eng.Parameters()
			keys := make([]string, 0, len(params))
			for k := range params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			fmt.Fprintln(a.streams.Out, report.WrapText(fmt.Sprintf("%s; parameters: %s", plural(len(eng.Rules()), "rule", "rules"), strings.Join(keys, ", ")), width))
			return nil
		},
	}
	list.Flags().StringVarP(&format, "format", "f", "table", "table or json")
	list.Flags().StringArrayVar(&src.rulesDirs, "rules", nil, "also list the custom rules in `DIR`; repeatable")
	list.Flags().BoolVar(&src.noBuiltin, "no-builtin", false, "leave the built-in rules out")
	cmd.AddCommand(list, a.rulesTestCommand(), a.rulesDocCommand())
	return cmd
}
