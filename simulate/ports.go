package simulate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Protocols returns the protocols NetworkPolicy knows (TCP, UDP, SCTP), in
// the order the project always prints them, as a new slice the caller may
// change.
func Protocols() []corev1.Protocol { return slices.Clone(protocols[:]) }

// protocols is what Protocols returns.
var protocols = [3]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// protoIndex returns the position of p in protocols, or -1.
func protoIndex(p corev1.Protocol) int {
	switch p {
	case corev1.ProtocolTCP:
		return 0
	case corev1.ProtocolUDP:
		return 1
	case corev1.ProtocolSCTP:
		return 2
	}
	return -1
}

// PortSpec is the port part of a question: one port, an inclusive range of
// ports, or a named port of the destination, on one protocol.
//
// A named PortSpec (Name non-empty) is resolved against the destination pod's
// container ports, name and protocol both matching; Start and End are then
// ignored.
type PortSpec struct {
	Protocol   corev1.Protocol
	Start, End int32
	Name       string
}

// TCP returns the PortSpec of one TCP port.
func TCP(port int32) PortSpec { return PortSpec{Protocol: corev1.ProtocolTCP, Start: port, End: port} }

// SCTP returns the PortSpec of one SCTP port.
func SCTP(port int32) PortSpec {
	return PortSpec{Protocol: corev1.ProtocolSCTP, Start: port, End: port}
}

// UDP returns the PortSpec of one UDP port.
func UDP(port int32) PortSpec { return PortSpec{Protocol: corev1.ProtocolUDP, Start: port, End: port} }

// ParsePortSpec reads a port as people type it: "5432" (TCP), "5432/TCP",
// "53/udp", "8000-8080/TCP", "http" (a named TCP port), "dns/UDP", and the
// protocol-first form that [PortSpec.String] prints ("TCP/5432",
// "UDP/dns"). Protocol names are case-insensitive; when both sides of the
// "/" are protocol names, the first is the port name ("udp/TCP"). Ports must
// be in 1..65535 and a range must not run backwards; names follow
// Kubernetes port-name rules.
func ParsePortSpec(s string) (PortSpec, error) {
	spec := PortSpec{Protocol: corev1.ProtocolTCP}
	body := s
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		before, after := s[:i], s[i+1:]
		proto, word := after, before
		if protoIndex(corev1.Protocol(strings.ToUpper(after))) < 0 && protoIndex(corev1.Protocol(strings.ToUpper(before))) >= 0 {
			proto, word = before, after
		}
		if protoIndex(corev1.Protocol(strings.ToUpper(proto))) < 0 {
			return PortSpec{}, fmt.Errorf("simulate: port %q: unknown protocol %q (want TCP, UDP or SCTP)", s, proto)
		}
		spec.Protocol = corev1.Protocol(strings.ToUpper(proto))
		body = word
	}
	if body == "" {
		return PortSpec{}, fmt.Errorf("simulate: port %q: missing port number or name", s)
	}
	if lo, hi, isRange := strings.Cut(body, "-"); allDigits(lo) && (!isRange || allDigits(hi)) {
		if !isRange {
			hi = lo
		}
		start, errLo := strconv.Atoi(lo)
		end, errHi := strconv.Atoi(hi)
		for _, p := range []int{start, end} {
			if errLo != nil || errHi != nil || p < 1 || p > 65535 {
				return PortSpec{}, fmt.Errorf("simulate: port %q: %s is not between 1 and 65535", s, body)
			}
		}
		if end < start {
			return PortSpec{}, fmt.Errorf("simulate: port %q: range ends before it starts", s)
		}
		spec.Start, spec.End = int32(start), int32(end)
		return spec, nil
	}
	if msgs := validation.IsValidPortName(body); len(msgs) > 0 {
		return PortSpec{}, fmt.Errorf("simulate: port %q: not a port number, range or valid port name: %s", s, msgs[0])
	}
	spec.Name = body
	return spec, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validate reports a spec that no query can take.
func (p PortSpec) validate() error {
	if protoIndex(p.Protocol) < 0 {
		return fmt.Errorf("simulate: port %s: protocol must be TCP, UDP or SCTP", p)
	}
	if p.Name == "" && (p.Start < 1 || p.End > 65535 || p.End < p.Start) {
		return fmt.Errorf("simulate: port %s: want 1 <= start <= end <= 65535", p)
	}
	return nil
}

// String renders the spec protocol first, the way verdicts print it and
// ParsePortSpec reads it back: "TCP/5432", "UDP/8000-8080", "TCP/http"; a
// port named like a protocol comes first ("udp/TCP") so that it reads back.
func (p PortSpec) String() string {
	switch {
	case p.Name != "" && protoIndex(corev1.Protocol(strings.ToUpper(p.Name))) >= 0:
		return p.Name + "/" + string(p.Protocol)
	case p.Name != "":
		return string(p.Protocol) + "/" + p.Name
	case p.Start == p.End:
		return fmt.Sprintf("%s/%d", p.Protocol, p.Start)
	default:
		return fmt.Sprintf("%s/%d-%d", p.Protocol, p.Start, p.End)
	}
}

// PortRange is an inclusive range of ports of one protocol.
type PortRange struct {
	Protocol   corev1.Protocol
	Start, End int32
}

func (r PortRange) String() string {
	if r.Start == r.End {
		return fmt.Sprintf("%s/%d", r.Protocol, r.Start)
	}
	return fmt.Sprintf("%s/%d-%d", r.Protocol, r.Start, r.End)
}

// PortSet is a set of (protocol, port) pairs, kept as sorted, merged ranges:
// TCP first, then UDP, then SCTP, each by start. The zero PortSet is empty.
// PortSets are values; no method changes its receiver.
type PortSet struct {
	ranges []PortRange
}

// AllPorts returns the set of every port of every protocol.
func AllPorts() PortSet {
	s := PortSet{}
	for _, p := range protocols {
		s.ranges = append(s.ranges, PortRange{p, 1, 65535})
	}
	return s
}

// NewPortSet returns the union of the given ranges, sorted and merged.
// Ranges of unknown protocols or outside 1..65535 are clipped away.
func NewPortSet(ranges ...PortRange) PortSet {
	rs := make([]PortRange, 0, len(ranges))
	for _, r := range ranges {
		r.Start, r.End = max(r.Start, 1), min(r.End, 65535)
		if protoIndex(r.Protocol) >= 0 && r.Start <= r.End {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, comparePortRange)
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && out[n-1].Protocol == r.Protocol && r.Start <= out[n-1].End+1 {
			out[n-1].End = max(out[n-1].End, r.End)
			continue
		}
		out = append(out, r)
	}
	return PortSet{ranges: out}
}

func comparePortRange(a, b PortRange) int {
	if c := protoIndex(a.Protocol) - protoIndex(b.Protocol); c != 0 {
		return c
	}
	return int(a.Start) - int(b.Start)
}

// Ranges returns the ranges of s, sorted and merged; the caller may keep it.
func (s PortSet) Ranges() []PortRange { return slices.Clone(s.ranges) }

// IsEmpty reports whether s holds no port.
func (s PortSet) IsEmpty() bool { return len(s.ranges) == 0 }

// IsAll reports whether s holds every port of every protocol.
func (s PortSet) IsAll() bool { return s.Equal(AllPorts()) }

// Equal reports whether s and o hold the same ports.
func (s PortSet) Equal(o PortSet) bool { return slices.Equal(s.ranges, o.ranges) }

// Contains reports whether s holds port on proto. It costs O(log ranges).
func (s PortSet) Contains(proto corev1.Protocol, port int32) bool {
	i, found := slices.BinarySearchFunc(s.ranges, PortRange{Protocol: proto, Start: port}, comparePortRange)
	if found {
		return true
	}
	return i > 0 && s.ranges[i-1].Protocol == proto && s.ranges[i-1].End >= port
}

// String renders s as "TCP/80,TCP/8000-8080,UDP/53"; "all" for every port
// and "none" for no port.
func (s PortSet) String() string {
	switch {
	case s.IsEmpty():
		return "none"
	case s.IsAll():
		return "all"
	}
	parts := make([]string, len(s.ranges))
	for i, r := range s.ranges {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// Intersect returns the ports that are in both s and o.
func (s PortSet) Intersect(o PortSet) PortSet {
	var out []PortRange
	i, j := 0, 0
	for i < len(s.ranges) && j < len(o.ranges) {
		a, b := s.ranges[i], o.ranges[j]
		if a.Protocol == b.Protocol {
			if lo, hi := max(a.Start, b.Start), min(a.End, b.End); lo <= hi {
				out = append(out, PortRange{a.Protocol, lo, hi})
			}
		}
		// Drop whichever range ends first in (protocol, port) order.
		if c := protoIndex(a.Protocol) - protoIndex(b.Protocol); c < 0 || (c == 0 && a.End < b.End) {
			i++
		} else {
			j++
		}
	}
	return PortSet{ranges: out}
}

// Union returns the ports that are in s or in o.
func (s PortSet) Union(o PortSet) PortSet {
	switch {
	case s.IsEmpty():
		return o
	case o.IsEmpty():
		return s
	}
	return NewPortSet(append(slices.Clone(s.ranges), o.ranges...)...)
}
