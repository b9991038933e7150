// Package scanner holds the embedded demo snapshot; the program is in cmd/scanner.
package scanner

import _ "embed"

// DemoSnapshotName is how reports name the embedded demo input.
const DemoSnapshotName = "testdata/demo/snapshot.json"

// DemoSnapshot is a realistic demo account (Aurora MySQL, Aurora PostgreSQL, RDS MySQL,
// RDS PostgreSQL, log groups, trails) that exercises every rule both ways.
//
//go:embed testdata/demo/snapshot.json
var DemoSnapshot []byte
