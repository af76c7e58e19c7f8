// Package testflags lets a package's tests raise rapid's default number of
// checks, so that the plain `go test ./...` runs a property as often as it
// must run to matter, while -rapid.checks on the command line still wins.
package testflags
