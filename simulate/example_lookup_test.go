package simulate_test

import (
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// Resolve turns what a user typed into pods, and refuses a typo with the
// nearest names instead of an empty answer.
func ExampleModel_Resolve() {
	yes := true
	var pods []corev1.Pod
	for _, name := range []string{"db-0", "db-1"} {
		pods = append(pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, Labels: map[string]string{"app": "db"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db", Controller: &yes}}}})
	}
	m, err := simulate.Compile(simulate.Cluster{Pods: pods})
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"shop/db-1", "shop/db", "shop/app=db", "shop/db-9", "shop/app=web", "shpo/app=db"} {
		e, err := simulate.ParseEndpoint(s)
		if err != nil {
			panic(err)
		}
		got, err := m.Resolve(e)
		if err != nil {
			fmt.Printf("%s: %v (not found: %t)\n", s, err, errors.Is(err, simulate.ErrNotFound))
			continue
		}
		fmt.Printf("%s: %v\n", s, got)
	}
	// Output:
	// shop/db-1: [shop/db-1]
	// shop/db: [shop/db-0 shop/db-1]
	// shop/app=db: [shop/db-0 shop/db-1]
	// shop/db-9: simulate: no pod shop/db-9; did you mean shop/db, shop/db-0 or shop/db-1? (not found: true)
	// shop/app=web: simulate: no pod of namespace shop matches app=web (not found: true)
	// shpo/app=db: simulate: no namespace shpo; did you mean shop? (not found: true)
}
