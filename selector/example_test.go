package selector_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/internal/fielderr"
	"github.com/netpolsim/netpolsim/selector"
)

// ValidateAt checks a selector where it sits in an object, as CompileAt
// would, without compiling it.
func ExampleValidateAt() {
	path := field.NewPath("spec", "podSelector")
	fmt.Println(selector.ValidateAt(&metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, path))
	for _, e := range selector.ValidateAt(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn}},
	}, path) {
		fmt.Println(fielderr.Message(e))
	}
	// Output:
	// []
	// spec.podSelector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'
}
