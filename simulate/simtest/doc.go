// Package simtest provides assertions about network reachability for the
// unit tests of applications, as net/http/httptest does for HTTP handlers:
// load a repository's manifests with [Load], then assert what may reach what
// with [Reachable], [Unreachable], [OnlyReachableFrom], [Isolated],
// [TruthTable] and [Golden].
//
//	func TestShopPolicies(t *testing.T) {
//		m := simtest.Load(t, "../deploy")
//		simtest.Reachable(t, m, "shop/app=frontend", "svc/shop/api", "http")
//		simtest.OnlyReachableFrom(t, m, []string{"shop/app=api"}, "shop/app=db", "5432")
//		simtest.Isolated(t, m, "shop/db-0")
//	}
//
// # Endpoints and ports
//
// Endpoints and ports are written as people type them at the command line
// and as [simulate.ParseEndpoint] and [simulate.ParsePortSpec] read them:
// "shop/db-0" (a pod), "shop/app=db" (the pods of a namespace that a label
// selector matches), "svc/shop/db" (a Service, as a destination: judged at
// its backends after port translation), "10.0.0.7" (an address);
// "5432", "53/UDP", "8000-8080", "http" (a named port, resolved at each
// destination pod).
//
// # Failures
//
// An assertion that does not hold fails the test with t.Errorf, and the test
// goes on; the message names the question and shows the explanation of every
// offending verdict ([simulate.Verdict.String]). A question that cannot be
// asked (an endpoint or port that does not parse, a pod or Service that does
// not exist, a malformed truth table) is a mistake in the test and stops it
// with t.Fatalf, with a message prefixed "simtest:" or the engine's
// "simulate:".
//
// A pod's traffic to itself is never judged: the engine allows it whatever
// the policies say (see [simulate.SelfTraffic]), and counting it would make
// "the api pods may not call the api Service" fail for the wrong reason.
// An endpoint that matches no pod (a selector or a Service without
// backends) leaves no pair to judge, and that fails Reachable and
// Unreachable alike: an assertion about no pair at all is more likely a typo
// than an intent.
//
// Every helper calls t.Helper, so that failures are reported at the line of
// the test that called it.
//
// # Golden files
//
// [Golden] compares a model's whole allow matrix with a file under testdata,
// and rewrites the file when the environment says so (SIMTEST_UPDATE=1 go
// test), or when the caller's tests define a flag -update and it is set.
// simtest defines no flag of its own; see [Update].
package simtest
