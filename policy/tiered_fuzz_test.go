package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/internal/fielderr"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1beta1"
)

// FuzzCompileTiered feeds the three tiered compilers whatever object the
// fuzz bytes decode to as JSON, with and without EmptyPeersFailClosed, and
// checks that they neither panic nor break the documented invariants.
func FuzzCompileTiered(f *testing.F) {
	for _, seed := range []string{
		named("p", `{"tier":"Admin","priority":10,"subject":{"namespaces":{}},"egress":[{"action":"Deny","to":[{"networks":["10.0.0.0/8"]},{"nodes":{}}],"protocols":[{"tcp":{"destinationPort":{"range":{"start":1,"end":9}}}}]}]}`),
		named("default", `{"tier":"Baseline","priority":0,"subject":{"pods":{"namespaceSelector":{},"podSelector":{}}},"ingress":[{"action":"Allow","from":[{}],"ports":[{"namedPort":"http"}]}]}`),
		named("x", `{"priority":2000,"subject":{},"ingress":[{"action":"Pass","from":[{"pods":{"namespaceSelector":{"matchLabels":{"a":"b"}},"podSelector":{}}}],"ports":[{"portNumber":{"port":80}}]}]}`),
		named("d", `{"tier":"Admin","priority":1,"subject":{"namespaces":{}},"egress":[{"action":"Accept","to":[{"domainNames":["*.example.com"]}]}]}`),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cnp v1beta1.ClusterNetworkPolicy
		var anp v1alpha1.AdminNetworkPolicy
		var banp v1alpha1.BaselineAdminNetworkPolicy
		for _, fc := range [][]ClusterOption{nil, {EmptyPeersFailClosed()}} {
			if json.Unmarshal(data, &cnp) == nil {
				p, err := CompileClusterNetworkPolicy(&cnp, fc...)
				checkTiered(t, KindClusterNetworkPolicy, cnp.Name, p, err)
			}
			if json.Unmarshal(data, &anp) == nil {
				p, err := CompileAdminNetworkPolicy(&anp, fc...)
				checkTiered(t, KindAdminNetworkPolicy, anp.Name, p, err)
			}
			if json.Unmarshal(data, &banp) == nil {
				p, err := CompileBaselineAdminNetworkPolicy(&banp, fc...)
				checkTiered(t, KindBaselineAdminNetworkPolicy, banp.Name, p, err)
			}
		}
	})
}

// checkTiered checks a tiered compilation against the documented
// invariants of the result or of the error.
func checkTiered(t *testing.T, kind, name string, p *ClusterPolicy, err error) {
	t.Helper()
	if err != nil {
		var perr *Error
		if p != nil || !errors.As(err, &perr) || perr.Kind != kind || len(perr.Errs) == 0 {
			t.Fatalf("%s %s: error %T %q with policy %v", kind, name, err, err, p)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, fielderr.OneLine("policy: "+kind+" "+name)+": ") {
				t.Fatalf("error line %q lacks the policy prefix", line)
			}
		}
		return
	}
	if p.Kind != kind || p.Name != name || p.Priority < 0 || p.Priority > 1000 {
		t.Fatalf("compiled %s from %s %s", p, kind, name)
	}
	if kind == KindBaselineAdminNetworkPolicy && (p.Tier != Baseline || name != "default") || kind == KindAdminNetworkPolicy && p.Tier != Admin {
		t.Fatalf("%s in tier %s", p.ID(), p.Tier)
	}
	_ = p.String()
	for _, rules := range [][]ClusterRule{p.IngressRules, p.EgressRules} {
		for _, r := range rules {
			if len(r.Peers) == 0 && !r.FailClosed {
				t.Fatalf("%s: rule without peers", p.ID())
			}
			if r.MatchesEverything() && (r.Action != Deny || r.Ports != nil) {
				t.Fatalf("%s: failed-closed rule not a deny all: %+v", p.ID(), r)
			}
			if kind == KindBaselineAdminNetworkPolicy && r.Action == Pass {
				t.Fatalf("%s: Pass in a BaselineAdminNetworkPolicy", p.ID())
			}
			for _, port := range r.Ports {
				if port.Name == "" && (port.Start < 1 || port.End > 65535 || port.End < port.Start || port.Protocol == "") {
					t.Fatalf("%s: bad port %+v", p.ID(), port)
				}
			}
			for _, peer := range r.Peers {
				_ = peer.String()
				if peer.Kind == PeerNetworks && (len(peer.Networks) == 0 || len(peer.Networks) > 25) {
					t.Fatalf("%s: networks peer with %d CIDRs", p.ID(), len(peer.Networks))
				}
				for _, n := range peer.Networks {
					if n != n.Masked() || n.Addr().Is4In6() {
						t.Fatalf("%s: network %s not normalized", p.ID(), n)
					}
				}
			}
		}
	}
}
