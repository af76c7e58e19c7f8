package simulate

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueryCIDR(t *testing.T) {
	m := mustCompile(t, shop())
	for _, c := range []struct {
		from, to, port string
		want           string
		all, any       bool
	}{
		{"outside", "shop/frontend-0", "8080", `outside → shop/frontend-0 on TCP/8080: allowed for all 2 address ranges
  allowed: 0.0.0.0/0 → shop/frontend-0 on TCP/8080 (addresses outside the cluster)
  allowed: ::/0 → shop/frontend-0 on TCP/8080 (addresses outside the cluster)`, true, true},
		{"outside", "shop/db-0", "5432", `outside → shop/db-0 on TCP/5432: denied for all 2 address ranges
  denied: 0.0.0.0/0 → shop/db-0 on TCP/5432 (addresses outside the cluster)
  denied: ::/0 → shop/db-0 on TCP/5432 (addresses outside the cluster)`, false, false},
		// The frontend may reach outside on 443 except 10.0.0.0/8.
		{"shop/frontend-0", "outside", "443", `shop/frontend-0 → outside on TCP/443: allowed for 2 of 4 address ranges
  allowed: shop/frontend-0 → 0.0.0.0-9.255.255.255 on TCP/443 (addresses outside the cluster)
  denied: shop/frontend-0 → 10.0.0.0/8 on TCP/443 (addresses outside the cluster)
  allowed: shop/frontend-0 → 11.0.0.0-255.255.255.255 on TCP/443 (addresses outside the cluster)
  denied: shop/frontend-0 → ::/0 on TCP/443 (addresses outside the cluster)`, false, true},
		{"shop/frontend-0", "8.0.0.0/6", "443-444", `shop/frontend-0 → 8.0.0.0/6 on TCP/443-444: allowed for 1 of 7 pairs and address ranges
  denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; no egress rule allows ops/monitor-0 on TCP/443-444
  denied: shop/api-0 is isolated for ingress by shop/api-from-frontend, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/443-444
  denied: shop/frontend-0 is isolated for egress by shop/frontend-egress; no egress rule allows shop/db-0 on TCP/443-444; shop/db-0 is isolated for ingress by shop/db-from-api, shop/default-deny; no ingress rule allows shop/frontend-0 on TCP/443-444
  allowed: shop/frontend-0 → itself on TCP/443-444: a pod may always reach itself
  allowed on TCP/443 only: shop/frontend-0 → 8.0.0.0/7 on TCP/443-444 (addresses outside the cluster)
  denied: shop/frontend-0 → 10.0.0.0/8 on TCP/443-444 (addresses outside the cluster)
  allowed on TCP/443 only: shop/frontend-0 → 11.0.0.0/8 on TCP/443-444 (addresses outside the cluster)`, false, true},
		// A CIDR holding pods: the pods pair by pair, the rest by range;
		// the pods' own addresses are in no range of their own.
		{"10.0.0.0/24", "shop/api-0", "9090", `10.0.0.0/24 → shop/api-0 on TCP/9090: allowed for 2 of 4 pairs and address ranges
  allowed: shop/api-0 → itself on TCP/9090: a pod may always reach itself
  denied: shop/api-0 is isolated for ingress by shop/api-from-frontend, shop/default-deny; no ingress rule allows shop/db-0 on TCP/9090
  allowed: shop/frontend-0 → shop/api-0 on TCP/9090: egress allowed by shop/frontend-egress egress[0]; ingress allowed by shop/api-from-frontend ingress[0]
  denied: 10.0.0.0/24 → shop/api-0 on TCP/9090 (addresses outside the cluster)`, false, true},
		{"10.0.0.30/32", "shop/api-0", "http", `10.0.0.30/32 → shop/api-0 on TCP/http: denied for the one pair
  denied: shop/api-0 is isolated for ingress by shop/api-from-frontend, shop/default-deny; no ingress rule allows shop/db-0 on TCP/9090 (http)`, false, false},
		{"outside", "shop/api-0", "http", `outside → shop/api-0 on TCP/http: denied for all 2 address ranges
  denied: 0.0.0.0/0 → shop/api-0 on TCP/9090 (http) (addresses outside the cluster)
  denied: ::/0 → shop/api-0 on TCP/9090 (http) (addresses outside the cluster)`, false, false},
		{"shop/monitor-0", "outside", "http", ``, false, false},
		{"ops/monitor-0", "192.0.2.0/24", "http", `ops/monitor-0 → 192.0.2.0/24 on TCP/http: denied for the one address range
  denied: ops/monitor-0 → 192.0.2.0/24 on TCP/http: a named port matches no address outside the cluster`, false, false},
		{"ops/monitor-0", "svc/shop/nope", "80", ``, false, false},
	} {
		from, err := ParseEndpoint(c.from)
		if err != nil {
			t.Fatal(err)
		}
		to, err := ParseEndpoint(c.to)
		if err != nil {
			t.Fatal(err)
		}
		port, err := ParsePortSpec(c.port)
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.Query(from, to, port)
		if c.want == "" {
			if err == nil {
				t.Errorf("Query(%s, %s, %s) = %v, want an error", c.from, c.to, c.port, a)
			}
			continue
		}
		if err != nil {
			t.Errorf("Query(%s, %s, %s): %v", c.from, c.to, c.port, err)
			continue
		}
		if diff := cmp.Diff(c.want, a.String()); diff != "" {
			t.Errorf("Query(%s, %s, %s) (-want +got):\n%s", c.from, c.to, c.port, diff)
		}
		if a.All() != c.all || a.Any() != c.any {
			t.Errorf("Query(%s, %s, %s): All %v Any %v, want %v %v", c.from, c.to, c.port, a.All(), a.Any(), c.all, c.any)
		}
	}
	// Neither end in the cluster.
	for _, c := range [][2]Endpoint{{Outside(), Outside()}, {CIDR(netip.MustParsePrefix("192.0.2.0/24")), IP(netip.MustParseAddr("203.0.113.1"))}} {
		if _, err := m.Query(c[0], c[1], TCP(80)); err == nil || !strings.Contains(err.Error(), "neither end is a pod") {
			t.Errorf("Query(%s, %s): %v, want neither end is a pod", c[0], c[1], err)
		}
	}
}

func TestResolveCIDR(t *testing.T) {
	m := mustCompile(t, shop())
	for _, c := range []struct {
		in   string
		want []PodID
	}{
		{"10.0.0.0/24", []PodID{{"shop", "api-0"}, {"shop", "db-0"}, {"shop", "frontend-0"}}},
		{"10.0.0.0/8", []PodID{{"ops", "monitor-0"}, {"shop", "api-0"}, {"shop", "db-0"}, {"shop", "frontend-0"}}},
		{"10.0.0.16/28", []PodID{{"shop", "api-0"}, {"shop", "db-0"}}},
		{"10.0.0.20/32", []PodID{{"shop", "api-0"}}},
		{"192.0.2.0/24", nil},
		{"outside", nil},
	} {
		e, err := ParseEndpoint(c.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Resolve(e)
		if err != nil {
			t.Errorf("Resolve(%s): %v", c.in, err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Resolve(%s) (-want +got):\n%s", c.in, diff)
		}
	}
}
