package simulate_test

// A state-machine test of the engine: starting from an empty cluster, a
// random sequence of edits adds, removes and updates pods (labels, named
// ports, addresses, hostNetwork), Namespace objects (labels) and policies,
// and recompiles after every edit, as a user of the library updates its
// model (Compile is the update path: it is cheap and the Model immutable).
// After every step the model must agree with the oracle of oracle_test.go
// on every ordered pair of pods and a spread of ports, and Model.Pods and
// Model.Selecting must agree with the raw objects.

import (
	"cmp"
	"flag"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// The namespace pool of package fuzz (documented there); fuzz.Pod and
// fuzz.NetworkPolicy draw from the namespaces given, and policies' namespace
// selectors name these and a namespace that never exists.
var smNamespaces = []string{"default", "shop", "ops"}

const (
	smMaxPods     = 8
	smMaxPolicies = 6
)

// smMachine is the state: the cluster as edited so far and its model.
// Edits never change an object or a slice in place (a Model may share the
// objects of the cluster it was compiled from): each builds new slices and
// replaces whole objects.
type smMachine struct {
	c     simulate.Cluster
	m     *simulate.Model
	ipb   bool
	steps int
}

// commit makes c the state and recompiles it.
func (s *smMachine) commit(t *rapid.T, c simulate.Cluster, what string) {
	m, err := simulate.Compile(c, simulate.IPBlockMatchesPods(s.ipb))
	if err != nil {
		t.Fatalf("after %s, Compile rejected a valid cluster: %v\n%s", what, err, describe(c))
	}
	s.c, s.m = c, m
	s.steps++
}

// edit returns a copy of the state's cluster whose slices may be changed
// freely (the objects in them are shared and must be replaced, not changed).
func (s *smMachine) edit() simulate.Cluster {
	c := s.c
	c.Namespaces = slices.Clone(c.Namespaces)
	c.Pods = slices.Clone(c.Pods)
	c.NetworkPolicies = slices.Clone(c.NetworkPolicies)
	return c
}

// pickPod draws the index of a pod, skipping the action when there is none.
func (s *smMachine) pickPod(t *rapid.T) int {
	if len(s.c.Pods) == 0 {
		t.Skip("no pod")
	}
	return rapid.IntRange(0, len(s.c.Pods)-1).Draw(t, "pod index")
}

func (s *smMachine) pickPolicy(t *rapid.T) int {
	if len(s.c.NetworkPolicies) == 0 {
		t.Skip("no policy")
	}
	return rapid.IntRange(0, len(s.c.NetworkPolicies)-1).Draw(t, "policy index")
}

// smFreeName returns name, or the first of name-1, name-2, … that taken
// reports free in namespace ns.
func smFreeName(ns, name string, taken func(ns, name string) bool) string {
	candidate := name
	for i := 1; taken(ns, candidate); i++ {
		candidate = fmt.Sprintf("%s-%d", name, i)
	}
	return candidate
}

// smUniqueIPs drops from p (not hostNetwork) the addresses that another
// pod of pods (not hostNetwork, other than index self) has, keeping
// status.podIP the first of status.podIPs, and an address given in
// status.podIP only (as older manifests do) there.
func smUniqueIPs(p *corev1.Pod, pods []corev1.Pod, self int) {
	if p.Spec.HostNetwork {
		return
	}
	used := map[string]bool{}
	for i := range pods {
		if i == self || pods[i].Spec.HostNetwork {
			continue
		}
		used[pods[i].Status.PodIP] = true
		for _, ip := range pods[i].Status.PodIPs {
			used[ip.IP] = true
		}
	}
	var keep []string
	legacy := len(p.Status.PodIPs) == 0
	if legacy && p.Status.PodIP != "" {
		keep = append(keep, p.Status.PodIP)
	}
	for _, ip := range p.Status.PodIPs {
		keep = append(keep, ip.IP)
	}
	keep = slices.DeleteFunc(keep, func(ip string) bool { return used[ip] })
	p.Status.PodIP, p.Status.PodIPs = "", nil
	for i, ip := range keep {
		if i == 0 {
			p.Status.PodIP = ip
		}
		if !legacy {
			p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: ip})
		}
	}
}

// smServedNames returns the named ports that pods of c serve, as (name,
// protocol), sorted.
func smServedNames(c simulate.Cluster) []corev1.ContainerPort {
	var out []corev1.ContainerPort
	for _, p := range c.Pods {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name == "" {
					continue
				}
				proto := cp.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				out = append(out, corev1.ContainerPort{Name: cp.Name, Protocol: proto})
			}
		}
	}
	slices.SortFunc(out, func(a, b corev1.ContainerPort) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(string(a.Protocol), string(b.Protocol)))
	})
	return slices.Compact(out)
}

func (s *smMachine) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"add pods": func(t *rapid.T) {
			// One to three, so that clusters grow as often as they shrink.
			if len(s.c.Pods) >= smMaxPods {
				t.Skip("enough pods")
			}
			c := s.edit()
			for i := range rapid.IntRange(1, min(3, smMaxPods-len(c.Pods))).Draw(t, "new pods") {
				p := fuzz.Pod(smNamespaces).Draw(t, fmt.Sprintf("new pod[%d]", i))
				p.Name = smFreeName(p.Namespace, p.Name, func(ns, name string) bool {
					return slices.ContainsFunc(c.Pods, func(q corev1.Pod) bool { return q.Namespace == ns && q.Name == name })
				})
				smUniqueIPs(&p, c.Pods, -1)
				c.Pods = append(c.Pods, p)
			}
			s.commit(t, c, "adding pods")
		},
		"remove pod": func(t *rapid.T) {
			k := s.pickPod(t)
			c := s.edit()
			c.Pods = slices.Delete(c.Pods, k, k+1)
			s.commit(t, c, "removing a pod")
		},
		"relabel pod": func(t *rapid.T) {
			k := s.pickPod(t)
			c := s.edit()
			p := c.Pods[k].DeepCopy()
			p.Labels = fuzz.Labels().Draw(t, "labels")
			c.Pods[k] = *p
			s.commit(t, c, "relabelling pod "+p.Namespace+"/"+p.Name)
		},
		"change pod ports": func(t *rapid.T) {
			// Containers (and so named ports) of a fresh pod.
			k := s.pickPod(t)
			c := s.edit()
			p := c.Pods[k].DeepCopy()
			p.Spec.Containers = fuzz.Pod(smNamespaces).Draw(t, "ports from").Spec.Containers
			c.Pods[k] = *p
			s.commit(t, c, "changing the ports of pod "+p.Namespace+"/"+p.Name)
		},
		"change pod network": func(t *rapid.T) {
			// Addresses and hostNetwork of a fresh pod.
			k := s.pickPod(t)
			c := s.edit()
			p := c.Pods[k].DeepCopy()
			from := fuzz.Pod(smNamespaces).Draw(t, "network from")
			p.Spec.HostNetwork, p.Status = from.Spec.HostNetwork, from.Status
			smUniqueIPs(p, c.Pods, k)
			c.Pods[k] = *p
			s.commit(t, c, "changing the addresses of pod "+p.Namespace+"/"+p.Name)
		},
		"set namespace": func(t *rapid.T) {
			// Add a Namespace object, or replace it (new labels).
			c := s.edit()
			ns := fuzz.Namespace().Draw(t, "namespace")
			if i := slices.IndexFunc(c.Namespaces, func(o corev1.Namespace) bool { return o.Name == ns.Name }); i >= 0 {
				c.Namespaces[i] = ns
			} else {
				c.Namespaces = append(c.Namespaces, ns)
			}
			s.commit(t, c, "setting namespace "+ns.Name)
		},
		"remove namespace object": func(t *rapid.T) {
			// Its pods and policies stay, in an implicit namespace.
			if len(s.c.Namespaces) == 0 {
				t.Skip("no namespace object")
			}
			k := rapid.IntRange(0, len(s.c.Namespaces)-1).Draw(t, "namespace index")
			c := s.edit()
			c.Namespaces = slices.Delete(c.Namespaces, k, k+1)
			s.commit(t, c, "removing a namespace object")
		},
		"delete namespace": func(t *rapid.T) {
			// The object, its pods and its policies.
			n := rapid.SampledFrom(smNamespaces).Draw(t, "namespace to delete")
			c := s.edit()
			c.Namespaces = slices.DeleteFunc(c.Namespaces, func(o corev1.Namespace) bool { return o.Name == n })
			c.Pods = slices.DeleteFunc(c.Pods, func(o corev1.Pod) bool { return o.Namespace == n })
			c.NetworkPolicies = slices.DeleteFunc(c.NetworkPolicies, func(o networkingv1.NetworkPolicy) bool { return o.Namespace == n })
			s.commit(t, c, "deleting namespace "+n)
		},
		"add policies": func(t *rapid.T) {
			// One or two.
			if len(s.c.NetworkPolicies) >= smMaxPolicies {
				t.Skip("enough policies")
			}
			c := s.edit()
			for i := range rapid.IntRange(1, min(2, smMaxPolicies-len(c.NetworkPolicies))).Draw(t, "new policies") {
				np := fuzz.NetworkPolicy(smNamespaces).Draw(t, fmt.Sprintf("new policy[%d]", i))
				np.Name = smFreeName(np.Namespace, np.Name, func(ns, name string) bool {
					return slices.ContainsFunc(c.NetworkPolicies, func(o networkingv1.NetworkPolicy) bool { return o.Namespace == ns && o.Name == name })
				})
				c.NetworkPolicies = append(c.NetworkPolicies, np)
			}
			s.commit(t, c, "adding policies")
		},
		"add policy naming served ports": func(t *rapid.T) {
			// A policy whose rules name ports that pods serve: port names
			// resolve per pod (at the destination), so the same name may
			// mean several numbers, which generated policies rarely hit.
			if len(s.c.NetworkPolicies) >= smMaxPolicies {
				t.Skip("enough policies")
			}
			served := smServedNames(s.c)
			if len(served) == 0 {
				t.Skip("no named port")
			}
			c := s.edit()
			np := fuzz.NetworkPolicy(smNamespaces).Draw(t, "new policy")
			np.Name = smFreeName(np.Namespace, np.Name, func(ns, name string) bool {
				return slices.ContainsFunc(c.NetworkPolicies, func(o networkingv1.NetworkPolicy) bool { return o.Namespace == ns && o.Name == name })
			})
			named := func(label string) []networkingv1.NetworkPolicyPort {
				var ports []networkingv1.NetworkPolicyPort
				for i := range rapid.IntRange(1, 3).Draw(t, label+" named ports") {
					sp := rapid.SampledFrom(served).Draw(t, fmt.Sprintf("%s port[%d]", label, i))
					proto, name := sp.Protocol, intstr.FromString(sp.Name)
					ports = append(ports, networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &name})
				}
				return ports
			}
			for i := range np.Spec.Ingress {
				np.Spec.Ingress[i].Ports = named(fmt.Sprintf("ingress[%d]", i))
			}
			for i := range np.Spec.Egress {
				np.Spec.Egress[i].Ports = named(fmt.Sprintf("egress[%d]", i))
			}
			c.NetworkPolicies = append(c.NetworkPolicies, np)
			s.commit(t, c, "adding policy "+np.Namespace+"/"+np.Name)
		},
		"replace policy": func(t *rapid.T) {
			// A new spec under the same namespace and name.
			k := s.pickPolicy(t)
			c := s.edit()
			np := fuzz.NetworkPolicy(smNamespaces).Draw(t, "replacement")
			np.Namespace, np.Name = c.NetworkPolicies[k].Namespace, c.NetworkPolicies[k].Name
			c.NetworkPolicies[k] = np
			s.commit(t, c, "replacing policy "+np.Namespace+"/"+np.Name)
		},
		"delete policy": func(t *rapid.T) {
			k := s.pickPolicy(t)
			c := s.edit()
			c.NetworkPolicies = slices.Delete(c.NetworkPolicies, k, k+1)
			s.commit(t, c, "deleting a policy")
		},
		"": s.check,
	}
}

// check is the invariant: the model of the current cluster answers as the
// oracle does for every ordered pair of pods on every protocol at the port
// points of portPoints (Matrix.Ports, which walks the model's rows, and so
// every port class), and its pods and selecting policies are those of the
// raw objects.
func (s *smMachine) check(t *rapid.T) {
	c, m := s.c, s.m
	var want []simulate.PodID
	for _, p := range c.Pods {
		want = append(want, simulate.PodID{Namespace: p.Namespace, Name: p.Name})
	}
	slices.SortFunc(want, func(a, b simulate.PodID) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	if got := m.Pods(); !slices.Equal(got, want) {
		t.Fatalf("step %d: Pods() = %v, want %v\n%s", s.steps, got, want, describe(c))
	}
	for i := range c.Pods {
		p := &c.Pods[i]
		id := simulate.PodID{Namespace: p.Namespace, Name: p.Name}
		in, eg, err := m.Selecting(id)
		if err != nil {
			t.Fatalf("step %d: Selecting(%v): %v", s.steps, id, err)
		}
		var wantIn, wantEg []string
		for j := range c.NetworkPolicies {
			np := &c.NetworkPolicies[j]
			if lawSelects(np, p, networkingv1.PolicyTypeIngress) {
				wantIn = append(wantIn, np.Namespace+"/"+np.Name)
			}
			if lawSelects(np, p, networkingv1.PolicyTypeEgress) {
				wantEg = append(wantEg, np.Namespace+"/"+np.Name)
			}
		}
		slices.Sort(wantIn)
		slices.Sort(wantEg)
		if gotIn, gotEg := lawPolicyIDs(in), lawPolicyIDs(eg); !slices.Equal(gotIn, wantIn) || !slices.Equal(gotEg, wantEg) {
			t.Fatalf("step %d: Selecting(%v) = %v, %v; want %v, %v\n%s", s.steps, id, gotIn, gotEg, wantIn, wantEg, describe(c))
		}
	}
	pts := portPoints(c)
	mx := m.Matrix()
	for i := range c.Pods {
		a := &c.Pods[i]
		aid := simulate.PodID{Namespace: a.Namespace, Name: a.Name}
		for j := range c.Pods {
			b := &c.Pods[j]
			bid := simulate.PodID{Namespace: b.Namespace, Name: b.Name}
			ports := mustPortsX(mx.Ports(aid, bid))
			for _, proto := range protocols {
				for _, port := range pts {
					w := oracleAllowedResolved(c, s.ipb, a, b, netip.Addr{}, netip.Addr{}, proto, port)
					if got := ports.Contains(proto, port); got != w {
						t.Fatalf("step %d, IPBlockMatchesPods(%v): %v → %v on %s/%d: matrix says %v (ports %v), oracle says %v\n%s",
							s.steps, s.ipb, aid, bid, proto, port, got, ports, w, describe(c))
					}
				}
			}
		}
	}
}

func propStateMachine(t *rapid.T) {
	s := &smMachine{ipb: rapid.Bool().Draw(t, "ipBlock matches pods")}
	s.commit(t, simulate.Cluster{}, "starting")
	t.Repeat(s.actions())
}

// TestStateMachine runs a tenth of -rapid.checks (10 with rapid's default
// of 100, 200 in the soak step of .ci/run). Each check is a sequence of
// about 30 clusters (see -rapid.steps), each compared in full with the
// oracle, so the test still sees about three times more clusters than the
// other properties.
func TestStateMachine(t *testing.T) {
	smScaleChecks(t, 10)
	rapid.Check(t, propStateMachine)
}

// smScaleChecks divides -rapid.checks by div until the end of the test.
// The tests of this package do not run in parallel, so no other test sees
// the change.
func smScaleChecks(t *testing.T, div int) {
	f := flag.Lookup("rapid.checks")
	if f == nil {
		t.Fatal("no -rapid.checks flag")
	}
	old := f.Value.String()
	n, err := strconv.Atoi(old)
	if err != nil {
		t.Fatalf("-rapid.checks=%s: %v", old, err)
	}
	if err := f.Value.Set(strconv.Itoa(max(1, n/div))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Value.Set(old); err != nil {
			t.Error(err)
		}
	})
}

// The state machine has no native fuzz target: driven by arbitrary bytes,
// rapid's t.Repeat often finds every action skipped and fails the run
// ("can't find a valid (non-skipped) action") without any bug involved.
