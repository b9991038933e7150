// Package rules embeds the built-in rule pack: one directory per rule under aws/, shared
// Rego functions under lib/. Files ending _test.rego are embedded too (the rule tests run
// from Go); the engine leaves them out when it loads rules.
package rules

import "embed"

// FS holds the built-in rules.
//
//go:embed aws lib
var FS embed.FS
