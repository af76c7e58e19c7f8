package simulate

import (
	"fmt"
	"slices"
)

// Decider names what decided one direction of a connection.
type Decider struct {
	// Allowed is the direction's answer.
	Allowed bool
	// By is "admin" or "baseline" (a tiered rule decided: Rule),
	// "networkpolicy" (the pod is isolated by NetworkPolicies, Policies,
	// after any Admin Pass), "exempt" (a pod to itself or node traffic, see
	// the options) or "" (nothing isolates the pod and no tiered rule
	// matches: allowed).
	By string
	// Rule is the deciding tiered rule when By is "admin" or "baseline";
	// the zero TieredMatch otherwise.
	Rule TieredMatch
	// Policies are the NetworkPolicies when By is "networkpolicy": those
	// that allow, or, when denied, those that isolate the pod, sorted by
	// namespace and name; nil otherwise.
	Policies []ObjectID
}

// String renders d as "denied by admin policy x (priority 10) egress rule
// 1", "allowed by NetworkPolicies shop/api", "allowed (no policy)".
func (d Decider) String() string {
	verb := "denied"
	if d.Allowed {
		verb = "allowed"
	}
	switch d.By {
	case "admin", "baseline":
		return fmt.Sprintf("%s by %s (%s)", verb, d.Rule, d.Rule.Action)
	case "networkpolicy":
		if d.Allowed {
			return fmt.Sprintf("%s by NetworkPolicy %s", verb, joinIDs(d.Policies))
		}
		return fmt.Sprintf("%s: isolated by NetworkPolicy %s, no rule allows it", verb, joinIDs(d.Policies))
	case "exempt":
		return verb + " (exempt: own traffic or node traffic)"
	}
	return verb + " (no policy)"
}

// Attribution says, for one pair of pods whose connection differs between
// two models, what decided each direction before and after, on one port
// where the verdict differs.
type Attribution struct {
	From, To PodID
	// Port is the port judged: the lowest port gained, else the lowest lost.
	Port PortSpec
	// BeforeEgress and BeforeIngress decided in the first model (the
	// sender's egress, the receiver's ingress); AfterEgress and
	// AfterIngress in the second.
	BeforeEgress, BeforeIngress, AfterEgress, AfterIngress Decider
}

// ClusterPolicies reports whether a tiered cluster policy decides either
// direction before or after: the change is caused, or shaped, by cluster
// policies rather than by NetworkPolicies alone.
func (a Attribution) ClusterPolicies() bool {
	for _, d := range []Decider{a.BeforeEgress, a.BeforeIngress, a.AfterEgress, a.AfterIngress} {
		if d.By == "admin" || d.By == "baseline" {
			return true
		}
	}
	return false
}

// Attribute explains every connection of d, the [Diff] of a (before) and b
// (after): for each pair Added, Removed and Changed, in that order, what
// decided it on its first differing port, from the models' own verdict
// explanations ([Verdict.Egress], [Verdict.Ingress]). It costs two
// explained verdicts per pair (the rules of the policies selecting the two
// pods); use it on the pairs a person will read. A pair whose pods either
// model lacks is an error (d is not a Diff of a and b).
func Attribute(a, b *Model, d *Delta) ([]Attribution, error) {
	var out []Attribution
	add := func(from, to PodID, ports PortSet) error {
		rs := ports.Ranges()
		if len(rs) == 0 {
			return nil
		}
		port := PortSpec{Protocol: rs[0].Protocol, Start: rs[0].Start, End: rs[0].Start}
		x := Attribution{From: from, To: to, Port: port}
		for _, side := range []struct {
			m      *Model
			eg, in *Decider
		}{{a, &x.BeforeEgress, &x.BeforeIngress}, {b, &x.AfterEgress, &x.AfterIngress}} {
			v, err := side.m.Check(Pod(from.Namespace, from.Name), Pod(to.Namespace, to.Name), port)
			if err != nil {
				return fmt.Errorf("simulate: attribute %s → %s: %w", from, to, err)
			}
			*side.eg, *side.in = decider(v, v.Egress()), decider(v, v.Ingress())
		}
		out = append(out, x)
		return nil
	}
	for _, p := range d.Added {
		if err := add(p.From, p.To, p.Ports); err != nil {
			return nil, err
		}
	}
	for _, p := range d.Removed {
		if err := add(p.From, p.To, p.Ports); err != nil {
			return nil, err
		}
	}
	for _, c := range d.Changed {
		ports := c.Gained()
		if ports.IsEmpty() {
			ports = c.Lost()
		}
		if err := add(c.From, c.To, ports); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decider reads what decided one side of v from its explanation.
func decider(v Verdict, s Side) Decider {
	d := Decider{Allowed: s.Allowed}
	if v.reason == bySelf || v.reason == byNode {
		d.By = "exempt"
		return d
	}
	if n := len(s.Tiered); n > 0 {
		last := s.Tiered[n-1]
		if last.Tier == "baseline" || last.Action != "Pass" {
			d.By, d.Rule = last.Tier, last
			return d
		}
	}
	if s.Isolated {
		d.By = "networkpolicy"
		d.Policies = slices.Clone(s.Policies)
		if s.Allowed {
			d.Policies = d.Policies[:0]
			for _, r := range s.AllowedBy {
				if !slices.Contains(d.Policies, r.Policy) {
					d.Policies = append(d.Policies, r.Policy)
				}
			}
		}
	}
	return d
}
