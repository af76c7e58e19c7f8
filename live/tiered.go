package live

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"

	"github.com/netpolsim/netpolsim/simulate"
)

// policyGroup is the API group of the tiered cluster policies
// (sigs.k8s.io/network-policy-api).
const policyGroup = "policy.networking.k8s.io"

// The tiered policy kinds Read lists, all cluster-scoped. A
// ClusterNetworkPolicy is read in v1beta1 when the server serves it, else
// in v1alpha2, whose fields are the same: one CRD serves both versions of
// the same objects, so reading both would read every object twice.
var (
	cnpV1beta1Resource  = resource{group: policyGroup, version: "v1beta1", name: "clusternetworkpolicies"}
	cnpV1alpha2Resource = resource{group: policyGroup, version: "v1alpha2", name: "clusternetworkpolicies"}
	anpResource         = resource{group: policyGroup, version: "v1alpha1", name: "adminnetworkpolicies"}
	banpResource        = resource{group: policyGroup, version: "v1alpha1", name: "baselineadminnetworkpolicies"}
)

// tieredResources are the tiered policy kinds, newest version first.
var tieredResources = []resource{cnpV1beta1Resource, cnpV1alpha2Resource, anpResource, banpResource}

// readTieredPolicies finds out by discovery which of tieredResources the
// API server serves and lists each served kind, with paging, into c:
// ClusterNetworkPolicies (as v1beta1, whichever version was listed),
// AdminNetworkPolicies and BaselineAdminNetworkPolicies. A list that
// fails, refused ones included, is an error like any other: the answers
// would be wrong without the policies.
func readTieredPolicies(ctx context.Context, rd *reader, c *simulate.Cluster) error {
	served, err := servedResources(ctx, rd)
	if err != nil {
		return err
	}
	cnp := cnpV1beta1Resource
	if !served[cnp] {
		cnp = cnpV1alpha2Resource
	}
	if served[cnp] {
		if c.ClusterNetworkPolicies, err = list[v1beta1.ClusterNetworkPolicy](ctx, rd, cnp); err != nil {
			return err
		}
		for i := range c.ClusterNetworkPolicies {
			// v1alpha2 has the fields of v1beta1: the decoded object is
			// the v1beta1 one.
			c.ClusterNetworkPolicies[i].TypeMeta = typeMeta(v1beta1.GroupVersion.String(), "ClusterNetworkPolicy")
			c.ClusterNetworkPolicies[i].ManagedFields = nil
		}
	}
	if served[anpResource] {
		if c.AdminNetworkPolicies, err = list[v1alpha1.AdminNetworkPolicy](ctx, rd, anpResource); err != nil {
			return err
		}
		for i := range c.AdminNetworkPolicies {
			c.AdminNetworkPolicies[i].TypeMeta = typeMeta(v1alpha1.GroupVersion.String(), "AdminNetworkPolicy")
			c.AdminNetworkPolicies[i].ManagedFields = nil
		}
	}
	if served[banpResource] {
		if c.BaselineAdminNetworkPolicies, err = list[v1alpha1.BaselineAdminNetworkPolicy](ctx, rd, banpResource); err != nil {
			return err
		}
		for i := range c.BaselineAdminNetworkPolicies {
			c.BaselineAdminNetworkPolicies[i].TypeMeta = typeMeta(v1alpha1.GroupVersion.String(), "BaselineAdminNetworkPolicy")
			c.BaselineAdminNetworkPolicies[i].ManagedFields = nil
		}
	}
	return nil
}

// servedResources returns which of tieredResources the API server serves,
// by discovery: the versions of the group, then the resources of each
// version. A group or version that is not served is not an error.
func servedResources(ctx context.Context, rd *reader) (map[resource]bool, error) {
	served := map[resource]bool{}
	var group metav1.APIGroup
	found, err := discover(ctx, rd, "/apis/"+policyGroup, &group)
	if err != nil || !found {
		return served, err
	}
	for _, v := range group.Versions {
		if !slices.ContainsFunc(tieredResources, func(r resource) bool { return r.version == v.Version }) {
			continue
		}
		var list metav1.APIResourceList
		found, err := discover(ctx, rd, "/apis/"+policyGroup+"/"+v.Version, &list)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		for _, ar := range list.APIResources {
			r := resource{group: policyGroup, version: v.Version, name: ar.Name}
			if slices.Contains(tieredResources, r) && slices.Contains(ar.Verbs, "list") {
				served[r] = true
			}
		}
	}
	return served, nil
}

// discover reads the discovery document at path into into; found is false
// when the API server does not serve path.
func discover(ctx context.Context, rd *reader, path string, into any) (found bool, err error) {
	body, err := do(ctx, rd.client.Get().AbsPath(path))
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err == nil {
		err = sigsjson.UnmarshalCaseSensitivePreserveInts(body, into)
	}
	if err != nil {
		return false, fmt.Errorf("live: cannot discover %s: %w", path, err)
	}
	return true, nil
}
