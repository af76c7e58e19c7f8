package lint_test

import (
	"fmt"
	"testing"

	"github.com/netpolsim/netpolsim/lint"
	"github.com/netpolsim/netpolsim/simulate"
)

var (
	web  = pod("a", "web-0", "{app: web}", "[{name: http, containerPort: 8080}]", "10.0.0.10")
	web1 = pod("a", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]", "10.0.0.11")
	api  = pod("a", "api-0", "{app: api}", "[{name: http, containerPort: 9090}, {name: metrics, containerPort: 9100}]", "10.0.0.20")
	db   = pod("a", "db-0", "{app: db}", "[{name: pg, containerPort: 5432}]", "10.0.0.30")
	// hostPod runs in the node's network namespace: never a policy subject.
	hostPod = "apiVersion: v1\nkind: Pod\nmetadata: {namespace: a, name: agent-0, labels: {app: agent}}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\nstatus: {podIP: 192.168.0.5}\n"

	denyAllIngress = netpol("a", "deny-ingress", "{podSelector: {}, policyTypes: [Ingress]}")
	denyAllEgress  = netpol("a", "deny-egress", "{podSelector: {}, policyTypes: [Egress]}")
)

func TestNoDefaultDeny(t *testing.T) {
	webOnly := netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}")
	runCases(t, "no-default-deny-ingress", []lintCase{
		{name: "some pods open", docs: []string{web, api, db, hostPod, webOnly},
			want: []lint.Finding{{Severity: lint.Warning, Object: nsObj("a"), Related: []lint.Object{podObj("a", "api-0"), podObj("a", "db-0")}}}},
		{name: "per namespace", docs: []string{web, pod("b", "x-0", "{}", "", "10.0.1.1")},
			want: []lint.Finding{
				{Severity: lint.Warning, Object: nsObj("a"), Related: []lint.Object{podObj("a", "web-0")}},
				{Severity: lint.Warning, Object: nsObj("b"), Related: []lint.Object{podObj("b", "x-0")}},
			}},
		{name: "default deny", docs: []string{web, api, hostPod, denyAllIngress}},
		{name: "egress only does not isolate ingress", docs: []string{web, denyAllEgress},
			want: []lint.Finding{{Severity: lint.Warning, Object: nsObj("a"), Related: []lint.Object{podObj("a", "web-0")}}}},
		{name: "hostNetwork only", docs: []string{hostPod}},
		{name: "disabled", docs: []string{web}, opts: []lint.Option{lint.Disable("no-default-deny-ingress")}},
	})
	runCases(t, "no-default-deny-egress", []lintCase{
		{name: "some pods open", docs: []string{web, api, hostPod, webOnly},
			want: []lint.Finding{{Severity: lint.Info, Object: nsObj("a"), Related: []lint.Object{podObj("a", "api-0")}}}},
		{name: "default deny", docs: []string{web, api, hostPod, denyAllEgress}},
		{name: "ingress only does not isolate egress", docs: []string{web, denyAllIngress},
			want: []lint.Finding{{Severity: lint.Info, Object: nsObj("a"), Related: []lint.Object{podObj("a", "web-0")}}}},
	})
}

func TestExposedService(t *testing.T) {
	ctrl := pod("ingress-nginx", "ctrl-0", "{app.kubernetes.io/name: ingress-nginx}", "[{name: http, containerPort: 80}]", "10.0.2.10")
	ctrlLB := service("ingress-nginx", "ctrl", "{type: LoadBalancer, selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{port: 80}]}")
	webNP := service("a", "web", "{type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: http, nodePort: 30080}]}")
	webLocal := service("a", "web", "{type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, targetPort: http}]}")
	officeOnly := netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24}}]}]}")
	runCases(t, "exposed-service", []lintCase{
		{name: "node port", docs: []string{web, web1, api, webNP},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Related: []lint.Object{podObj("a", "web-0"), podObj("a", "web-1")}}}},
		{name: "node port, isolated backends: still open through the node's address", docs: []string{web, webNP, officeOnly},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Related: []lint.Object{podObj("a", "web-0")}}}},
		{name: "load balancer, Local, open", docs: []string{web, webLocal},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("a", "web"), Related: []lint.Object{podObj("a", "web-0")}}}},
		{name: "load balancer, Local, client ranges only", docs: []string{web, webLocal, officeOnly}},
		{name: "cluster IP", docs: []string{web, service("a", "web", "{selector: {app: web}, ports: [{port: 80}]}")}},
		{name: "no backends", docs: []string{api, webNP}},
		{name: "ingress controller", docs: []string{ctrl, ctrlLB},
			want: []lint.Finding{{Severity: lint.Info, Object: svcObj("ingress-nginx", "ctrl"), Related: []lint.Object{podObj("ingress-nginx", "ctrl-0")}}}},
		{name: "another ingress controller", docs: []string{ctrl, ctrlLB}, simOpts: []simulate.Option{simulate.IngressController("ingress", map[string]string{"app": "traefik"})},
			want: []lint.Finding{{Severity: lint.Warning, Object: svcObj("ingress-nginx", "ctrl"), Related: []lint.Object{podObj("ingress-nginx", "ctrl-0")}}}},
	})
}

func TestPolicySelectsNothing(t *testing.T) {
	runCases(t, "policy-selects-nothing", []lintCase{
		{name: "no pod matches", docs: []string{web, netpol("a", "api", "{podSelector: {matchLabels: {app: apx}}}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "api"), Field: "spec.podSelector"}}},
		{name: "namespace without pods", docs: []string{web, netpol("b", "all", "{podSelector: {}}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("b", "all"), Field: "spec.podSelector"}}},
		{name: "matches only a hostNetwork pod", docs: []string{hostPod, netpol("a", "agent", "{podSelector: {matchLabels: {app: agent}}}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "agent"), Field: "spec.podSelector"}}},
		{name: "selects a pod", docs: []string{web, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}}")}},
		{name: "other namespace's pods do not count", docs: []string{web, netpol("b", "web", "{podSelector: {matchLabels: {app: web}}}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("b", "web"), Field: "spec.podSelector"}}},
	})
}

func TestPeerMatchesNothing(t *testing.T) {
	subject := "podSelector: {matchLabels: {app: db}}"
	runCases(t, "peer-matches-nothing", []lintCase{
		{name: "same namespace", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: wbe}}}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "db"), Field: "spec.ingress[0].from"}}},
		{name: "other namespaces only", docs: []string{web, db, netpol("a", "db", "{"+subject+", policyTypes: [Egress], egress: [{to: [{namespaceSelector: {matchLabels: {team: ops}}}]}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.egress[0].to"}}},
		{name: "one of two rules", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}, {from: [{podSelector: {matchLabels: {app: x}}}, {namespaceSelector: {}, podSelector: {matchLabels: {app: other}}}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "db"), Field: "spec.ingress[1].from"}}},
		{name: "matches", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}")}},
		{name: "one peer matches", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: x}}}, {podSelector: {matchLabels: {app: web}}}]}]}")}},
		{name: "ipBlock may match outside", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24}}]}]}")}},
		{name: "selector and ipBlock", docs: []string{web, db, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: x}}}, {ipBlock: {cidr: 203.0.113.0/24}}]}]}")}},
		{name: "any peer", docs: []string{db, netpol("a", "db", "{"+subject+", ingress: [{}]}")}},
		{name: "hostNetwork pods are never selected", docs: []string{db, hostPod, netpol("a", "db", "{"+subject+", ingress: [{from: [{podSelector: {matchLabels: {app: agent}}}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "db"), Field: "spec.ingress[0].from"}}},
	})
}

func TestShadowedRule(t *testing.T) {
	fromWeb := "{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: %s}]}"
	dbPolicy := func(name string, rules ...string) string {
		spec := "{podSelector: {matchLabels: {app: db}}, ingress: ["
		for i, r := range rules {
			if i > 0 {
				spec += ", "
			}
			spec += r
		}
		return netpol("a", name, spec+"]}")
	}
	rule := func(format, port string) string { return fmt.Sprintf(format, port) }
	pgAPI := pod("a", "db-1", "{app: db}", "[{name: pg, containerPort: 5433}]", "10.0.0.31")
	replica := pod("a", "db-2", "{app: db, role: replica}", "[{name: pg, containerPort: 5432}]", "10.0.0.32")
	runCases(t, "shadowed-rule", []lintCase{
		{name: "narrower port in the same policy", docs: []string{web, db, dbPolicy("db", rule(fromWeb, "5432"), "{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5000, endPort: 6000}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[0]"}}},
		{name: "identical rules: the later one", docs: []string{web, db, dbPolicy("db", rule(fromWeb, "5432"), rule(fromWeb, "5432"), rule(fromWeb, "5432"))},
			want: []lint.Finding{
				{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"},
				{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[2]"},
			}},
		{name: "policy selecting a superset", docs: []string{web, db, api, dbPolicy("db", rule(fromWeb, "5432")),
			netpol("a", "all-from-web", "{podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[0]", Related: []lint.Object{polObj("a", "all-from-web")}}}},
		{name: "policy selecting a subset", docs: []string{web, db, replica, dbPolicy("db", rule(fromWeb, "5432")),
			netpol("a", "replica", "{podSelector: {matchLabels: {role: replica}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}")}},
		{name: "more peers", docs: []string{web, api, db, dbPolicy("db", "{from: [{podSelector: {}}], ports: [{port: 5432}]}", rule(fromWeb, "5432"))},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"}}},
		{name: "other ports", docs: []string{web, db, dbPolicy("db", rule(fromWeb, "5432"), rule(fromWeb, "5433"))}},
		{name: "named port resolves to the same number", docs: []string{web, db, dbPolicy("db", rule(fromWeb, "pg"), rule(fromWeb, "5432"))},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"}}},
		{name: "named port resolves differently per subject", docs: []string{web, db, pgAPI, dbPolicy("db", rule(fromWeb, "pg"), rule(fromWeb, "5432"))}},
		{name: "other protocol", docs: []string{web, db, dbPolicy("db", rule(fromWeb, "5432"), "{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432, protocol: UDP}]}")}},
		{name: "ipBlock inside another", docs: []string{db, dbPolicy("db", "{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}", "{from: [{ipBlock: {cidr: 10.1.0.0/16}}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"}}},
		{name: "ipBlock crossing an exception", docs: []string{db, dbPolicy("db", "{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}", "{from: [{ipBlock: {cidr: 10.0.0.0/12}}]}")}},
		{name: "ipBlock excepting the exception", docs: []string{db, dbPolicy("db", "{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}", "{from: [{ipBlock: {cidr: 10.0.0.0/12, except: [10.0.0.0/15]}}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"}}},
		{name: "pods but not outside addresses", docs: []string{web, db, dbPolicy("db", "{from: [{namespaceSelector: {}}]}", "{from: [{ipBlock: {cidr: 10.0.0.0/24}}]}")}},
		{name: "any peer covers an ipBlock", docs: []string{web, db, dbPolicy("db", "{}", "{from: [{ipBlock: {cidr: 10.0.0.0/24}}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "db"), Field: "spec.ingress[1]"}}},
		{name: "egress: a named port reaches nothing outside", docs: []string{web, db, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: ["+
			"{to: [{ipBlock: {cidr: 10.0.0.30/32}}], ports: [{port: pg}]}, {to: [{ipBlock: {cidr: 10.0.0.30/32}}], ports: [{port: 5432}]}]}")},
			want: []lint.Finding{{Severity: lint.Info, Object: polObj("a", "web"), Field: "spec.egress[0]"}}},
		{name: "egress: named ports resolve at the peer", docs: []string{web, db, pgAPI, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: ["+
			"{to: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: pg}]}, {to: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: 5432}]}]}")}},
		{name: "directions apart", docs: []string{web, db, netpol("a", "db", "{podSelector: {}, ingress: [{}], egress: [{}]}")}},
		{name: "dead peers are left to peer-matches-nothing", docs: []string{web, db, dbPolicy("db", "{}", "{from: [{podSelector: {matchLabels: {app: x}}}]}")}},
		{name: "policy selecting nothing", docs: []string{web, db, netpol("a", "x", "{podSelector: {matchLabels: {app: x}}, ingress: [{}, {}]}")}},
	})
}

func TestEgressBlocksDNS(t *testing.T) {
	apiSvc := service("a", "api", "{selector: {app: api}, ports: [{port: 80, targetPort: http}]}")
	webToAPI := "{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}"
	toDNS := func(ports string) string {
		return "{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: " + ports + "}"
	}
	webEgress := func(rules string) string {
		return netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: ["+rules+"]}")
	}
	errFinding := []lint.Finding{{Severity: lint.Error, Object: nsObj("a"), Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0")}}}
	warnFinding := []lint.Finding{{Severity: lint.Warning, Object: nsObj("a"), Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0")}}}
	runCases(t, "egress-blocks-dns", []lintCase{
		{name: "no DNS", docs: []string{web, api, dnsPod, apiSvc, webEgress(webToAPI)}, want: errFinding},
		{name: "UDP only", docs: []string{web, api, dnsPod, apiSvc, webEgress(webToAPI + ", " + toDNS("[{port: 53, protocol: UDP}]"))}, want: warnFinding},
		{name: "UDP and TCP", docs: []string{web, api, dnsPod, apiSvc, webEgress(webToAPI + ", " + toDNS("[{port: 53, protocol: UDP}, {port: 53}]"))}},
		{name: "TCP only", docs: []string{web, api, dnsPod, apiSvc, webEgress(webToAPI + ", " + toDNS("[{port: 53}]"))}, want: errFinding},
		{name: "DNS pod denies ingress", docs: []string{web, api, dnsPod, apiSvc, webEgress(webToAPI + ", " + toDNS("[{port: 53, protocol: UDP}, {port: 53}]")),
			netpol("kube-system", "deny", "{podSelector: {}}")}, want: errFinding},
		{name: "reaches no Service", docs: []string{web, api, dnsPod, webEgress(webToAPI)}},
		{name: "reaches only itself through a Service", docs: []string{web, dnsPod, service("a", "web", "{selector: {app: web}, ports: [{port: 80, targetPort: http}]}"), webEgress("{to: [{podSelector: {matchLabels: {app: web}}}]}")}},
		{name: "Service port the rule does not allow", docs: []string{web, api, dnsPod, service("a", "api", "{selector: {app: api}, ports: [{port: 9100, targetPort: metrics}]}"), webEgress(webToAPI)}},
		{name: "not isolated for egress", docs: []string{web, api, dnsPod, apiSvc, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}}")}},
		{name: "dnsPolicy Default", docs: []string{
			"apiVersion: v1\nkind: Pod\nmetadata: {namespace: a, name: web-0, labels: {app: web}}\nspec: {dnsPolicy: Default, containers: [{name: c, image: x}]}\n",
			api, dnsPod, apiSvc, webEgress(webToAPI)}},
		{name: "without DNS pods: rule toward them", docs: []string{web, api, apiSvc, webEgress(webToAPI + ", " + toDNS("[{port: dns, protocol: UDP}, {port: dns-tcp}]"))}},
		{name: "without DNS pods: port 53 anywhere", docs: []string{web, api, apiSvc, webEgress(webToAPI + ", {ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}")}},
		{name: "without DNS pods: ipBlock", docs: []string{web, api, apiSvc, webEgress(webToAPI + ", {to: [{ipBlock: {cidr: 169.254.20.10/32}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}")}},
		{name: "without DNS pods: wrong namespace", docs: []string{web, api, apiSvc, webEgress(webToAPI + ", {to: [{podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}")}, want: errFinding},
		{name: "without DNS pods: nothing", docs: []string{web, api, apiSvc, webEgress(webToAPI)}, want: errFinding},
		{name: "other DNS pods", docs: []string{web, api, apiSvc, webEgress(webToAPI), pod("dns", "dns-0", "{app: dns}", "", "10.9.0.1")},
			opts: []lint.Option{lint.DNS("dns", map[string]string{"app": "dns"})}, want: errFinding},
		{name: "grouped per namespace", docs: []string{web, web1, api, dnsPod, apiSvc, webEgress(webToAPI)},
			want: []lint.Finding{{Severity: lint.Error, Object: nsObj("a"), Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0"), podObj("a", "web-1")}}}},
	})
}

func TestNamedPortUnserved(t *testing.T) {
	runCases(t, "named-port-unserved", []lintCase{
		{name: "ingress: subjects do not serve it", docs: []string{web, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http}, {port: https}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.ingress[0].ports[1]"}}},
		{name: "ingress: other protocol", docs: []string{web, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http, protocol: UDP}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.ingress[0].ports[0]"}}},
		{name: "ingress: the peer serves it, not the subject", docs: []string{web, db, netpol("a", "db", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "db"), Field: "spec.ingress[0].ports[0]"}}},
		{name: "ingress: one subject serves it", docs: []string{web, db, netpol("a", "all", "{podSelector: {}, ingress: [{ports: [{port: pg}]}]}")}},
		{name: "egress: peers do not serve it", docs: []string{web, db, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: http}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.egress[0].ports[0]"}}},
		{name: "egress: peers serve it", docs: []string{web, db, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: pg}]}]}")}},
		{name: "egress: any peer", docs: []string{web, db, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{ports: [{port: pg}]}]}")}},
		{name: "egress: outside addresses serve no name", docs: []string{web, db, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24}}], ports: [{port: https}]}]}")},
			want: []lint.Finding{{Severity: lint.Warning, Object: polObj("a", "web"), Field: "spec.egress[0].ports[0]"}}},
		{name: "egress: dead selector peers are left to peer-matches-nothing", docs: []string{web, netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: x}}}], ports: [{port: x}]}]}")}},
		{name: "policy selecting nothing", docs: []string{web, netpol("a", "x", "{podSelector: {matchLabels: {app: x}}, ingress: [{ports: [{port: x}]}]}")}},
	})
}

func TestEgressBlocksDNSNamespaceLabels(t *testing.T) {
	apiSvc := service("a", "api", "{selector: {app: api}, ports: [{port: 80, targetPort: http}]}")
	rules := "{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}, {to: [{namespaceSelector: {matchLabels: {name: kube-system}}, podSelector: {matchLabels: {k8s-app: %s}}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}"
	policy := func(dnsLabel string) string {
		return netpol("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: ["+fmt.Sprintf(rules, dnsLabel)+"]}")
	}
	runCases(t, "egress-blocks-dns", []lintCase{
		{name: "without DNS pods: a namespace label of its own", docs: []string{web, api, apiSvc, policy("kube-dns")}},
		{name: "without DNS pods: other pods", docs: []string{web, api, apiSvc, policy("coredns")},
			want: []lint.Finding{{Severity: lint.Error, Object: nsObj("a"), Related: []lint.Object{polObj("a", "web"), podObj("a", "web-0")}}}},
	})
}
