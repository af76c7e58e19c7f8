package lint

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/netpolsim/netpolsim/internal/bitset"
)

// namedPortsUnserved reports rule ports given by a name that no pod serves
// where the name resolves: at the policy's subjects for ingress, at the
// rule's peers for egress.
func (l *linter) namedPortsUnserved() []Finding {
	var out []Finding
	for pi, p := range l.policies {
		if l.subjects[pi].IsEmpty() {
			continue // policy-selects-nothing
		}
		for d := range dirNames {
			for ri, r := range rules(p, d) {
				var servers bitset.Set
				where := "no pod the policy selects"
				if d == ingress {
					servers = l.subjects[pi]
				} else {
					servers = l.rulePeers(pi, d, ri)
					where = "no pod the rule may reach"
					if servers.IsEmpty() {
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

func (l *linter) serves(pods bitset.Set, name string, proto corev1.Protocol) bool {
	for i := range pods.Members() {
		if len(namedPorts(l.objs[i], name, proto)) > 0 {
			return true
		}
	}
	return false
}
