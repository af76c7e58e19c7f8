// Package apptest shows how an application's repository tests its network
// policies with package simtest, as a team would in CI: shop_test.go loads
// the shop's manifests and asserts who may reach whom. The package has no
// code of its own; run its tests with
//
//	go test ./examples/apptest
//
// README.md also shows what netpolsim diff says about a pull request that
// changes those manifests (examples/manifests/pr-before and pr-after).
package apptest
