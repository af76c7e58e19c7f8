package lint_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// Helpers that write small manifests in YAML flow style.

// pod is a Pod with labels ("{app: web}"), container ports ("[{name: http,
// containerPort: 8080}]", or "" for none) and an address.
func pod(ns, name, labels, ports, ip string) string {
	if ports == "" {
		ports = "[]"
	}
	return fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {namespace: %s, name: %s, labels: %s}\nspec: {containers: [{name: c, image: x, ports: %s}]}\nstatus: {podIP: %q}\n",
		ns, name, labels, ports, ip)
}

// netpol is a NetworkPolicy with the given spec.
func netpol(ns, name, spec string) string {
	return fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: %s, name: %s}\nspec: %s\n", ns, name, spec)
}

// service is a Service with the given spec.
func service(ns, name, spec string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {namespace: %s, name: %s}\nspec: %s\n", ns, name, spec)
}

// dnsPod is a CoreDNS pod in kube-system.
var dnsPod = pod("kube-system", "coredns-0", "{k8s-app: kube-dns}",
	"[{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]", "10.9.0.53")

func compile(t *testing.T, docs []string, opts ...simulate.Option) *simulate.Model {
	t.Helper()
	res, err := manifest.LoadReader("test.yaml", strings.NewReader(strings.Join(docs, "---\n")))
	if err != nil {
		t.Fatal(err)
	}
	m, err := simulate.Compile(res.Cluster, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ofRule keeps the findings of one check.
func ofRule(fs []lint.Finding, rule string) []lint.Finding {
	var out []lint.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

type lintCase struct {
	name    string
	docs    []string
	opts    []lint.Option
	simOpts []simulate.Option // for Compile
	want    []lint.Finding
}

// ignoreText leaves the sentences out of a comparison; TestMessages and the
// command line's golden files check them.
var ignoreText = cmpopts.IgnoreFields(lint.Finding{}, "Message", "Hint")

// runCases runs each case and compares its findings of rule with want,
// except for their sentences.
func runCases(t *testing.T, rule string, cases []lintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ofRule(lint.Run(compile(t, c.docs, c.simOpts...), c.opts...), rule)
			for i := range c.want {
				c.want[i].Rule = rule
			}
			if diff := cmp.Diff(c.want, got, ignoreText, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", rule, diff)
			}
			for _, f := range got {
				if f.Message == "" || f.Hint == "" {
					t.Errorf("finding without message or hint: %+v", f)
				}
			}
		})
	}
}

func nsObj(name string) lint.Object      { return lint.Object{Kind: "Namespace", Name: name} }
func podObj(ns, name string) lint.Object { return lint.Object{Kind: "Pod", Namespace: ns, Name: name} }
func polObj(ns, name string) lint.Object {
	return lint.Object{Kind: "NetworkPolicy", Namespace: ns, Name: name}
}
func svcObj(ns, name string) lint.Object {
	return lint.Object{Kind: "Service", Namespace: ns, Name: name}
}
