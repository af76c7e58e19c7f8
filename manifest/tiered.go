package manifest

import (
	"errors"
	"slices"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/policy"
)

// This file loads the tiered cluster policies of policy.networking.k8s.io:
// ClusterNetworkPolicy (v1beta1, and v1alpha2, whose fields are the same
// and which is converted to v1beta1), AdminNetworkPolicy and
// BaselineAdminNetworkPolicy (v1alpha1).

// policyGroup is the API group of the tiered cluster policies.
const policyGroup = "policy.networking.k8s.io"

// alsoReads lists the versions of a kind read besides kinds[kind].apiVersion,
// as that version.
var alsoReads = map[string][]string{
	"ClusterNetworkPolicy": {policyGroup + "/v1alpha2"},
}

// reads reports whether kind, described by k (nil for a kind not
// supported), is read in apiVersion.
func reads(kind string, k *kindInfo, apiVersion string) bool {
	return k != nil && (apiVersion == k.apiVersion || slices.Contains(alsoReads[kind], apiVersion))
}

// loadTiered decodes, validates (as the CRD would on create, see
// package policy) and records a tiered policy.
func (l *decoder) loadTiered(o *object, raw []byte) {
	switch o.kind {
	case "ClusterNetworkPolicy":
		if x := typed[v1beta1.ClusterNetworkPolicy](l, o, raw); x != nil {
			// v1alpha2 has the fields of v1beta1: the decoded object is
			// the v1beta1 one.
			x.APIVersion = v1beta1.GroupVersion.String()
			_, err := policy.CompileClusterNetworkPolicy(x)
			l.tieredProblems(o, err)
			l.add(o, x)
		}
	case "AdminNetworkPolicy":
		if x := typed[v1alpha1.AdminNetworkPolicy](l, o, raw); x != nil {
			_, err := policy.CompileAdminNetworkPolicy(x)
			l.tieredProblems(o, err)
			l.add(o, x)
		}
	case "BaselineAdminNetworkPolicy":
		if x := typed[v1alpha1.BaselineAdminNetworkPolicy](l, o, raw); x != nil {
			_, err := policy.CompileBaselineAdminNetworkPolicy(x)
			l.tieredProblems(o, err)
			l.add(o, x)
		}
	}
}

// tieredProblems records the validation problems of a tiered policy.
func (l *decoder) tieredProblems(o *object, err error) {
	if err == nil {
		return
	}
	var perr *policy.Error
	if errors.As(err, &perr) {
		l.fieldProblems(o, perr.Errs, perr)
		return
	}
	l.objProblem(o, "", err.Error(), err)
}
