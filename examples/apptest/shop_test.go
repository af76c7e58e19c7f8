package apptest

import (
	"testing"

	"github.com/netpolsim/netpolsim/simulate/simtest"
)

// The manifests under test: a three-tier shop (frontend → api → db) with a
// default deny in namespace shop, DNS egress to kube-system, and CoreDNS.
const manifests = "../manifests/shop"

// TestShopReachability is the test a team keeps next to its manifests: the
// paths the application needs are open, and the database is reachable from
// the api only.
func TestShopReachability(t *testing.T) {
	m := simtest.Load(t, manifests)

	// The frontend reaches the api's http port, through the Service too
	// (port 80 of svc/shop/api targets the pods' named port http).
	simtest.Reachable(t, m, "shop/app=frontend", "shop/app=api", "http")
	simtest.Reachable(t, m, "shop/app=frontend", "svc/shop/api", "80")

	// The api reaches postgres.
	simtest.Reachable(t, m, "shop/app=api", "shop/db-0", "5432")

	// Nothing but the api reaches the database on 5432: not the frontend,
	// not CoreDNS, and no pod added later unless this test changes.
	simtest.OnlyReachableFrom(t, m, []string{"shop/app=api"}, "shop/db-0", "5432")
	simtest.Unreachable(t, m, "shop/app=frontend", "svc/shop/db", "pg")

	// Every pod of the shop may resolve names, over UDP and TCP.
	simtest.Reachable(t, m, "shop/tier in (web,backend,data)", "kube-system/coredns-0", "53/UDP")
	simtest.Reachable(t, m, "shop/tier in (web,backend,data)", "kube-system/coredns-0", "53/TCP")

	// The database is isolated both ways: a policy must allow whatever it
	// sends and receives.
	simtest.Isolated(t, m, "shop/db-0")
	simtest.Isolated(t, m, "shop/api-0", simtest.Egress)
}

// TestShopPostgresTruthTable states the whole picture on 5432 at a glance,
// in the format of the upstream e2e tests (and of
// netpolsim matrix -o truthtable --port 5432). A pod reaches itself.
func TestShopPostgresTruthTable(t *testing.T) {
	m := simtest.Load(t, manifests)
	simtest.TruthTable(t, m, "5432", `
		-                     kube-system/coredns-0 shop/api-0 shop/api-1 shop/db-0 shop/frontend-0 shop/frontend-1
		kube-system/coredns-0 .                     X          X          X         X               X
		shop/api-0            X                     .          X          .         X               X
		shop/api-1            X                     X          .          .         X               X
		shop/db-0             X                     X          X          .         X               X
		shop/frontend-0       X                     X          X          X         .               X
		shop/frontend-1       X                     X          X          X         X               .
	`)
}

// TestShopMatrixGolden pins the whole allow matrix in testdata/shop.golden.
// A change to the manifests that opens or closes anything fails it with the
// lines that differ; after review, accept the change with
//
//	SIMTEST_UPDATE=1 go test ./examples/apptest -run Golden
func TestShopMatrixGolden(t *testing.T) {
	m := simtest.Load(t, manifests)
	simtest.Golden(t, m, "testdata/shop.golden")
}
