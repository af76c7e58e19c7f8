package lint

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/simulate"
)

// namedPortsUnserved reports rule ports given by a name that no pod serves
// where the name resolves: at the policy's subjects for ingress, at the
// rule's peers for egress.
func (l *linter) namedPortsUnserved() []Finding {
	var out []Finding
	for pi, p := range l.policies {
		if len(l.subjects[pi]) == 0 {
			continue // policy-selects-nothing
		}
		for d := range dirNames {
			for ri, r := range rules(p, d) {
				servers := l.subjects[pi]
				where := "no pod the policy selects"
				if d == egress {
					peers := l.rulePeers(pi, d, ri)
					servers = slices.Collect(peers.All())
					where = "no pod the rule may reach"
					if peers.IsEmpty() {
						if only, _ := selectorPeersOnly(r); only {
							continue // peer-matches-nothing
						}
						where = "the rule reaches only addresses outside the cluster, and none"
					}
				}
				for pj, port := range r.Ports {
					if port.Name == "" || l.serves(servers, port.Name, port.Protocol) {
						continue
					}
					out = append(out, Finding{Rule: "named-port-unserved", Severity: Warning, Object: policyObject(p),
						Field:   fmt.Sprintf("%s.ports[%d]", ruleField(d, ri), pj),
						Message: fmt.Sprintf("%s serves a %s port named %q, so %s matches nothing", where, port.Protocol, port.Name, port),
						Hint:    "use the name of a container port of those pods (name and protocol must both match), or the port number",
					})
				}
			}
		}
	}
	return out
}

// serves reports whether the pods of some of classes serve a port with the
// name and protocol, as a policy's named port resolves (the pods of a class
// agree on the port names rules use, so one pod answers for its class).
func (l *linter) serves(classes []simulate.ClassID, name string, proto corev1.Protocol) bool {
	for _, c := range classes {
		numbers, err := l.m.NamedPorts(l.rep[c], name, proto)
		must(err)
		if len(numbers) > 0 {
			return true
		}
	}
	return false
}
