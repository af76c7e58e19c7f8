package fuzz_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// everyPodReachesItself is a property of the engine over one cluster. In a
// test, check it over random clusters with rapid:
//
//	rapid.Check(t, func(t *rapid.T) {
//		if err := everyPodReachesItself(fuzz.Cluster().Draw(t, "cluster")); err != nil {
//			t.Fatal(err)
//		}
//	})
func everyPodReachesItself(c simulate.Cluster) error {
	m, err := simulate.Compile(c)
	if err != nil {
		return err
	}
	for _, p := range m.Pods() {
		self := simulate.Pod(p.Namespace, p.Name)
		v, err := m.Check(self, self, simulate.TCP(5432))
		if err != nil {
			return err
		}
		if !v.Allowed {
			return fmt.Errorf("%s cannot reach itself: %v", p, v)
		}
	}
	return nil
}

// Generator.Example draws deterministic values from a seed, which makes the
// property runnable outside a test too.
func ExampleCluster() {
	for seed := range 100 {
		if err := everyPodReachesItself(fuzz.Cluster().Example(seed)); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("100 clusters: every pod reaches itself")
	// Output: 100 clusters: every pod reaches itself
}

// Every generated policy passes the API server's validation, which
// policy.Compile mirrors.
func ExampleNetworkPolicy() {
	valid := 0
	for seed := range 100 {
		np := fuzz.NetworkPolicy([]string{"shop", "ops"}).Example(seed)
		if _, err := policy.Compile(&np); err == nil {
			valid++
		}
	}
	fmt.Printf("%d of 100 policies are valid\n", valid)
	// Output: 100 of 100 policies are valid
}

// A nil selector selects nothing and any other generated selector is valid.
func ExampleLabelSelector() {
	valid := 0
	for seed := range 100 {
		s := fuzz.LabelSelector().Example(seed)
		if _, err := metav1.LabelSelectorAsSelector(s); err == nil {
			valid++
		}
	}
	fmt.Printf("%d of 100 selectors are valid\n", valid)
	// Output: 100 of 100 selectors are valid
}
