package lint

import (
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

// directions are the model's directions, in the order of dirNames.
var directions = [2]simulate.Direction{simulate.Ingress, simulate.Egress}

// linter holds what the checks share, computed once from the model's public
// API. Pods are numbered as in m.Pods(); classes as in m.Classes(). Every
// set of pods a check needs is a set of classes (the pods of a class are
// alike to every policy), so the linter holds no set per policy.
type linter struct {
	m   *simulate.Model
	cfg config

	pods    []simulate.PodID
	podIdx  map[simulate.PodID]int
	objs    []*corev1.Pod
	host    bitset.Set         // hostNetwork pods: never policy subjects
	classOf []simulate.ClassID // per pod
	rep     []simulate.PodID   // per class: its representative pod
	// isolating[d][c] are the policies that isolate the pods of class c for
	// direction d.
	isolating [2][][]*policy.Policy

	policies []*policy.Policy
	polIdx   map[string]int
	subjects [][]simulate.ClassID // per policy: the classes it selects, sorted
	// peers[pi][d][ri] are the classes rule ri admits: the model's own
	// sets (interned, shared by equal rules), so each costs a slice header.
	peers   [][2][]simulate.ClassSet
	members [][]simulate.PodID // per class: its pods
	// hostClass[c]: class c holds hostNetwork pods the model treats as
	// their node.
	hostClass []bool
	// defaultOpen[d][c]: openByDefault's answers.
	defaultOpen [2]map[simulate.ClassID][2]bool

	tieredState // for the tiered checks, filled by initTiered
}

func newLinter(m *simulate.Model, cfg config) *linter {
	l := &linter{m: m, cfg: cfg, pods: m.Pods(), podIdx: map[simulate.PodID]int{}, polIdx: map[string]int{}}
	n := len(l.pods)
	l.host = bitset.New(n)
	l.objs = make([]*corev1.Pod, n)
	l.classOf = make([]simulate.ClassID, n)
	for i, id := range l.pods {
		l.podIdx[id] = i
		l.objs[i], _ = m.PodObject(id) // id is one of m.Pods(): no error
	}
	classes := m.Classes()
	l.rep = make([]simulate.PodID, len(classes))
	l.members = make([][]simulate.PodID, len(classes))
	l.hostClass = make([]bool, len(classes))
	for d := range l.isolating {
		l.isolating[d] = make([][]*policy.Policy, len(classes))
	}
	for _, c := range classes {
		l.rep[c.ID] = c.Pods[0]
		l.members[c.ID] = c.Pods
		l.hostClass[c.ID] = c.HostNetwork
		for _, id := range c.Pods {
			l.classOf[l.podIdx[id]] = c.ID
			if c.HostNetwork { // the model's answer, which follows simulate.HostNetworkPods
				l.host.Add(l.podIdx[id])
			}
		}
		in, out, err := m.Selecting(c.Pods[0])
		must(err)
		l.isolating[ingress][c.ID], l.isolating[egress][c.ID] = in, out
	}
	l.policies = m.Policies()
	l.subjects = make([][]simulate.ClassID, len(l.policies))
	l.peers = make([][2][]simulate.ClassSet, len(l.policies))
	for pi, p := range l.policies {
		l.polIdx[p.ID()] = pi
		cs, err := m.SelectedClasses(simulate.ObjectID{Namespace: p.Namespace, Name: p.Name})
		must(err)
		l.subjects[pi] = cs
		for d := range dirNames {
			l.peers[pi][d] = make([]simulate.ClassSet, len(rules(p, d)))
			for ri := range l.peers[pi][d] {
				l.peers[pi][d][ri], err = m.RulePeerClasses(l.ref(pi, d, ri))
				must(err)
			}
		}
	}
	return l
}

// must panics on an error the model returns only for an unknown pod,
// policy, rule or Service; the linter asks only about those the model listed.
func must(err error) {
	if err != nil {
		panic("lint: " + err.Error())
	}
}

// isolatingPod returns the policies that isolate pod i for direction d.
func (l *linter) isolatingPod(d, i int) []*policy.Policy { return l.isolating[d][l.classOf[i]] }

func rules(p *policy.Policy, d int) []policy.Rule {
	if d == ingress {
		return p.IngressRules
	}
	return p.EgressRules
}

// ref names rule ri of direction d of policy pi for the model.
func (l *linter) ref(pi, d, ri int) simulate.RuleRef {
	p := l.policies[pi]
	return simulate.RuleRef{Policy: simulate.ObjectID{Namespace: p.Namespace, Name: p.Name}, Direction: directions[d], Index: ri}
}

// rulePeers returns the classes rule ri of policy pi admits in direction d.
func (l *linter) rulePeers(pi, d, ri int) simulate.ClassSet { return l.peers[pi][d][ri] }

// rulePorts returns the ports rule ri of policy pi allows toward the pods
// of class c (named ports resolved there by the model), or toward an
// address outside the cluster when c is -1.
func (l *linter) rulePorts(pi, d, ri int, c simulate.ClassID) simulate.PortSet {
	var dest simulate.PodID
	if c >= 0 {
		dest = l.rep[c]
	}
	ports, err := l.m.RulePorts(l.ref(pi, d, ri), dest)
	must(err)
	return ports
}

// subset reports whether every port of a is in b.
func subset(a, b simulate.PortSet) bool { return a.Difference(b).IsEmpty() }

// sortedSubset reports whether every class of a is in b; both are sorted.
func sortedSubset(a, b []simulate.ClassID) bool {
	j := 0
	for _, c := range a {
		for j < len(b) && b[j] < c {
			j++
		}
		if j == len(b) || b[j] != c {
			return false
		}
	}
	return true
}

func (l *linter) podObject(i int) Object {
	return Object{Kind: "Pod", Namespace: l.pods[i].Namespace, Name: l.pods[i].Name}
}

func policyObject(p *policy.Policy) Object {
	return Object{Kind: "NetworkPolicy", Namespace: p.Namespace, Name: p.Name}
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
