// Package cli is the netpolsim command line: flag parsing, loading, and the
// output formats of each command. cmd/netpolsim only calls Run.
package cli
