package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/dbaudit/scanner/internal/engine"
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
			tbl := tablewriter.NewTable(a.streams.Out,
				tablewriter.WithHeaderAutoFormat(tw.Off),
				tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
				tablewriter.WithRowAutoWrap(tw.WrapNone),
			)
			tbl.Header("ID", "Severity", "Security Hub", "Resource", "Title")
			for _, r := range eng.Rules() {
				if err := tbl.Append(r.ID, r.Severity.String(), strings.Join(r.SecurityHubControls(), ","), r.ResourceType, r.Title); err != nil {
					return withCode(ExitError, fmt.Errorf("write rules: %w", err))
				}
			}
			if err := tbl.Render(); err != nil {
				return withCode(ExitError, fmt.Errorf("write rules: %w", err))
			}
			params := eng.Parameters()
			keys := make([]string, 0, len(params))
			for k := range params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			fmt.Fprintf(a.streams.Out, "%s; parameters: %s\n", plural(len(eng.Rules()), "rule", "rules"), strings.Join(keys, ", "))
			return nil
		},
	}
	list.Flags().StringVarP(&format, "format", "f", "table", "table or json")
	list.Flags().StringArrayVar(&src.rulesDirs, "rules", nil, "also list the custom rules in `DIR`; repeatable")
	list.Flags().BoolVar(&src.noBuiltin, "no-builtin", false, "leave the built-in rules out")
	cmd.AddCommand(list, a.rulesTestCommand(), a.rulesDocCommand())
	return cmd
}
