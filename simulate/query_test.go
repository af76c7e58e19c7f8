package simulate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func svcPort(name string, proto corev1.Protocol, port int32, target intstr.IntOrString) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Protocol: proto, Port: port, TargetPort: target}
}

// serviceCluster: three api pods behind Service api (port 80 → named
// targetPort http, which api-0 and api-1 serve on different numbers and
// api-2 does not serve), two db pods behind Service db (numeric target
// ports), a Service without selector and Services that select nothing.
// api accepts its named port http from frontend; db accepts TCP/5432 from
// api.
func serviceCluster() Cluster {
	return Cluster{
		Pods: []corev1.Pod{
			mkPod("shop", "frontend-0", "10.0.0.10", map[string]string{"app": "frontend"}),
			mkPod("shop", "api-0", "10.0.0.20", map[string]string{"app": "api"}, cport("http", tcp, 9090)),
			mkPod("shop", "api-1", "10.0.0.21", map[string]string{"app": "api"}, cport("http", tcp, 9191)),
			mkPod("shop", "api-2", "10.0.0.22", map[string]string{"app": "api"}, cport("web", tcp, 9090), cport("http", udp, 9090)),
			mkPod("shop", "db-0", "10.0.0.30", map[string]string{"app": "db"}, cport("pg", tcp, 5432)),
			mkPod("shop", "db-1", "10.0.0.31", map[string]string{"app": "db"}),
			mkPod("ops", "monitor-0", "10.0.1.10", map[string]string{"app": "api"}),
		},
		Services: []corev1.Service{
			mkService("shop", "api", map[string]string{"app": "api"}, svcPort("web", "", 80, intstr.FromString("http"))),
			mkService("shop", "db", map[string]string{"app": "db"},
				svcPort("pg", tcp, 5432, intstr.FromInt32(5432)),
				svcPort("alt", tcp, 15432, intstr.FromInt32(5432)),
				svcPort("metrics", tcp, 9187, intstr.IntOrString{}),
				svcPort("stats", udp, 8125, intstr.FromInt32(8126)),
			),
			mkService("shop", "external", nil, svcPort("https", tcp, 443, intstr.FromInt32(8443))),
			mkService("shop", "ghost", map[string]string{"app": "ghost"}, svcPort("http", tcp, 80, intstr.FromInt32(8080))),
			// The db pods are in shop, not in ops.
			mkService("ops", "db", map[string]string{"app": "db"}, svcPort("pg", tcp, 5432, intstr.FromInt32(5432))),
		},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			mkPolicy("shop", "api-from-frontend", map[string]string{"app": "api"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "frontend"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromString("http"))},
				}}
			}),
			mkPolicy("shop", "db-from-api", map[string]string{"app": "db"}, func(s *networkingv1.NetworkPolicySpec) {
				s.Ingress = []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: sel(map[string]string{"app": "api"})}},
					Ports: []networkingv1.NetworkPolicyPort{npPort(tcp, intstr.FromInt32(5432))},
				}}
			}),
		},
	}
}

// answerView is what an Answer says, for cmp.
type answerView struct {
	All, Any bool
	Verdicts []string
	Ports    []PortSpec
	Notes    []string
}

func viewAnswer(a *Answer) answerView {
	v := answerView{All: a.All(), Any: a.Any(), Notes: a.Notes}
	for _, x := range a.Verdicts {
		v.Verdicts = append(v.Verdicts, x.String())
		v.Ports = append(v.Ports, x.Port)
	}
	return v
}

func TestQuery(t *testing.T) {
	m := mustCompile(t, serviceCluster())
	apiOrFrontend := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"frontend", "api"}}}}
	http := PortSpec{Protocol: tcp, Name: "http"}
	const (
		dbFromAPI0 = "ingress allowed by shop/db-from-api ingress[0]"
		dbDenied   = "denied: shop/db-%s is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on %s"
	)
	for _, c := range []struct {
		name     string
		from, to Endpoint
		port     PortSpec
		want     answerView
		summary  string // first line of String
	}{
		{"pod set to pod", PodsMatching("shop", apiOrFrontend), Pod("shop", "db-0"), TCP(5432),
			answerView{
				Any: true,
				Verdicts: []string{
					"allowed: shop/api-0 → shop/db-0 on TCP/5432: shop/api-0 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-1 → shop/db-0 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-2 → shop/db-0 on TCP/5432: shop/api-2 is not isolated for egress; " + dbFromAPI0,
					"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on TCP/5432",
				},
				Ports: []PortSpec{TCP(5432), TCP(5432), TCP(5432), TCP(5432)},
			},
			"shop/app in (api,frontend) → shop/db-0 on TCP/5432: allowed for 3 of 4 pairs"},
		{"pod to pod set, all denied", Pod("shop", "frontend-0"), PodsMatching("shop", sel(map[string]string{"app": "db"})), TCP(5432),
			answerView{
				Verdicts: []string{
					"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on TCP/5432",
					"denied: shop/db-1 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on TCP/5432",
				},
				Ports: []PortSpec{TCP(5432), TCP(5432)},
			},
			"shop/frontend-0 → shop/app=db on TCP/5432: denied for all 2 pairs"},
		{"pod set to pod set, all allowed", PodsMatching("shop", sel(map[string]string{"app": "api"})), PodsMatching("shop", sel(map[string]string{"app": "db"})), TCP(5432),
			answerView{
				All: true, Any: true,
				Verdicts: []string{
					"allowed: shop/api-0 → shop/db-0 on TCP/5432: shop/api-0 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-0 → shop/db-1 on TCP/5432: shop/api-0 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-1 → shop/db-0 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-1 → shop/db-1 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-2 → shop/db-0 on TCP/5432: shop/api-2 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-2 → shop/db-1 on TCP/5432: shop/api-2 is not isolated for egress; " + dbFromAPI0,
				},
				Ports: []PortSpec{TCP(5432), TCP(5432), TCP(5432), TCP(5432), TCP(5432), TCP(5432)},
			},
			"shop/app=api → shop/app=db on TCP/5432: allowed for all 6 pairs"},
		{"pod set matching nothing", PodsMatching("shop", sel(map[string]string{"app": "nope"})), Pod("shop", "db-0"), TCP(5432),
			answerView{},
			"shop/app=nope → shop/db-0 on TCP/5432: no pairs"},
		{"pod set of another namespace", PodsMatching("ops", sel(map[string]string{"app": "api"})), Pod("shop", "db-0"), TCP(5432),
			answerView{
				Verdicts: []string{"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows ops/monitor-0 on TCP/5432"},
				Ports:    []PortSpec{TCP(5432)},
			},
			"ops/app=api → shop/db-0 on TCP/5432: denied for the one pair"},
		{"named port to a pod set, resolved per destination", Pod("shop", "frontend-0"), PodsMatching("shop", sel(map[string]string{"app": "api"})), http,
			answerView{
				Any: true,
				Verdicts: []string{
					"allowed: shop/frontend-0 → shop/api-0 on TCP/9090 (http): shop/frontend-0 is not isolated for egress; ingress allowed by shop/api-from-frontend ingress[0]",
					"allowed: shop/frontend-0 → shop/api-1 on TCP/9191 (http): shop/frontend-0 is not isolated for egress; ingress allowed by shop/api-from-frontend ingress[0]",
					`denied: shop/api-2 serves no TCP port named "http"`,
				},
				Ports: []PortSpec{
					{Protocol: tcp, Start: 9090, End: 9090, Name: "http"},
					{Protocol: tcp, Start: 9191, End: 9191, Name: "http"},
					{Protocol: tcp, Name: "http"},
				},
			},
			"shop/frontend-0 → shop/app=api on TCP/http: allowed for 2 of 3 pairs"},
		{"Service with numeric targetPort", Pod("shop", "frontend-0"), Service("shop", "db"), TCP(5432),
			answerView{
				Verdicts: []string{
					"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on TCP/5432",
					"denied: shop/db-1 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/frontend-0 on TCP/5432",
				},
				Ports: []PortSpec{TCP(5432), TCP(5432)},
			},
			"shop/frontend-0 → svc/shop/db on TCP/5432: denied for all 2 pairs"},
		{"Service port translated to another number", Pod("shop", "api-1"), Service("shop", "db"), TCP(15432),
			answerView{
				All: true, Any: true,
				Verdicts: []string{
					"allowed: shop/api-1 → shop/db-0 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-1 → shop/db-1 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
				},
				Ports: []PortSpec{TCP(5432), TCP(5432)},
			},
			"shop/api-1 → svc/shop/db on TCP/15432: allowed for all 2 pairs"},
		{"Service port by name", Pod("shop", "api-1"), Service("shop", "db"), PortSpec{Protocol: tcp, Name: "alt"},
			answerView{
				All: true, Any: true,
				Verdicts: []string{
					"allowed: shop/api-1 → shop/db-0 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
					"allowed: shop/api-1 → shop/db-1 on TCP/5432: shop/api-1 is not isolated for egress; " + dbFromAPI0,
				},
				Ports: []PortSpec{TCP(5432), TCP(5432)},
			},
			"shop/api-1 → svc/shop/db on TCP/alt: allowed for all 2 pairs"},
		{"Service port without targetPort", Pod("shop", "api-1"), Service("shop", "db"), TCP(9187),
			answerView{
				Verdicts: []string{
					"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/api-1 on TCP/9187",
					"denied: shop/db-1 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/api-1 on TCP/9187",
				},
				Ports: []PortSpec{TCP(9187), TCP(9187)},
			},
			"shop/api-1 → svc/shop/db on TCP/9187: denied for all 2 pairs"},
		{"Service UDP port", Pod("shop", "api-1"), Service("shop", "db"), UDP(8125),
			answerView{
				Verdicts: []string{
					"denied: shop/db-0 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/api-1 on UDP/8126",
					"denied: shop/db-1 is isolated for ingress by shop/db-from-api; no ingress rule allows shop/api-1 on UDP/8126",
				},
				Ports: []PortSpec{UDP(8126), UDP(8126)},
			},
			"shop/api-1 → svc/shop/db on UDP/8125: denied for all 2 pairs"},
		{"Service with named targetPort", Pod("shop", "frontend-0"), Service("shop", "api"), TCP(80),
			answerView{
				Any: true,
				Verdicts: []string{
					"allowed: shop/frontend-0 → shop/api-0 on TCP/9090 (http): shop/frontend-0 is not isolated for egress; ingress allowed by shop/api-from-frontend ingress[0]",
					"allowed: shop/frontend-0 → shop/api-1 on TCP/9191 (http): shop/frontend-0 is not isolated for egress; ingress allowed by shop/api-from-frontend ingress[0]",
					`denied: shop/api-2 serves no TCP port named "http"`,
				},
				Ports: []PortSpec{
					{Protocol: tcp, Start: 9090, End: 9090, Name: "http"},
					{Protocol: tcp, Start: 9191, End: 9191, Name: "http"},
					{Protocol: tcp, Name: "http"},
				},
				Notes: []string{`backend shop/api-2 serves no TCP port named "http" (targetPort of svc/shop/api port 80)`},
			},
			"shop/frontend-0 → svc/shop/api on TCP/80: allowed for 2 of 3 pairs"},
		{"Service from an address", addrOf("192.0.2.1"), Service("shop", "api"), PortSpec{Protocol: tcp, Name: "web"},
			answerView{
				Verdicts: []string{
					"denied: shop/api-0 is isolated for ingress by shop/api-from-frontend; no ingress rule allows 192.0.2.1 on TCP/9090 (http)",
					"denied: shop/api-1 is isolated for ingress by shop/api-from-frontend; no ingress rule allows 192.0.2.1 on TCP/9191 (http)",
					`denied: shop/api-2 serves no TCP port named "http"`,
				},
				Ports: []PortSpec{
					{Protocol: tcp, Start: 9090, End: 9090, Name: "http"},
					{Protocol: tcp, Start: 9191, End: 9191, Name: "http"},
					{Protocol: tcp, Name: "http"},
				},
				Notes: []string{`backend shop/api-2 serves no TCP port named "http" (targetPort of svc/shop/api port 80)`},
			},
			"192.0.2.1 → svc/shop/api on TCP/web: denied for all 3 pairs"},
		{"Service without selector", Pod("shop", "frontend-0"), Service("shop", "external"), TCP(443),
			answerView{Notes: []string{"service svc/shop/external has no selector: its endpoints are managed by hand and not modelled"}},
			"shop/frontend-0 → svc/shop/external on TCP/443: no pairs"},
		{"Service selecting no pod", Pod("shop", "frontend-0"), Service("shop", "ghost"), TCP(80),
			answerView{Notes: []string{"service svc/shop/ghost selects no pod"}},
			"shop/frontend-0 → svc/shop/ghost on TCP/80: no pairs"},
		{"Service selecting pods of its namespace only", Pod("shop", "api-0"), Service("ops", "db"), TCP(5432),
			answerView{Notes: []string{"service svc/ops/db selects no pod"}},
			"shop/api-0 → svc/ops/db on TCP/5432: no pairs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := m.Query(c.from, c.to, c.port)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if diff := cmp.Diff(c.want, viewAnswer(a)); diff != "" {
				t.Errorf("Query(%s, %s, %s) (-want +got):\n%s", c.from, c.to, c.port, diff)
			}
			// String: the summary, then one line per verdict and per note.
			want := []string{c.summary}
			for _, v := range c.want.Verdicts {
				want = append(want, "  "+v)
			}
			for _, n := range c.want.Notes {
				want = append(want, "  note: "+n)
			}
			if diff := cmp.Diff(want, strings.Split(a.String(), "\n")); diff != "" {
				t.Errorf("Query(%s, %s, %s).String() (-want +got):\n%s", c.from, c.to, c.port, diff)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	m := mustCompile(t, serviceCluster())
	frontend := Pod("shop", "frontend-0")
	for _, c := range []struct {
		name     string
		from, to Endpoint
		port     PortSpec
		want     string
	}{
		{"unknown service port", frontend, Service("shop", "db"), TCP(9999), "simulate: service svc/shop/db has no port TCP/9999"},
		{"service port of another protocol", frontend, Service("shop", "db"), UDP(5432), "simulate: service svc/shop/db has no port UDP/5432"},
		{"unknown service port name", frontend, Service("shop", "db"), PortSpec{Protocol: tcp, Name: "nope"}, "simulate: service svc/shop/db has no port TCP/nope"},
		{"service port range", frontend, Service("shop", "db"), PortSpec{Protocol: tcp, Start: 5432, End: 5433}, "simulate: service svc/shop/db has no port TCP/5432-5433"},
		{"unknown service", frontend, Service("shop", "nope"), TCP(80), "simulate: no service shop/nope"},
		{"service as source", Service("shop", "db"), Pod("shop", "db-0"), TCP(5432), "simulate: svc/shop/db: a Service is not a source of traffic; ask from its pods"},
		{"unknown source pod", Pod("shop", "nope"), Pod("shop", "db-0"), TCP(5432), "simulate: no pod shop/nope"},
		{"unknown destination pod", frontend, Pod("ops", "db-0"), TCP(5432), "simulate: no pod ops/db-0"},
		{"empty endpoint", Endpoint{}, frontend, TCP(5432), "simulate: empty endpoint"},
		{"two addresses", addrOf("192.0.2.1"), addrOf("192.0.2.2"), TCP(80), "simulate: 192.0.2.1 → 192.0.2.2: neither end is a pod of the cluster"},
		{"invalid port", frontend, Pod("shop", "db-0"), PortSpec{}, "simulate: port /0: protocol must be TCP, UDP or SCTP"},
		{"invalid port to a service", frontend, Service("shop", "db"), TCP(0), "simulate: port TCP/0: want 1 <= start <= end <= 65535"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := m.Query(c.from, c.to, c.port)
			if err == nil {
				t.Fatalf("Query = %s, want error %q", a, c.want)
			}
			if diff := cmp.Diff(c.want, err.Error()); diff != "" {
				t.Errorf("Query(%s, %s, %s) error (-want +got):\n%s", c.from, c.to, c.port, diff)
			}
		})
	}
}

// TestQueryPodsMatchingSelectors checks which pods a pod set stands for:
// nil selects none, {} every pod of the namespace.
func TestQueryPodsMatchingSelectors(t *testing.T) {
	m := mustCompile(t, serviceCluster())
	for _, c := range []struct {
		name string
		sel  *metav1.LabelSelector
		want []string
	}{
		{"nil", nil, nil},
		{"everything", &metav1.LabelSelector{}, []string{"shop/api-0", "shop/api-1", "shop/api-2", "shop/db-0", "shop/db-1", "shop/frontend-0"}},
		{"notin", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"api", "db"}}}}, []string{"shop/frontend-0"}},
		{"does not exist", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "app", Operator: metav1.LabelSelectorOpDoesNotExist}}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := m.Query(PodsMatching("shop", c.sel), addrOf("192.0.2.1"), TCP(80))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range a.Verdicts {
				got = append(got, v.From.String())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("sources (-want +got):\n%s", diff)
			}
		})
	}
	bad := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Bogus"}}}
	if _, err := m.Query(PodsMatching("shop", bad), addrOf("192.0.2.1"), TCP(80)); err == nil {
		t.Errorf("Query with an invalid selector succeeded")
	} else if !strings.HasPrefix(err.Error(), "simulate: endpoint shop/<error>: ") {
		t.Errorf("Query with an invalid selector: error %q does not name the endpoint", err)
	}
}
