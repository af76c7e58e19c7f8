package simulate

import (
	"fmt"
	"strings"

	"github.com/netpolsim/netpolsim/policy"
)

// ObjectID names a namespaced object of the cluster by namespace and name:
// a pod, a Service or a NetworkPolicy. It is the one way the package names
// such objects, in what it takes (Service lookups, rule references,
// selection queries) and in what it returns.
//
// The zero ObjectID names no object: where a method takes one to mean
// "not a pod of the cluster" its documentation says so (see
// [Model.RulePorts]); everywhere else, like any ID the model does not
// hold, it is an error wrapping [ErrNotFound]. IDs are comparable and
// usable as map keys; they sort with [ObjectID.Compare].
type ObjectID struct {
	Namespace, Name string
}

// PodID is an [ObjectID] that names a pod. It is the same type, not a
// conversion away: the name only says, in signatures and fields, that the
// object is a pod.
type PodID = ObjectID

// ParseObjectID reads "NAMESPACE/NAME", the form [ObjectID.String] prints.
// Both parts must be non-empty and hold no "/" (no Kubernetes namespace or
// object name does); their syntax is not checked further, so that a name no
// object has is reported by the lookup that does not find it.
func ParseObjectID(s string) (ObjectID, error) {
	ns, name, ok := strings.Cut(s, "/")
	switch {
	case !ok:
		return ObjectID{}, fmt.Errorf("simulate: object ID %q: want NAMESPACE/NAME", s)
	case ns == "":
		return ObjectID{}, fmt.Errorf("simulate: object ID %q: empty namespace", s)
	case name == "":
		return ObjectID{}, fmt.Errorf("simulate: object ID %q: empty name", s)
	case strings.Contains(name, "/"):
		return ObjectID{}, fmt.Errorf("simulate: object ID %q: more than one \"/\": want NAMESPACE/NAME", s)
	}
	return ObjectID{ns, name}, nil
}

// String returns "namespace/name" ("/" for the zero ObjectID).
func (id ObjectID) String() string { return id.Namespace + "/" + id.Name }

// Compare orders IDs by namespace, then name: -1, 0 or +1, as
// [strings.Compare] does. Every sorted list of IDs the package returns is
// in this order.
func (id ObjectID) Compare(o ObjectID) int { return cmpID(id, o) }

// MarshalText encodes id as "namespace/name", so that JSON shows the same
// string as String, and the zero ObjectID as the empty string. An ID that
// would not read back (one part empty, or holding a "/") is an error.
func (id ObjectID) MarshalText() ([]byte, error) {
	if id == (ObjectID{}) {
		return []byte{}, nil
	}
	s := id.String()
	if _, err := ParseObjectID(s); err != nil || strings.Contains(id.Namespace, "/") {
		return nil, fmt.Errorf("simulate: object ID {%q, %q}: want a namespace and a name, neither empty nor holding \"/\"", id.Namespace, id.Name)
	}
	return []byte(s), nil
}

// UnmarshalText decodes what MarshalText encodes: "" is the zero ObjectID,
// anything else is read by [ParseObjectID].
func (id *ObjectID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ObjectID{}
		return nil
	}
	v, err := ParseObjectID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// TieredPolicyID names a tiered cluster policy: its kind
// ([policy.KindClusterNetworkPolicy], [policy.KindAdminNetworkPolicy] or
// [policy.KindBaselineAdminNetworkPolicy]) and name. Tiered policies are
// cluster-scoped, so the kind, not a namespace, tells apart two policies of
// one name. It is the ID of [policy.ClusterPolicy.ID] as a value. The zero
// TieredPolicyID names no policy; methods that take one report it, as any
// ID the model does not hold, as an error wrapping [ErrNotFound].
type TieredPolicyID struct {
	Kind, Name string
}

// ParseTieredPolicyID reads "Kind/name", the form [TieredPolicyID.String]
// prints. Kind must be one of the three tiered kinds (case matters, as in
// manifests); the name must be non-empty and hold no "/".
func ParseTieredPolicyID(s string) (TieredPolicyID, error) {
	kind, name, ok := strings.Cut(s, "/")
	switch {
	case !ok:
		return TieredPolicyID{}, fmt.Errorf("simulate: tiered policy ID %q: want KIND/NAME", s)
	case !tieredKind(kind):
		return TieredPolicyID{}, fmt.Errorf("simulate: tiered policy ID %q: kind %q: want %s, %s or %s", s, kind,
			policy.KindClusterNetworkPolicy, policy.KindAdminNetworkPolicy, policy.KindBaselineAdminNetworkPolicy)
	case name == "":
		return TieredPolicyID{}, fmt.Errorf("simulate: tiered policy ID %q: empty name", s)
	case strings.Contains(name, "/"):
		return TieredPolicyID{}, fmt.Errorf("simulate: tiered policy ID %q: more than one \"/\": want KIND/NAME", s)
	}
	return TieredPolicyID{kind, name}, nil
}

func tieredKind(k string) bool {
	return k == policy.KindClusterNetworkPolicy || k == policy.KindAdminNetworkPolicy || k == policy.KindBaselineAdminNetworkPolicy
}

// String returns "Kind/name" ("/" for the zero TieredPolicyID).
func (id TieredPolicyID) String() string { return id.Kind + "/" + id.Name }

// displayName names the policy in sentences, as
// [policy.ClusterPolicy.DisplayName] does: the bare name of a
// ClusterNetworkPolicy, "Kind/name" for the legacy kinds.
func (id TieredPolicyID) displayName() string {
	if id.Kind == policy.KindClusterNetworkPolicy {
		return id.Name
	}
	return id.String()
}

// MarshalText encodes id as "Kind/name", so that JSON shows the same string
// as String, and the zero TieredPolicyID as the empty string. An ID that
// would not read back (an unknown kind, an empty name or one holding "/") is
// an error.
func (id TieredPolicyID) MarshalText() ([]byte, error) {
	if id == (TieredPolicyID{}) {
		return []byte{}, nil
	}
	s := id.String()
	if _, err := ParseTieredPolicyID(s); err != nil {
		return nil, fmt.Errorf("simulate: tiered policy ID {%q, %q}: want a tiered kind and a name, not empty nor holding \"/\"", id.Kind, id.Name)
	}
	return []byte(s), nil
}

// UnmarshalText decodes what MarshalText encodes: "" is the zero
// TieredPolicyID, anything else is read by [ParseTieredPolicyID].
func (id *TieredPolicyID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = TieredPolicyID{}
		return nil
	}
	v, err := ParseTieredPolicyID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// RuleRef names one rule of one NetworkPolicy, e.g. "shop/db-allow-api
// ingress[0]". Methods that take a RuleRef report an unknown policy (an
// error wrapping [ErrNotFound]), a Direction other than [Ingress] and
// [Egress], and an Index outside the policy's rules of that direction as
// errors; the zero RuleRef is such an error.
type RuleRef struct {
	Policy    ObjectID
	Direction Direction
	Index     int // position in spec.ingress or spec.egress
}

// String renders r as "namespace/name direction[index]".
func (r RuleRef) String() string { return fmt.Sprintf("%s %s[%d]", r.Policy, r.Direction, r.Index) }

// TieredRuleRef names one rule of one tiered cluster policy, e.g.
// "AdminNetworkPolicy/deny-ops egress[1]". Methods that take one report
// errors as for [RuleRef]; the zero TieredRuleRef is an error.
type TieredRuleRef struct {
	Policy    TieredPolicyID
	Direction Direction
	Index     int // position in spec.ingress or spec.egress
}

// String renders r as "Kind/name direction[index]".
func (r TieredRuleRef) String() string {
	return fmt.Sprintf("%s %s[%d]", r.Policy, r.Direction, r.Index)
}

// TieredMatch is a rule of a tiered cluster policy that matched a
// connection: it decided it (Accept, Deny) or passed it on (Pass), as
// verdicts ([Side.Tiered]) and attributions ([Decider.Rule]) name it.
// The embedded [TieredRuleRef] locates the rule; the other fields are the
// policy's tier and priority and the rule's action, so that the match
// reads on its own (see String).
type TieredMatch struct {
	TieredRuleRef
	// Tier is "admin" or "baseline".
	Tier string
	// Priority is the policy's (none, 0, for a BaselineAdminNetworkPolicy).
	Priority int32
	// Action is "Accept", "Deny" or "Pass".
	Action string
}

// String renders r as "admin policy deny-to-kube-system (priority 10)
// egress rule 0": a ClusterNetworkPolicy by its bare name, the legacy kinds
// as "Kind/name", without priority for a BaselineAdminNetworkPolicy.
func (r TieredMatch) String() string {
	prio := fmt.Sprintf(" (priority %d)", r.Priority)
	if r.Policy.Kind == policy.KindBaselineAdminNetworkPolicy {
		prio = ""
	}
	return fmt.Sprintf("%s policy %s%s %s rule %d", r.Tier, r.Policy.displayName(), prio, r.Direction, r.Index)
}

// joinIDs renders ids as "a/b, c/d".
func joinIDs(ids []ObjectID) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(id.Namespace)
		b.WriteByte('/')
		b.WriteString(id.Name)
	}
	return b.String()
}
