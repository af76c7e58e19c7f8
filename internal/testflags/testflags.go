// Package testflags lets a package's tests raise rapid's default number of
// checks, so that the plain `go test ./...` runs a property as often as it
// must run to matter, while -rapid.checks on the command line still wins.
package testflags

import "flag"

// DefaultChecks sets -rapid.checks to n unless the command line set it.
// Call it from TestMain after flag.Parse.
func DefaultChecks(n string) {
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "rapid.checks" {
			set = true
		}
	})
	if f := flag.Lookup("rapid.checks"); f != nil && !set {
		if err := f.Value.Set(n); err != nil {
			panic("testflags: " + err.Error())
		}
	}
}
