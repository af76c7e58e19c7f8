package simulate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

var (
	shopMonitor  = PodID{"ops", "monitor-0"}
	shopAPI      = PodID{"shop", "api-0"}
	shopDB       = PodID{"shop", "db-0"}
	shopFrontend = PodID{"shop", "frontend-0"}
)

func TestMatrixPortsShop(t *testing.T) {
	mx := mustCompile(t, shop()).Matrix()
	for _, c := range []struct {
		from, to PodID
		want     string
	}{
		// db accepts TCP/5432 from api and from namespace ops.
		{shopAPI, shopDB, "TCP/5432"},
		{shopMonitor, shopDB, "TCP/5432"},
		{shopFrontend, shopDB, "none"}, // frontend's egress goes to api and to 443 outside 10/8
		// frontend accepts its named port http (8080) from anyone.
		{shopAPI, shopFrontend, "TCP/8080"},
		{shopDB, shopFrontend, "TCP/8080"},
		{shopMonitor, shopFrontend, "TCP/8080"},
		// api accepts its named port http (9090) from frontend only.
		{shopFrontend, shopAPI, "TCP/9090"},
		{shopDB, shopAPI, "none"},
		{shopMonitor, shopAPI, "none"},
		// ops is not isolated; frontend's ipBlock excepts 10.0.0.0/8.
		{shopAPI, shopMonitor, "all"},
		{shopDB, shopMonitor, "all"},
		{shopFrontend, shopMonitor, "none"},
		// A pod reaches itself.
		{shopFrontend, shopFrontend, "all"},
		{shopDB, shopDB, "all"},
		// Unknown pods: an error (TestUnknownPodsAreErrors).
	} {
		if diff := cmp.Diff(c.want, mustPorts(mx.Ports(c.from, c.to)).String()); diff != "" {
			t.Errorf("Ports(%s, %s) (-want +got):\n%s", c.from, c.to, diff)
		}
	}
}

// TestMatrixPortsRanges has rules that overlap, split and sit at the ends of
// the port space, on every protocol.
func TestMatrixPortsRanges(t *testing.T) {
	endPort := func(p networkingv1.NetworkPolicyPort, end int32) networkingv1.NetworkPolicyPort {
		p.EndPort = &end
		return p
	}
	c := Cluster{
		Pods: []corev1.Pod{
			mkPod("shop", "client-0", "10.0.0.1", map[string]string{"app": "client"}),
			mkPod("shop", "server-0", "10.0.0.2", map[string]string{"app": "server"}, cport("metrics", udp, 9100), cport("metrics", tcp, 9200)),
			mkPod("shop", "other-0", "10.0.0.3", map[string]string{"app": "other"}),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "server-a", map[string]string{"app": "server"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "client"})}},
					Ports: []networkingv1.NetworkPolicyPort{
						endPort(npPort(tcp, intstr.FromInt32(1)), 10),
						endPort(npPort(tcp, intstr.FromInt32(8000)), 8080),
						npPort(udp, intstr.FromInt32(65535)),
						npPort(udp, intstr.FromString("metrics")),
					},
				}}
			}),
			mkPolicy("shop", "server-b", map[string]string{"app": "server"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{
					{
						From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "client"})}},
						Ports: []networkingv1.NetworkPolicyPort{endPort(npPort(tcp, intstr.FromInt32(8050)), 8100), endPort(npPort(tcp, intstr.FromInt32(11)), 11)},
					},
					{Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptrTo(sctp)}}},
				}
			}),
			mkPolicy("shop", "client-egress", map[string]string{"app": "client"}, func(s *networkingv1.NetworkPolicySpec) {
				s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
				s.Egress = []networkingv1.NetworkPolicyEgressRule{
					{Ports: []networkingv1.NetworkPolicyPort{endPort(npPort(tcp, intstr.FromInt32(5)), 8060)}},
					{Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptrTo(udp)}, {Protocol: ptrTo(sctp)}}},
				}
			}),
		},
	}
	mx := mustCompile(t, c).Matrix()
	client, server, other := PodID{"shop", "client-0"}, PodID{"shop", "server-0"}, PodID{"shop", "other-0"}
	for _, c := range []struct {
		from, to PodID
		want     string
	}{
		{client, server, "TCP/5-11,TCP/8000-8060,UDP/9100,UDP/65535,SCTP/1-65535"},
		{other, server, "SCTP/1-65535"},
		{client, other, "TCP/5-8060,UDP/1-65535,SCTP/1-65535"},
		{server, client, "all"},
	} {
		if diff := cmp.Diff(c.want, mustPorts(mx.Ports(c.from, c.to)).String()); diff != "" {
			t.Errorf("Ports(%s, %s) (-want +got):\n%s", c.from, c.to, diff)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestMatrixAll(t *testing.T) {
	mx := mustCompile(t, shop()).Matrix()
	var got []string
	for p := range mx.All() {
		got = append(got, p.From.String()+" → "+p.To.String()+": "+p.Ports.String())
	}
	want := []string{
		"ops/monitor-0 → shop/db-0: TCP/5432",
		"ops/monitor-0 → shop/frontend-0: TCP/8080",
		"shop/api-0 → ops/monitor-0: all",
		"shop/api-0 → shop/db-0: TCP/5432",
		"shop/api-0 → shop/frontend-0: TCP/8080",
		"shop/db-0 → ops/monitor-0: all",
		"shop/db-0 → shop/frontend-0: TCP/8080",
		"shop/frontend-0 → shop/api-0: TCP/9090",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() (-want +got):\n%s", diff)
	}

	// Every pair All yields agrees with Ports, and All stops when asked to.
	n := 0
	for p := range mx.All() {
		if !p.Ports.Equal(mustPorts(mx.Ports(p.From, p.To))) {
			t.Errorf("All() gives %s → %s: %s, Ports gives %s", p.From, p.To, p.Ports, mustPorts(mx.Ports(p.From, p.To)))
		}
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("All() yielded %d pairs before break, want 3", n)
	}

	wantPods := []PodID{shopMonitor, shopAPI, shopDB, shopFrontend}
	if diff := cmp.Diff(wantPods, mustCompile(t, shop()).Pods()); diff != "" {
		t.Errorf("Pods() (-want +got):\n%s", diff)
	}
}

func TestMatrixAllEmpty(t *testing.T) {
	c := Cluster{
		Pods: []corev1.Pod{mkPod("shop", "a", "10.0.0.1", nil), mkPod("shop", "b", "10.0.0.2", nil)},
		NetworkPolicies: []networkingv1.NetworkPolicy{mkPolicy("shop", "deny", nil, func(s *networkingv1.NetworkPolicySpec) {
			s.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		})},
	}
	for p := range mustCompile(t, c).Matrix().All() {
		t.Errorf("All() yields %s → %s: %s, want nothing", p.From, p.To, p.Ports)
	}
}

func TestMatrixTruthTable(t *testing.T) {
	mx := mustCompile(t, shop()).Matrix()
	header := "-\tops/monitor-0\tshop/api-0\tshop/db-0\tshop/frontend-0"
	for _, c := range []struct {
		port PortSpec
		want []string
	}{
		{TCP(5432), []string{
			header,
			"ops/monitor-0\t.\tX\t.\tX",
			"shop/api-0\t.\t.\t.\tX",
			"shop/db-0\t.\tX\t.\tX",
			"shop/frontend-0\tX\tX\tX\t.",
		}},
		// http is 9090 on api and 8080 on frontend; monitor and db do not
		// serve it, not even to themselves.
		{PortSpec{Protocol: tcp, Name: "http"}, []string{
			header,
			"ops/monitor-0\tX\tX\tX\t.",
			"shop/api-0\tX\t.\tX\t.",
			"shop/db-0\tX\tX\tX\t.",
			"shop/frontend-0\tX\t.\tX\t.",
		}},
		{PortSpec{Protocol: tcp, Start: 8080, End: 9090}, []string{
			header,
			"ops/monitor-0\t.\tX\tX\tX",
			"shop/api-0\t.\t.\tX\tX",
			"shop/db-0\t.\tX\t.\tX",
			"shop/frontend-0\tX\tX\tX\t.",
		}},
	} {
		got, err := mx.TruthTable(c.port)
		if err != nil {
			t.Errorf("TruthTable(%s): %v", c.port, err)
			continue
		}
		if diff := cmp.Diff(strings.Join(c.want, "\n")+"\n", got); diff != "" {
			t.Errorf("TruthTable(%s) (-want +got):\n%s", c.port, diff)
		}
	}
	for _, c := range []struct {
		port PortSpec
		want string
	}{
		{PortSpec{Protocol: "ICMP", Start: 1, End: 1}, "simulate: port ICMP/1: protocol must be TCP, UDP or SCTP"},
		{PortSpec{Protocol: tcp, Start: 80, End: 79}, "simulate: port TCP/80-79: want 1 <= start <= end <= 65535"},
		{TCP(0), "simulate: port TCP/0: want 1 <= start <= end <= 65535"},
	} {
		got, err := mx.TruthTable(c.port)
		if err == nil {
			t.Errorf("TruthTable(%s) = %q, want error %q", c.port, got, c.want)
			continue
		}
		if diff := cmp.Diff(c.want, err.Error()); diff != "" {
			t.Errorf("TruthTable(%s) error (-want +got):\n%s", c.port, diff)
		}
	}
}

// TestCheckPortRange: a range is allowed only when every port of it is, and
// each side says which rules allow some of it.
func TestCheckPortRange(t *testing.T) {
	m := mustCompile(t, shop())
	rng := func(a, b int32) PortSpec { return PortSpec{Protocol: tcp, Start: a, End: b} }
	notIsolated := func(id PodID) Side { return Side{Pod: id, Allowed: true} }
	dbIngress := func(allowed bool, by ...RuleRef) Side {
		return Side{Pod: shopDB, Isolated: true, Policies: oids("shop/db-from-api", "shop/default-deny"), AllowedBy: by, Allowed: allowed}
	}
	dbFromAPI := RuleRef{Policy: oid("shop/db-from-api"), Direction: Ingress, Index: 0}
	type sides struct {
		Allowed         bool
		Egress, Ingress Side
		String          string
	}
	for _, c := range []struct {
		from, to Endpoint
		port     PortSpec
		want     sides
	}{
		{Pod("shop", "api-0"), Pod("shop", "db-0"), rng(5432, 5432), sides{
			true, notIsolated(shopAPI), dbIngress(true, dbFromAPI),
			"allowed: shop/api-0 → shop/db-0 on TCP/5432: shop/api-0 is not isolated for egress; ingress allowed by shop/db-from-api ingress[0]"}},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), rng(5430, 5434), sides{
			false, notIsolated(shopAPI), dbIngress(false, dbFromAPI),
			"denied: shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; its ingress rules allow shop/api-0 on only part of TCP/5430-5434"}},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), rng(5432, 5433), sides{
			false, notIsolated(shopAPI), dbIngress(false, dbFromAPI),
			"denied: shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; its ingress rules allow shop/api-0 on only part of TCP/5432-5433"}},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), rng(5433, 6000), sides{
			false, notIsolated(shopAPI), dbIngress(false),
			"denied: shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; no ingress rule allows shop/api-0 on TCP/5433-6000"}},
		{Pod("shop", "api-0"), Pod("ops", "monitor-0"), rng(1, 65535), sides{
			true, notIsolated(shopAPI), notIsolated(shopMonitor),
			"allowed: shop/api-0 → ops/monitor-0 on TCP/1-65535: shop/api-0 is not isolated for egress; ops/monitor-0 is not isolated for ingress"}},
		{Pod("shop", "frontend-0"), Pod("shop", "api-0"), rng(9000, 9100), sides{
			false,
			Side{Pod: shopFrontend, Isolated: true, Policies: oids("shop/frontend-egress"), AllowedBy: []RuleRef{{oid("shop/frontend-egress"), Egress, 0}}, Allowed: true},
			Side{Pod: shopAPI, Isolated: true, Policies: oids("shop/api-from-frontend", "shop/default-deny"), AllowedBy: []RuleRef{{oid("shop/api-from-frontend"), Ingress, 0}}, Allowed: false},
			"denied: shop/api-0 is isolated for ingress by shop/api-from-frontend, shop/default-deny; its ingress rules allow shop/frontend-0 on only part of TCP/9000-9100"}},
		// frontend's egress allows 443 only to addresses outside 10/8, and
		// api only within the cluster.
		{Pod("shop", "frontend-0"), addrOf("192.0.2.1"), rng(440, 445), sides{
			false,
			Side{Pod: shopFrontend, Isolated: true, Policies: oids("shop/frontend-egress"), AllowedBy: []RuleRef{{oid("shop/frontend-egress"), Egress, 1}}, Allowed: false},
			Side{Allowed: true},
			"denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; its egress rules allow 192.0.2.1 on only part of TCP/440-445"}},
		{Pod("shop", "frontend-0"), addrOf("192.0.2.1"), rng(443, 443), sides{
			true,
			Side{Pod: shopFrontend, Isolated: true, Policies: oids("shop/frontend-egress"), AllowedBy: []RuleRef{{oid("shop/frontend-egress"), Egress, 1}}, Allowed: true},
			Side{Allowed: true},
			"allowed: shop/frontend-0 → 192.0.2.1 on TCP/443: egress allowed by shop/frontend-egress egress[1]; 192.0.2.1 is outside the cluster"}},
		{Pod("shop", "frontend-0"), Pod("shop", "db-0"), rng(5432, 5432), sides{
			false,
			Side{Pod: shopFrontend, Isolated: true, Policies: oids("shop/frontend-egress"), Allowed: false},
			dbIngress(false),
			"denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/5432"}},
		// A named port the destination does not serve: isolated sides allow
		// nothing, unisolated ones everything.
		{Pod("shop", "frontend-0"), Pod("shop", "db-0"), PortSpec{Protocol: tcp, Name: "http"}, sides{
			false,
			Side{Pod: shopFrontend, Isolated: true, Policies: oids("shop/frontend-egress"), Allowed: false},
			dbIngress(false),
			`denied: shop/db-0 serves no TCP port named "http"`}},
	} {
		v, err := m.Check(c.from, c.to, c.port)
		if err != nil {
			t.Errorf("Check(%s, %s, %s): %v", c.from, c.to, c.port, err)
			continue
		}
		got := sides{v.Allowed, v.Egress(), v.Ingress(), v.String()}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Check(%s, %s, %s) (-want +got):\n%s", c.from, c.to, c.port, diff)
		}
	}
}

// TestCheckRangeAgreesWithPorts: over a few ranges, Check allows a range
// exactly when Matrix.Ports holds all of it.
func TestCheckRangeAgreesWithPorts(t *testing.T) {
	m := mustCompile(t, shop())
	mx := m.Matrix()
	pods := m.Pods()
	for _, r := range [][2]int32{{1, 1}, {1, 65535}, {442, 444}, {443, 443}, {5432, 5432}, {5431, 5432}, {8080, 8080}, {8080, 8081}, {9090, 9090}, {65535, 65535}} {
		for _, from := range pods {
			for _, to := range pods {
				ports := mustPorts(mx.Ports(from, to))
				// The ranges are merged: a range is held whole or not at all.
				want := false
				for _, pr := range ports.Ranges() {
					want = want || pr.Protocol == tcp && pr.Start <= r[0] && r[1] <= pr.End
				}
				spec := PortSpec{Protocol: tcp, Start: r[0], End: r[1]}
				v, err := m.Check(Pod(from.Namespace, from.Name), Pod(to.Namespace, to.Name), spec)
				if err != nil {
					t.Fatal(err)
				}
				if v.Allowed != want {
					t.Errorf("Check(%s, %s, %s).Allowed = %v, Ports = %s", from, to, spec, v.Allowed, ports)
				}
			}
		}
	}
}
