package live

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"

	"github.com/netpolsim/netpolsim/simulate"
)

// policyGroup is the API group of the tiered cluster policies
// (sigs.k8s.io/network-policy-api).
const policyGroup = "policy.networking.k8s.io"

// tieredResources are the tiered policy kinds, newest first; all are
// cluster-scoped.
var tieredResources = []resource{
	{group: policyGroup, version: "v1beta1", name: "clusternetworkpolicies"},
	{group: policyGroup, version: "v1alpha2", name: "clusternetworkpolicies"},
	{group: policyGroup, version: "v1alpha1", name: "adminnetworkpolicies"},
	{group: policyGroup, version: "v1alpha1", name: "baselineadminnetworkpolicies"},
}

// readTieredPolicies is the hook for the tiered cluster policies. It finds
// out by discovery which of tieredResources the API server serves and lists
// each of them, with paging.
//
// simulate.Cluster has no fields for these kinds yet, so the objects found
// are counted and reported in a Notice, a list the user may not make is a
// Notice too, and c is left as it is. Once the Cluster has fields for them,
// decode the listed objects into those fields here (list the typed objects
// of sigs.k8s.io/network-policy-api instead of metadata), drop the notices,
// and make a refused list an error like any other.
func readTieredPolicies(ctx context.Context, rd *reader, c *simulate.Cluster) ([]Notice, error) {
	_ = c // the destination, once it has fields for these kinds
	served, err := servedResources(ctx, rd)
	if err != nil {
		return nil, err
	}
	var notices []Notice
	for _, r := range tieredResources {
		if !served[r] {
			continue
		}
		objs, err := list[metav1.PartialObjectMetadata](ctx, rd, r)
		if apierrors.IsForbidden(err) {
			// Not simulated either way; once they are, this is an error.
			notices = append(notices, Notice{
				Resource: r.name + "." + r.version + "." + r.group,
				Message:  "cannot list them (forbidden, needs list on " + r.String() + "); tiered cluster policies are not simulated yet, so the answers would ignore them anyway",
			})
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(objs) == 0 {
			continue
		}
		notices = append(notices, Notice{
			Resource: r.name + "." + r.version + "." + r.group, // as kubectl names a resource in one version
			Message:  fmt.Sprintf("left out %d %s: tiered cluster policies are not simulated yet, so the answers ignore them", len(objs), plural(len(objs), "object", "objects")),
		})
	}
	return notices, nil
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
