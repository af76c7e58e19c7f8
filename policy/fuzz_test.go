package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/netpolsim/netpolsim/internal/fielderr"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"pgregory.net/rapid"
)

// FuzzCompile feeds Compile whatever NetworkPolicy the fuzz bytes decode to
// as JSON and checks that it neither panics nor breaks the documented
// invariants of its result or its error.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		shopDB(`{"podSelector":{}}`),
		shopDB(`{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}}],"ports":[{"port":5432}]}]}`),
		shopDB(`{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}],"ports":[{"protocol":"UDP","port":53,"endPort":60}]}],"policyTypes":["Egress"]}`),
		shopDB(`{"podSelector":{},"ingress":[{"from":[{}]}],"policyTypes":["Ingress","Egress","x"]}`),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var np networkingv1.NetworkPolicy
		if json.Unmarshal(data, &np) != nil {
			return
		}
		checkCompile(t, &np)
	})
}

// TestCompileInvariants is the structured counterpart of FuzzCompile: it
// draws policies from small pools of valid and invalid parts, so that every
// rule is exercised in combination with the others.
func TestCompileInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkCompile(t, genPolicy().Draw(t, "policy"))
	})
}

// tester is the part of testing.TB that *rapid.T implements too.
type tester interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// checkCompile compiles np twice and checks the result against the
// documented invariants.
func checkCompile(t tester, np *networkingv1.NetworkPolicy) {
	t.Helper()
	p, err := Compile(np)
	p2, err2 := Compile(np)
	if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
		t.Fatalf("two compilations fail differently:\n%v\n%v", err, err2)
	}
	if verr := Validate(np); !reflect.DeepEqual(verr, err) {
		t.Fatalf("Validate gives\n%v\nCompile gives\n%v", verr, err)
	}
	if err != nil {
		if p != nil {
			t.Fatalf("Compile returned a policy with its error: %v", p)
		}
		var perr *Error
		if !errors.As(err, &perr) || len(perr.Errs) == 0 {
			t.Fatalf("Compile error %T %q is not an *Error with field errors", err, err)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, fielderr.OneLine("policy: "+np.Namespace+"/"+np.Name)+": ") {
				t.Fatalf("error line %q lacks the policy prefix", line)
			}
		}
		return
	}
	if p.String() != p2.String() {
		t.Fatalf("two compilations differ: %s, %s", p, p2)
	}
	if p.Namespace != np.Namespace || p.Name != np.Name {
		t.Fatalf("policy %s compiled from %s/%s", p.ID(), np.Namespace, np.Name)
	}
	if !p.Ingress && !p.Egress {
		t.Fatalf("policy %s isolates no direction", p)
	}
	if !p.Ingress && p.IngressRules != nil || !p.Egress && p.EgressRules != nil {
		t.Fatalf("policy %s keeps rules of a direction not in effect", p)
	}
	for _, rules := range [][]Rule{p.IngressRules, p.EgressRules} {
		if rules != nil && len(rules) == 0 {
			t.Fatal("empty non-nil rule list")
		}
		for _, r := range rules {
			checkRule(t, r)
		}
	}
}

func checkRule(t tester, r Rule) {
	t.Helper()
	if r.Peers != nil && len(r.Peers) == 0 || r.Ports != nil && len(r.Ports) == 0 {
		t.Fatalf("rule %+v has an empty non-nil list", r)
	}
	for _, peer := range r.Peers {
		_ = peer.String()
		switch {
		case (peer.Pods == nil) == (peer.IPBlock == nil):
			t.Fatalf("peer %+v is not exactly one of pods and ipBlock", peer)
		case peer.Pods != nil:
			if peer.Pods.SameNamespace && !peer.Pods.Namespaces.MatchesNothing() {
				t.Fatalf("peer %s: SameNamespace with a namespace selector", peer)
			}
		default:
			b := peer.IPBlock
			if !b.CIDR.IsValid() || b.CIDR != b.CIDR.Masked() || b.CIDR.Addr().Is4In6() && b.CIDR.Bits() >= 96 {
				t.Fatalf("peer %s: CIDR not normalized", peer)
			}
			if b.Except != nil && len(b.Except) == 0 {
				t.Fatalf("peer %s: empty non-nil Except", peer)
			}
			for _, e := range b.Except {
				if e != e.Masked() || e.Addr().Is4() != b.CIDR.Addr().Is4() || e.Bits() <= b.CIDR.Bits() || !b.CIDR.Contains(e.Addr()) {
					t.Fatalf("peer %s: except %s not masked and strictly inside", peer, e)
				}
				if b.Contains(e.Addr()) {
					t.Fatalf("peer %s contains %s", peer, e.Addr())
				}
			}
		}
	}
	for _, port := range r.Ports {
		_ = port.String()
		switch port.Protocol {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			t.Fatalf("port %s: bad protocol", port)
		}
		if port.Name != "" {
			if port.Start != 0 || port.End != 0 || len(validation.IsValidPortName(port.Name)) > 0 {
				t.Fatalf("port %#v: bad named port", port)
			}
		} else if port.Start < 1 || port.Start > port.End || port.End > 65535 {
			t.Fatalf("port %#v: bad range", port)
		}
	}
}

// Pools of parts, valid ones first; a few break a rule on purpose.
var (
	namePool      = []string{"db", "allow-api", "a.b", "", "DB", "-x"}
	namespacePool = []string{"shop", "kube-system", "", "a.b", "Shop"}
	selectorPool  = []*metav1.LabelSelector{
		nil,
		{},
		{MatchLabels: map[string]string{"app": "db"}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists, Values: []string{"a"}}}},
		{MatchLabels: map[string]string{"bad key": "x"}},
	}
	protocolPool = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP, "ICMP", ""}
	portPool     = []intstr.IntOrString{intstr.FromInt32(80), intstr.FromInt32(1), intstr.FromInt32(65535), intstr.FromString("http"), intstr.FromString("dns-tcp"), intstr.FromInt32(0), intstr.FromInt32(65536), intstr.FromInt32(-1), intstr.FromString("80"), intstr.FromString("HTTP"), intstr.FromString("")}
	endPortPool  = []int32{80, 8080, 65535, 79, 0, 65536}
	cidrPool     = []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.1.1/24", "0.0.0.0/0", "2001:db8::/32", "2001:db8:1::/48", "::/0", "::ffff:10.0.0.0/104", "::ffff:10.1.0.0/112", "010.0.0.0/8", "", "bad", "10.0.0.0/33"}
	typePool     = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress, "ingress"}
)

func genSelectorPtr(t *rapid.T, label string) *metav1.LabelSelector {
	ls := rapid.SampledFrom(selectorPool).Draw(t, label)
	if ls == nil {
		return nil
	}
	return ls.DeepCopy()
}

func genPorts(t *rapid.T) []networkingv1.NetworkPolicyPort {
	n := rapid.IntRange(-1, 3).Draw(t, "ports")
	if n < 0 {
		return nil
	}
	ports := make([]networkingv1.NetworkPolicyPort, n)
	for i := range ports {
		if rapid.Bool().Draw(t, "hasProtocol") {
			proto := rapid.SampledFrom(protocolPool).Draw(t, "protocol")
			ports[i].Protocol = &proto
		}
		if rapid.IntRange(0, 3).Draw(t, "hasPort") > 0 {
			port := rapid.SampledFrom(portPool).Draw(t, "port")
			ports[i].Port = &port
		}
		if rapid.IntRange(0, 3).Draw(t, "hasEndPort") == 0 {
			end := rapid.SampledFrom(endPortPool).Draw(t, "endPort")
			ports[i].EndPort = &end
		}
	}
	return ports
}

func genPeers(t *rapid.T) []networkingv1.NetworkPolicyPeer {
	n := rapid.IntRange(-1, 3).Draw(t, "peers")
	if n < 0 {
		return nil
	}
	peers := make([]networkingv1.NetworkPolicyPeer, n)
	for i := range peers {
		switch rapid.IntRange(0, 4).Draw(t, "peerKind") {
		case 0:
			peers[i].PodSelector = genSelectorPtr(t, "podSelector")
		case 1:
			peers[i].NamespaceSelector = genSelectorPtr(t, "namespaceSelector")
		case 2:
			peers[i].PodSelector = genSelectorPtr(t, "podSelector")
			peers[i].NamespaceSelector = genSelectorPtr(t, "namespaceSelector")
		default:
			peers[i].IPBlock = &networkingv1.IPBlock{
				CIDR:   rapid.SampledFrom(cidrPool).Draw(t, "cidr"),
				Except: rapid.SliceOfN(rapid.SampledFrom(cidrPool), 0, 3).Draw(t, "except"),
			}
			if rapid.IntRange(0, 9).Draw(t, "alsoSelector") == 0 {
				peers[i].PodSelector = genSelectorPtr(t, "podSelector")
			}
		}
	}
	return peers
}

func genPolicy() *rapid.Generator[*networkingv1.NetworkPolicy] {
	return rapid.Custom(func(t *rapid.T) *networkingv1.NetworkPolicy {
		np := &networkingv1.NetworkPolicy{}
		np.Name = rapid.SampledFrom(namePool).Draw(t, "name")
		np.Namespace = rapid.SampledFrom(namespacePool).Draw(t, "namespace")
		if ls := genSelectorPtr(t, "subject"); ls != nil {
			np.Spec.PodSelector = *ls
		}
		for range rapid.IntRange(0, 2).Draw(t, "ingressRules") {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{Ports: genPorts(t), From: genPeers(t)})
		}
		for range rapid.IntRange(0, 2).Draw(t, "egressRules") {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{Ports: genPorts(t), To: genPeers(t)})
		}
		np.Spec.PolicyTypes = rapid.SliceOfN(rapid.SampledFrom(typePool), 0, 3).Draw(t, "policyTypes")
		return np
	})
}

// TestFuzzCorpusDecodes guards the seed corpus: FuzzCompile skips input that
// is not a NetworkPolicy, so a broken seed would test nothing, silently.
func TestFuzzCorpusDecodes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzCompile", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus: %v", err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		header, value, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
		quoted, ok := strings.CutPrefix(value, "[]byte(")
		quoted, ok2 := strings.CutSuffix(quoted, ")")
		if header != "go test fuzz v1" || !ok || !ok2 {
			t.Errorf("%s: not a go test fuzz v1 file with one []byte value", file)
			continue
		}
		js, err := strconv.Unquote(quoted)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		decode(t, js)
	}
}
