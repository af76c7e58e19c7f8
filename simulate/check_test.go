package simulate

import (
	"net/netip"
	"testing"
)

func TestCheckShop(t *testing.T) {
	m := mustCompile(t, shop())
	for _, c := range []struct {
		from, to Endpoint
		port     PortSpec
		want     string
	}{
		{Pod("shop", "frontend-0"), Pod("shop", "api-0"), TCP(9090),
			"allowed: shop/frontend-0 → shop/api-0 on TCP/9090: egress allowed by shop/frontend-egress egress[0]; ingress allowed by shop/api-from-frontend ingress[0]"},
		{Pod("shop", "frontend-0"), Pod("shop", "db-0"), TCP(5432),
			"denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; no egress rule allows shop/db-0 on TCP/5432; shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/5432"},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), TCP(5432),
			"allowed: shop/api-0 → shop/db-0 on TCP/5432: shop/api-0 is not isolated for egress; ingress allowed by shop/db-from-api ingress[0]"},
		{Pod("ops", "monitor-0"), Pod("shop", "db-0"), TCP(5432),
			"allowed: ops/monitor-0 → shop/db-0 on TCP/5432: ops/monitor-0 is not isolated for egress; ingress allowed by shop/db-from-api ingress[0]"},
		{Pod("ops", "monitor-0"), Pod("shop", "db-0"), TCP(5433),
			"denied: shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; no ingress rule allows ops/monitor-0 on TCP/5433"},
		{Pod("shop", "api-0"), Pod("shop", "frontend-0"), PortSpec{Protocol: "TCP", Name: "http"},
			"allowed: shop/api-0 → shop/frontend-0 on TCP/8080 (http): shop/api-0 is not isolated for egress; ingress allowed by shop/frontend-from-anywhere ingress[0]"},
		{Pod("shop", "api-0"), Pod("shop", "frontend-0"), TCP(9090),
			"denied: shop/frontend-0 is isolated for ingress by shop/default-deny, shop/frontend-from-anywhere; no ingress rule allows shop/api-0 on TCP/9090"},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), PortSpec{Protocol: "TCP", Name: "http"},
			`denied: shop/db-0 serves no TCP port named "http"`},
		{Pod("shop", "db-0"), Pod("shop", "db-0"), TCP(1),
			"allowed: shop/db-0 → itself on TCP/1: a pod may always reach itself"},
		{Pod("shop", "frontend-0"), IP(netip.MustParseAddr("1.1.1.1")), TCP(443),
			"allowed: shop/frontend-0 → 1.1.1.1 on TCP/443: egress allowed by shop/frontend-egress egress[1]; 1.1.1.1 is outside the cluster"},
		{Pod("shop", "frontend-0"), IP(netip.MustParseAddr("10.9.9.9")), TCP(443),
			"denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; no egress rule allows 10.9.9.9 on TCP/443"},
		{IP(netip.MustParseAddr("8.8.8.8")), Pod("shop", "frontend-0"), TCP(8080),
			"allowed: 8.8.8.8 → shop/frontend-0 on TCP/8080: 8.8.8.8 is outside the cluster; ingress allowed by shop/frontend-from-anywhere ingress[0]"},
		{IP(netip.MustParseAddr("10.0.0.20")), Pod("shop", "db-0"), TCP(5432),
			"allowed: 10.0.0.20 → shop/db-0 on TCP/5432: shop/api-0 is not isolated for egress; ingress allowed by shop/db-from-api ingress[0]"},
		{Pod("shop", "api-0"), Pod("shop", "db-0"), PortSpec{Protocol: "TCP", Start: 5430, End: 5434},
			"denied: shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; its ingress rules allow shop/api-0 on only part of TCP/5430-5434"},
	} {
		v, err := m.Check(c.from, c.to, c.port)
		if err != nil {
			t.Errorf("Check(%s, %s, %s): %v", c.from, c.to, c.port, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("Check(%s, %s, %s):\n got %s\nwant %s", c.from, c.to, c.port, got, c.want)
		}
	}
}
