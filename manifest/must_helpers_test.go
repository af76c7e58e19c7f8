package manifest_test

import (
	"github.com/netpolsim/netpolsim/simulate"
)

// mustPorts returns the ports of a Matrix.Ports call whose pods the test
// knows exist; an error is a bug in the test, so it panics (rapid and the
// testing package both report a panic as a failure).
func mustPorts(p simulate.PortSet, err error) simulate.PortSet {
	if err != nil {
		panic(err)
	}
	return p
}
