package simulate_test

import (
	"net/netip"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/netpolsim/netpolsim/fuzz"
	"github.com/netpolsim/netpolsim/simulate"
)

// addressCase is what propAddressAccess and propClassAddressAccess
// draw: a cluster and its model (with or without node traffic), a pod, a
// direction, an outside endpoint (everything outside, or a CIDR around an
// address tried), the addresses to try and those that pods own.
type addressCase struct {
	c        simulate.Cluster
	m        *simulate.Model
	pod      simulate.PodID
	d        simulate.Direction
	endpoint simulate.Endpoint
	tries    []netip.Addr
	owned    map[netip.Addr]bool
	noNode   bool
}

func drawAddressCase(t *rapid.T) addressCase {
	var c simulate.Cluster
	if rapid.Bool().Draw(t, "tiered") {
		c = fuzz.TieredCluster().Draw(t, "cluster")
	} else {
		c = fuzz.Cluster().Draw(t, "cluster")
	}
	noNode := rapid.Bool().Draw(t, "no node traffic")
	var opts []simulate.Option
	if noNode {
		opts = append(opts, simulate.NodeTraffic(false))
	}
	m, err := simulate.Compile(c, opts...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	pods := m.Pods()
	if len(pods) == 0 {
		t.Skip("no pods")
	}
	pod := rapid.SampledFrom(pods).Draw(t, "pod")
	d := rapid.SampledFrom([]simulate.Direction{simulate.Ingress, simulate.Egress}).Draw(t, "direction")
	owned := map[netip.Addr]bool{}
	for i := range c.Pods {
		if !c.Pods[i].Spec.HostNetwork {
			for _, a := range oraclePodIPs(&c.Pods[i]) {
				owned[a] = true
			}
		}
	}
	tries := probeAddrs(c)
	for _, n := range c.Nodes {
		for _, a := range n.Status.Addresses {
			if x, err := netip.ParseAddr(a.Address); err == nil {
				tries = append(tries, x.Unmap())
			}
		}
	}
	endpoint := simulate.Outside()
	if rapid.Bool().Draw(t, "a CIDR") && len(tries) > 0 {
		a := rapid.SampledFrom(tries).Draw(t, "CIDR address")
		endpoint = simulate.CIDR(netip.PrefixFrom(a, rapid.IntRange(a.BitLen()-12, a.BitLen()).Draw(t, "CIDR bits")))
	}
	return addressCase{c, m, pod, d, endpoint, tries, owned, noNode}
}

// propAddressAccess: the ranges Model.AddressAccess cuts the addresses
// outside the cluster into answer, for every address tried (the edges of
// every ipBlock and networks CIDR, node addresses, fixed ones) and every
// port point, what Model.Check answers for that address; they are sorted
// and disjoint, hold every address that is no pod's, and are maximal: two
// neighbours (touching, or with only pod addresses between them) differ.
// A CIDR endpoint cuts the same way within its prefix.
func propAddressAccess(t *rapid.T) {
	ac := drawAddressCase(t)
	c, m, pod, d, endpoint, tries, owned := ac.c, ac.m, ac.pod, ac.d, ac.endpoint, ac.tries, ac.owned
	pieces, err := m.AddressAccess(pod, endpoint, d)
	if err != nil {
		t.Fatalf("AddressAccess: %v", err)
	}
	for i, p := range pieces {
		if p.Addresses.First.Compare(p.Addresses.Last) > 0 || (i > 0 && pieces[i-1].Addresses.Last.Compare(p.Addresses.First) >= 0) {
			t.Fatalf("ranges not sorted and disjoint at %d: %v", i, pieces)
		}
		if i > 0 && pieces[i-1].Ports.Equal(p.Ports) {
			between := simulate.AddressRange{First: pieces[i-1].Addresses.Last.Next(), Last: p.Addresses.First.Prev()}
			onlyPods := !pieces[i-1].Addresses.Last.Next().IsValid() || pieces[i-1].Addresses.Last.Next() == p.Addresses.First
			if !onlyPods && between.First.Compare(between.Last) <= 0 && between.First.BitLen() == between.Last.BitLen() {
				onlyPods = true
				for a := between.First; onlyPods && a.Compare(between.Last) <= 0; a = a.Next() {
					onlyPods = owned[a]
					if !onlyPods || a == between.Last {
						break
					}
				}
			}
			if onlyPods && pieces[i-1].Addresses.Last.BitLen() == p.Addresses.First.BitLen() {
				t.Fatalf("ranges %v and %v have the same ports %v and nothing but pods between them", pieces[i-1].Addresses, p.Addresses, p.Ports)
			}
		}
	}
	var prefix netip.Prefix
	if endpoint.Kind() == simulate.CIDREndpoint {
		prefix, _ = netip.ParsePrefix(endpoint.String())
	}
	points := portPoints(c)
	for _, a := range tries {
		if owned[a] || (prefix.IsValid() && !prefix.Contains(a)) {
			continue
		}
		k := slices.IndexFunc(pieces, func(p simulate.AddressPorts) bool {
			return p.Addresses.First.Compare(a) <= 0 && a.Compare(p.Addresses.Last) <= 0
		})
		if k < 0 {
			t.Fatalf("address %s is in no range of %v", a, pieces)
		}
		for _, proto := range simulate.Protocols() {
			for _, port := range points {
				from, to := simulate.IP(a), simulate.Pod(pod.Namespace, pod.Name)
				if d == simulate.Egress {
					from, to = to, from
				}
				v := check(t, m, from, to, simulate.PortSpec{Protocol: proto, Start: port, End: port})
				if got := pieces[k].Ports.Contains(proto, port); got != v.Allowed {
					t.Fatalf("%s %s/%d: range %v says %v (ports %v), Check says %v",
						d, proto, port, pieces[k].Addresses, got, pieces[k].Ports, v)
				}
			}
		}
	}
}

func TestAddressAccess(t *testing.T) { rapid.Check(t, propAddressAccess) }

func FuzzAddressAccess(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propAddressAccess)) }

// propClassAddressAccess: Model.AddressAccess for a pod is
// Model.ClassAddressAccess for its class with, for ingress, the addresses
// Model.NodeTrafficFrom gives allowed on every port, at every address
// outside the cluster tried (the edges of every range of either answer, and
// the addresses propAddressAccess tries); the node traffic ranges are
// addresses of the pod's node, and none without node traffic.
func propClassAddressAccess(t *rapid.T) {
	ac := drawAddressCase(t)
	m, pod, d, endpoint, tries, owned, noNode := ac.m, ac.pod, ac.d, ac.endpoint, ac.tries, ac.owned, ac.noNode
	class, err := m.ClassOf(pod)
	if err != nil {
		t.Fatalf("ClassOf: %v", err)
	}
	part, err := m.ClassAddressAccess(class, endpoint, d)
	if err != nil {
		t.Fatalf("ClassAddressAccess: %v", err)
	}
	for _, p := range part {
		tries = append(tries, p.Addresses.First, p.Addresses.Last)
	}
	// Every pod of the class: the class's answer must not be its
	// representative's.
	for _, pod := range m.Classes()[class].Pods {
		classMember(t, m, pod, endpoint, d, part, slices.Clone(tries), owned, noNode)
	}
}

// classMember checks propClassAddressAccess for one pod of the class whose
// answer is part.
func classMember(t *rapid.T, m *simulate.Model, pod simulate.PodID, endpoint simulate.Endpoint, d simulate.Direction,
	part []simulate.AddressPorts, tries []netip.Addr, owned map[netip.Addr]bool, noNode bool) {
	whole, err := m.AddressAccess(pod, endpoint, d)
	if err != nil {
		t.Fatalf("AddressAccess: %v", err)
	}
	nodes, err := m.NodeTrafficFrom(pod, endpoint)
	if err != nil {
		t.Fatalf("NodeTrafficFrom: %v", err)
	}
	nodeAddrs, err := m.NodeAddresses(pod)
	if err != nil {
		t.Fatalf("NodeAddresses: %v", err)
	}
	for _, r := range nodes {
		if noNode || !slices.Contains(nodeAddrs, r.First) || !slices.Contains(nodeAddrs, r.Last) {
			t.Fatalf("node traffic range %v: not of the node's addresses %v (node traffic off: %v)", r, nodeAddrs, noNode)
		}
	}
	for _, p := range whole {
		tries = append(tries, p.Addresses.First, p.Addresses.Last)
	}
	for _, r := range nodes {
		tries = append(tries, r.First, r.Last)
	}
	at := func(ps []simulate.AddressPorts, a netip.Addr) (simulate.PortSet, bool) {
		for _, p := range ps {
			if p.Addresses.First.Compare(a) <= 0 && a.Compare(p.Addresses.Last) <= 0 {
				return p.Ports, true
			}
		}
		return simulate.PortSet{}, false
	}
	for _, a := range tries {
		if owned[a] {
			continue
		}
		want, inWhole := at(whole, a)
		got, inPart := at(part, a)
		if inWhole != inPart {
			t.Fatalf("%s %s: in AddressAccess's ranges %v, in ClassAddressAccess's %v", pod, a, inWhole, inPart)
		}
		if d == simulate.Ingress && slices.ContainsFunc(nodes, func(r simulate.AddressRange) bool {
			return r.First.Compare(a) <= 0 && a.Compare(r.Last) <= 0
		}) {
			got = simulate.AllPorts()
		}
		if !got.Equal(want) {
			t.Fatalf("%s %s %s: AddressAccess says %v, the class and node traffic %v", pod, d, a, want, got)
		}
	}
}

func TestClassAddressAccess(t *testing.T) { rapid.Check(t, propClassAddressAccess) }

func FuzzClassAddressAccess(f *testing.F) { f.Fuzz(rapid.MakeFuzz(propClassAddressAccess)) }
