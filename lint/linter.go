package lint

import (
	"cmp"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/internal/bitset"
	"github.com/netpolsim/netpolsim/policy"
	"github.com/netpolsim/netpolsim/simulate"
)

// Directions, as the engine names them.
const (
	ingress = 0
	egress  = 1
)

var dirNames = [2]string{"ingress", "egress"}

// linter holds what the checks share, computed once from the model's public
// API. Sets of pods are bitsets over the index of m.Pods().
type linter struct {
	m   *simulate.Model
	cfg config

	pods   []simulate.PodID
	podIdx map[simulate.PodID]int
	objs   []*corev1.Pod
	host   bitset.Set // hostNetwork pods: never policy subjects
	// isolating[d][i] are the policies that isolate pod i for direction d.
	isolating [2][][]*policy.Policy

	policies []*policy.Policy
	polIdx   map[string]int
	subjects []bitset.Set // per policy: the pods it selects
	// peers[pi][d][ri] is the set of pods rule ri admits; filled on demand.
	peers [][2][]bitset.Set
}

func newLinter(m *simulate.Model, cfg config) *linter {
	l := &linter{m: m, cfg: cfg, pods: m.Pods(), podIdx: map[simulate.PodID]int{}, polIdx: map[string]int{}}
	n := len(l.pods)
	l.host = bitset.New(n)
	l.objs = make([]*corev1.Pod, n)
	for d := range l.isolating {
		l.isolating[d] = make([][]*policy.Policy, n)
	}
	for i, id := range l.pods {
		l.podIdx[id] = i
		l.objs[i] = m.PodObject(id)
		if l.objs[i].Spec.HostNetwork {
			l.host.Add(i)
		}
		in, out, err := m.Selecting(id)
		must(err)
		l.isolating[ingress][i], l.isolating[egress][i] = in, out
	}
	l.policies = m.Policies()
	l.subjects = make([]bitset.Set, len(l.policies))
	l.peers = make([][2][]bitset.Set, len(l.policies))
	for pi, p := range l.policies {
		l.polIdx[p.ID()] = pi
		ids, err := m.SelectedBy(p.ID())
		must(err)
		l.subjects[pi] = l.setOf(ids)
		l.peers[pi] = [2][]bitset.Set{make([]bitset.Set, len(p.IngressRules)), make([]bitset.Set, len(p.EgressRules))}
	}
	return l
}

// must panics on an error the model returns only for an unknown pod,
// policy or Service; the linter asks only about those the model listed.
func must(err error) {
	if err != nil {
		panic("lint: " + err.Error())
	}
}

func (l *linter) setOf(ids []simulate.PodID) bitset.Set {
	s := bitset.New(len(l.pods))
	for _, id := range ids {
		s.Add(l.podIdx[id])
	}
	return s
}

func rules(p *policy.Policy, d int) []policy.Rule {
	if d == ingress {
		return p.IngressRules
	}
	return p.EgressRules
}

// rulePeers returns the pods rule ri of policy pi admits in direction d.
func (l *linter) rulePeers(pi, d, ri int) bitset.Set {
	if s := l.peers[pi][d][ri]; s != nil {
		return s
	}
	ids, err := l.m.RulePeers(l.policies[pi].ID(), dirNames[d], ri)
	must(err)
	s := l.setOf(ids)
	l.peers[pi][d][ri] = s
	return s
}

// namedPorts returns the numbers of pod's container ports named name with
// protocol proto, as the engine resolves a named port (spec.containers).
func namedPorts(pod *corev1.Pod, name string, proto corev1.Protocol) []int32 {
	var out []int32
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == name && cmp.Or(cp.Protocol, corev1.ProtocolTCP) == proto {
				out = append(out, cp.ContainerPort)
			}
		}
	}
	return out
}

// rulePorts returns the ports rule r allows toward a destination: named
// ports are resolved at dest, and match nothing when dest is nil (an
// address outside the cluster).
func rulePorts(r policy.Rule, dest *corev1.Pod) simulate.PortSet {
	if r.Ports == nil {
		return simulate.AllPorts()
	}
	var ranges []simulate.PortRange
	for _, p := range r.Ports {
		if p.Name == "" {
			ranges = append(ranges, simulate.PortRange{Protocol: p.Protocol, Start: p.Start, End: p.End})
			continue
		}
		if dest != nil {
			for _, n := range namedPorts(dest, p.Name, p.Protocol) {
				ranges = append(ranges, simulate.PortRange{Protocol: p.Protocol, Start: n, End: n})
			}
		}
	}
	return simulate.NewPortSet(ranges...)
}

// subset reports whether every port of a is in b.
func subset(a, b simulate.PortSet) bool { return a.Intersect(b).Equal(a) }

// contained reports whether every member of a is in b.
func contained(a, b bitset.Set) bool {
	d := a.Clone()
	d.AndNot(b)
	return d.IsEmpty()
}

func (l *linter) podObject(i int) Object {
	return Object{Kind: "Pod", Namespace: l.pods[i].Namespace, Name: l.pods[i].Name}
}

func policyObject(p *policy.Policy) Object {
	return Object{Kind: "NetworkPolicy", Namespace: p.Namespace, Name: p.Name}
}

// labelsInclude reports whether labels holds every key and value of want.
func labelsInclude(labels, want map[string]string) bool {
	for k, v := range want {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// listNames renders names for a message: all of them up to max, or the
// first max and how many more.
func listNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ruleField returns the field path of a rule: spec.ingress[1].
func ruleField(d, ri int) string { return fmt.Sprintf("spec.%s[%d]", dirNames[d], ri) }

// peersField returns the field path of a rule's peers: spec.ingress[1].from.
func peersField(d, ri int) string {
	if d == ingress {
		return ruleField(d, ri) + ".from"
	}
	return ruleField(d, ri) + ".to"
}
