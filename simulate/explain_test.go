package simulate_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// propExplainMatchesPods: the peers of an explanation, computed over
// classes, are exactly the pods the pod matrix says may reach the pod (or
// it may reach), with their ports, each listed once and grouped by class;
// the policies are those Selecting gives, with their rules of the
// direction; the outside part is the pod's Exposure.
func propExplainMatchesPods(t *rapid.T) {
	c := withWorkloads(t, fuzz.Cluster().Draw(t, "cluster"))
	m, err := simulate.Compile(c, simulate.NodeTraffic(rapid.Bool().Draw(t, "nodeTraffic")))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	pods := m.Pods()
	if len(pods) == 0 {
		return
	}
	exposure := m.Exposure()
	mx := m.Matrix()
	i := rapid.IntRange(0, len(pods)-1).Draw(t, "pod")
	p := pods[i]
	x, err := m.Explain(p)
	if err != nil {
		t.Fatal(err)
	}
	class, _ := m.ClassOf(p)
	w, _ := m.WorkloadOfPod(p)
	if x.Pod != p || x.Class != class || x.Workload != w {
		t.Fatalf("Explain(%s) names %s, class %d, workload %s; want class %d, workload %s", p, x.Pod, x.Class, x.Workload, class, w)
	}
	in, out, _ := m.Selecting(p)
	for _, d := range []struct {
		name string
		want []*policy.Policy
		got  []simulate.PolicyRules
	}{{"ingress", in, x.Ingress}, {"egress", out, x.Egress}} {
		if len(d.got) != len(d.want) {
			t.Fatalf("%s: %d policies, Selecting says %d", d.name, len(d.got), len(d.want))
		}
		for k, pr := range d.got {
			rules := pr.Policy.IngressRules
			if d.name == "egress" {
				rules = pr.Policy.EgressRules
			}
			if pr.Policy != d.want[k] || len(pr.Rules) != len(rules) {
				t.Fatalf("%s: policy %d is %s with %d rules, want %s with %d", d.name, k, pr.Policy.ID(), len(pr.Rules), d.want[k].ID(), len(rules))
			}
		}
	}
	for _, dir := range []struct {
		name  string
		peers []simulate.Peers
		ports func(q simulate.PodID) simulate.PortSet
	}{
		{"from", x.From, func(q simulate.PodID) simulate.PortSet { return mustPortsX(mx.Ports(q, p)) }},
		{"to", x.To, func(q simulate.PodID) simulate.PortSet { return mustPortsX(mx.Ports(p, q)) }},
	} {
		got := map[simulate.PodID]string{}
		for k, g := range dir.peers {
			if len(g.Pods) == 0 || g.Ports.IsEmpty() {
				t.Fatalf("%s: empty group %+v", dir.name, g)
			}
			if k > 0 && !lessPod(dir.peers[k-1].Pods[0], g.Pods[0]) {
				t.Fatalf("%s: groups not sorted by first pod", dir.name)
			}
			for _, q := range g.Pods {
				if _, dup := got[q]; dup {
					t.Fatalf("%s: %s listed twice", dir.name, q)
				}
				if cq, _ := m.ClassOf(q); cq != g.Class {
					t.Fatalf("%s: %s of class %d in a group of class %d", dir.name, q, cq, g.Class)
				}
				got[q] = g.Ports.String()
			}
		}
		want := map[simulate.PodID]string{}
		for _, q := range pods {
			if ports := dir.ports(q); q != p && !ports.IsEmpty() {
				want[q] = ports.String()
			}
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s %s (-pods +explain):\n%s", dir.name, p, diff)
		}
	}
	if diff := cmp.Diff(fmt.Sprint(exposure[i].Inbound, exposure[i].Outbound), fmt.Sprint(x.Inbound, x.Outbound)); diff != "" {
		t.Fatalf("outside of %s (-Exposure +Explain):\n%s", p, diff)
	}
}

func lessPod(a, b simulate.PodID) bool {
	return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
}

func TestExplainMatchesPods(t *testing.T) {
	rapid.Check(t, propExplainMatchesPods)
}

func FuzzExplainMatchesPods(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(propExplainMatchesPods))
}

func TestExplainUnknownPod(t *testing.T) {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Explain(simulate.PodID{Namespace: "shop", Name: "ghost"}); err == nil || err.Error() != "simulate: no pod shop/ghost" {
		t.Errorf("Explain of an unknown pod: error %v", err)
	}
}

func ExampleModel_Explain() {
	m, err := simulate.Compile(exampleCluster())
	if err != nil {
		panic(err)
	}
	x, err := m.Explain(simulate.PodID{Namespace: "shop", Name: "db-0"})
	if err != nil {
		panic(err)
	}
	for _, pr := range x.Ingress {
		fmt.Printf("isolated for ingress by %s, %d rule(s)\n", pr.Policy.ID(), len(pr.Rules))
	}
	fmt.Println("egress isolated:", len(x.Egress) > 0)
	for _, g := range x.From {
		fmt.Println("from", g.Pods, "on", g.Ports)
	}
	for _, g := range x.To {
		fmt.Println("to", g.Pods, "on", g.Ports)
	}
	// Output:
	// isolated for ingress by shop/db-allow-api, 1 rule(s)
	// egress isolated: false
	// from [shop/api-1] on TCP/5432
	// to [shop/api-1] on all
	// to [shop/frontend-1] on all
}
