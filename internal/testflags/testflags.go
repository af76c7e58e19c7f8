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
