// Package journey holds the end-to-end tests that run the scanner binary the way a user
// does: the README's commands, every output format on every kind of input, bad input, output
// files and devices, and the live and Security Hub journeys against moto_server. The tests
// build ./cmd/scanner once and run it in temporary working directories.
package journey
