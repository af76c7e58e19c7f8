package manifest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netpolsim/netpolsim/manifest"
)

const tieredInput = `apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata:
  name: deny-kube-system
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {}
  egress:
  - action: Deny
    to:
    - namespaces:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicyList
items:
- metadata:
    name: old-version
  spec:
    tier: Baseline
    priority: 0
    subject:
      pods:
        namespaceSelector: {}
        podSelector: {}
---
apiVersion: v1
kind: List
items:
- apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: anp
  spec:
    priority: 3
    subject:
      namespaces: {}
    ingress:
    - action: Allow
      from:
      - namespaces: {}
      ports:
      - portNumber:
          port: 80
- apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata:
    name: default
  spec:
    subject:
      namespaces: {}
    ingress:
    - action: Deny
      from:
      - namespaces: {}
`

// TestLoadTiered: every tiered kind loads, in both versions of
// ClusterNetworkPolicy and inside lists; v1alpha2 becomes v1beta1.
func TestLoadTiered(t *testing.T) {
	res, err := manifest.LoadReader("in.yaml", strings.NewReader(tieredInput))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cluster
	var got []string
	for _, p := range c.ClusterNetworkPolicies {
		got = append(got, p.APIVersion+" "+p.Kind+" "+p.Name+" "+string(p.Spec.Tier))
	}
	for _, p := range c.AdminNetworkPolicies {
		got = append(got, p.APIVersion+" "+p.Kind+" "+p.Name)
	}
	for _, p := range c.BaselineAdminNetworkPolicies {
		got = append(got, p.APIVersion+" "+p.Kind+" "+p.Name)
	}
	want := []string{
		"policy.networking.k8s.io/v1beta1 ClusterNetworkPolicy deny-kube-system Admin",
		"policy.networking.k8s.io/v1beta1 ClusterNetworkPolicy old-version Baseline",
		"policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy anp",
		"policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy default",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loaded (-want +got):\n%s", diff)
	}
	if len(res.Notices) != 0 {
		t.Errorf("notices: %v", res.Notices)
	}
}

// TestLoadTieredProblems: invalid tiered policies, unknown fields, other
// versions and duplicates across versions are problems with their place:
// the line of the offending field.
func TestLoadTieredProblems(t *testing.T) {
	in := `apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata:
  name: bad
  namespace: ignored
spec:
  tier: Admin
  priority: 1001
  subject:
    namespaces: {}
  egress:
  - action: Deny
    to:
    - {}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: bad
spec:
  tier: Admin
  priority: 1
  subject:
    namespaces: {}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: mine
spec:
  subject:
    namespaces: {}
  ingress:
  - action: Pass
    from:
    - namespaces: {}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: typo
spec:
  priorty: 1
  subject:
    namespaces: {}
---
apiVersion: policy.networking.k8s.io/v1beta2
kind: ClusterNetworkPolicy
metadata:
  name: future
`
	_, err := manifest.LoadReader("in.yaml", strings.NewReader(in))
	var merr *manifest.Error
	if !errors.As(err, &merr) {
		t.Fatalf("got %v, want a *manifest.Error", err)
	}
	want := []string{
		"manifest: in.yaml: document 0 (line 8): ClusterNetworkPolicy bad: spec.priority: invalid value 1001: must be between 0 and 1000, inclusive",
		"manifest: in.yaml: document 0 (line 14): ClusterNetworkPolicy bad: spec.egress[0].to[0]: must specify exactly one of `namespaces`, `pods`, `nodes`, `networks` or `domainNames`",
		"manifest: in.yaml: document 1 (line 16): ClusterNetworkPolicy bad: duplicate object, first defined at in.yaml: document 0 (line 1)",
		`manifest: in.yaml: document 2 (line 29): BaselineAdminNetworkPolicy mine: metadata.name: invalid value "mine": must be "default": a cluster has at most one BaselineAdminNetworkPolicy`,
		`manifest: in.yaml: document 2 (line 34): BaselineAdminNetworkPolicy mine: spec.ingress[0].action: unsupported value "Pass": supported values: "Allow", "Deny"`,
		`manifest: in.yaml: document 3 (line 43): AdminNetworkPolicy typo: spec.priorty: unknown field`,
		`manifest: in.yaml: document 4 (line 47): ClusterNetworkPolicy future: apiVersion: unsupported value "policy.networking.k8s.io/v1beta2": ClusterNetworkPolicy is read as policy.networking.k8s.io/v1beta1`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
