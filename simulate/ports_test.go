package simulate

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

const (
	tcp  = corev1.ProtocolTCP
	udp  = corev1.ProtocolUDP
	sctp = corev1.ProtocolSCTP
)

func TestParsePortSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		want PortSpec
	}{
		{"5432", PortSpec{Protocol: tcp, Start: 5432, End: 5432}},
		{"5432/TCP", PortSpec{Protocol: tcp, Start: 5432, End: 5432}},
		{"53/udp", PortSpec{Protocol: udp, Start: 53, End: 53}},
		{"53/Udp", PortSpec{Protocol: udp, Start: 53, End: 53}},
		{"2905/sctp", PortSpec{Protocol: sctp, Start: 2905, End: 2905}},
		{"8000-8080/TCP", PortSpec{Protocol: tcp, Start: 8000, End: 8080}},
		{"8000-8000", PortSpec{Protocol: tcp, Start: 8000, End: 8000}},
		{"1-65535/UDP", PortSpec{Protocol: udp, Start: 1, End: 65535}},
		{"http", PortSpec{Protocol: tcp, Name: "http"}},
		{"dns/UDP", PortSpec{Protocol: udp, Name: "dns"}},
		{"web-8080", PortSpec{Protocol: tcp, Name: "web-8080"}},
		{"1", PortSpec{Protocol: tcp, Start: 1, End: 1}},
		{"65535", PortSpec{Protocol: tcp, Start: 65535, End: 65535}},
		{"007", PortSpec{Protocol: tcp, Start: 7, End: 7}},
	} {
		got, err := ParsePortSpec(c.in)
		if err != nil {
			t.Errorf("ParsePortSpec(%q): %v", c.in, err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("ParsePortSpec(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestParsePortSpecErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0", `simulate: port "0": 0 is not between 1 and 65535`},
		{"65536", `simulate: port "65536": 65536 is not between 1 and 65535`},
		{"99999999999999999999", `simulate: port "99999999999999999999": 99999999999999999999 is not between 1 and 65535`},
		{"0-80/UDP", `simulate: port "0-80/UDP": 0-80 is not between 1 and 65535`},
		{"80-65536", `simulate: port "80-65536": 80-65536 is not between 1 and 65535`},
		{"80-79", `simulate: port "80-79": range ends before it starts`},
		{"80/ICMP", `simulate: port "80/ICMP": unknown protocol "ICMP" (want TCP, UDP or SCTP)`},
		{"80/", `simulate: port "80/": unknown protocol "" (want TCP, UDP or SCTP)`},
		{"", `simulate: port "": missing port number or name`},
		{"/TCP", `simulate: port "/TCP": missing port number or name`},
		{"8000-", `simulate: port "8000-": not a port number, range or valid port name: must contain at least one letter (a-z)`},
		{"-80", `simulate: port "-80": not a port number, range or valid port name: must contain at least one letter (a-z)`},
		{"HTTP_", `simulate: port "HTTP_": not a port number, range or valid port name: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`},
		{"a-very-long-port-name", `simulate: port "a-very-long-port-name": not a port number, range or valid port name: must be no more than 15 characters`},
		{"a/b/c", `simulate: port "a/b/c": unknown protocol "c" (want TCP, UDP or SCTP)`},
	} {
		got, err := ParsePortSpec(c.in)
		if err == nil {
			t.Errorf("ParsePortSpec(%q) = %#v, want error %q", c.in, got, c.want)
			continue
		}
		if diff := cmp.Diff(c.want, err.Error()); diff != "" {
			t.Errorf("ParsePortSpec(%q) error (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestPortSpecString(t *testing.T) {
	for _, c := range []struct {
		spec PortSpec
		want string
	}{
		{TCP(5432), "TCP/5432"},
		{UDP(53), "UDP/53"},
		{PortSpec{Protocol: sctp, Start: 8000, End: 8080}, "SCTP/8000-8080"},
		{PortSpec{Protocol: tcp, Name: "http"}, "TCP/http"},
		{PortSpec{Protocol: udp, Name: "dns", Start: 53, End: 53}, "UDP/dns"},
	} {
		if diff := cmp.Diff(c.want, c.spec.String()); diff != "" {
			t.Errorf("%#v.String() (-want +got):\n%s", c.spec, diff)
		}
	}
}

// TestPortSpecStringRoundTrip checks the promise of PortSpec.String: it
// renders the spec the way ParsePortSpec reads it.
func TestPortSpecStringRoundTrip(t *testing.T) {
	for _, spec := range []PortSpec{
		TCP(1),
		TCP(5432),
		UDP(65535),
		{Protocol: sctp, Start: 8000, End: 8080},
		{Protocol: tcp, Name: "http"},
		{Protocol: udp, Name: "dns"},
		// Port names that are also protocol names.
		{Protocol: tcp, Name: "udp"},
		{Protocol: udp, Name: "tcp"},
		{Protocol: sctp, Name: "sctp"},
	} {
		got, err := ParsePortSpec(spec.String())
		if err != nil {
			t.Errorf("ParsePortSpec(%#v.String() = %q): %v", spec, spec.String(), err)
			continue
		}
		if diff := cmp.Diff(spec, got); diff != "" {
			t.Errorf("ParsePortSpec(%q) (-want +got):\n%s", spec.String(), diff)
		}
	}
}

func TestPortSpecValidate(t *testing.T) {
	for _, c := range []struct {
		spec PortSpec
		want string // "" for valid
	}{
		{TCP(1), ""},
		{PortSpec{Protocol: sctp, Start: 1, End: 65535}, ""},
		{PortSpec{Protocol: udp, Name: "dns"}, ""},
		{PortSpec{}, "simulate: port /0: protocol must be TCP, UDP or SCTP"},
		{PortSpec{Protocol: "ICMP", Start: 1, End: 1}, "simulate: port ICMP/1: protocol must be TCP, UDP or SCTP"},
		{PortSpec{Protocol: "tcp", Start: 1, End: 1}, "simulate: port tcp/1: protocol must be TCP, UDP or SCTP"},
		{TCP(0), "simulate: port TCP/0: want 1 <= start <= end <= 65535"},
		{TCP(65536), "simulate: port TCP/65536: want 1 <= start <= end <= 65535"},
		{PortSpec{Protocol: tcp, Start: 80, End: 79}, "simulate: port TCP/80-79: want 1 <= start <= end <= 65535"},
	} {
		got := ""
		if err := c.spec.validate(); err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%#v.validate() (-want +got):\n%s", c.spec, diff)
		}
	}
}

func TestNewPortSet(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []PortRange
		want []PortRange
	}{
		{"empty", nil, nil},
		{"one", []PortRange{{tcp, 80, 80}}, []PortRange{{tcp, 80, 80}}},
		{"sorted by protocol then start",
			[]PortRange{{sctp, 5, 5}, {udp, 53, 53}, {tcp, 443, 443}, {tcp, 80, 80}},
			[]PortRange{{tcp, 80, 80}, {tcp, 443, 443}, {udp, 53, 53}, {sctp, 5, 5}}},
		{"overlapping merge",
			[]PortRange{{tcp, 8000, 8080}, {tcp, 8050, 9000}},
			[]PortRange{{tcp, 8000, 9000}}},
		{"adjacent merge",
			[]PortRange{{tcp, 81, 90}, {tcp, 80, 80}, {tcp, 91, 91}},
			[]PortRange{{tcp, 80, 91}}},
		{"gap of one port kept",
			[]PortRange{{tcp, 80, 80}, {tcp, 82, 82}},
			[]PortRange{{tcp, 80, 80}, {tcp, 82, 82}}},
		{"contained range absorbed",
			[]PortRange{{udp, 1, 1000}, {udp, 10, 20}, {udp, 999, 1000}},
			[]PortRange{{udp, 1, 1000}}},
		{"same numbers, other protocols not merged",
			[]PortRange{{udp, 80, 80}, {tcp, 81, 81}, {tcp, 80, 80}},
			[]PortRange{{tcp, 80, 81}, {udp, 80, 80}}},
		{"duplicates",
			[]PortRange{{sctp, 7, 9}, {sctp, 7, 9}},
			[]PortRange{{sctp, 7, 9}}},
		{"clipped to 1..65535",
			[]PortRange{{tcp, -5, 10}, {udp, 65530, 70000}},
			[]PortRange{{tcp, 1, 10}, {udp, 65530, 65535}}},
		{"outside or backwards dropped",
			[]PortRange{{tcp, 0, 0}, {tcp, 65536, 70000}, {tcp, 90, 80}, {udp, -3, -1}},
			nil},
		{"unknown protocols dropped",
			[]PortRange{{"ICMP", 1, 1}, {"", 80, 80}, {"tcp", 80, 80}, {udp, 53, 53}},
			[]PortRange{{udp, 53, 53}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := NewPortSet(c.in...).Ranges()
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("NewPortSet(%v).Ranges() (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestNewPortSetDoesNotChangeArgument(t *testing.T) {
	in := []PortRange{{udp, 53, 53}, {tcp, -1, 80}}
	want := []PortRange{{udp, 53, 53}, {tcp, -1, 80}}
	NewPortSet(in...)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("NewPortSet changed its argument (-want +got):\n%s", diff)
	}
}

func TestPortSetRangesIsACopy(t *testing.T) {
	s := NewPortSet(PortRange{tcp, 80, 80})
	s.Ranges()[0].End = 90
	if diff := cmp.Diff("TCP/80", s.String()); diff != "" {
		t.Errorf("changing Ranges() changed the set (-want +got):\n%s", diff)
	}
}

func TestPortSetContains(t *testing.T) {
	s := NewPortSet(
		PortRange{tcp, 1, 1},
		PortRange{tcp, 80, 80},
		PortRange{tcp, 8000, 8080},
		PortRange{udp, 53, 53},
		PortRange{sctp, 65000, 65535},
	)
	for _, c := range []struct {
		proto corev1.Protocol
		port  int32
		want  bool
	}{
		{tcp, 0, false},
		{tcp, 1, true},
		{tcp, 2, false},
		{tcp, 79, false},
		{tcp, 80, true},
		{tcp, 81, false},
		{tcp, 7999, false},
		{tcp, 8000, true},
		{tcp, 8040, true},
		{tcp, 8080, true},
		{tcp, 8081, false},
		{tcp, 53, false},
		{udp, 52, false},
		{udp, 53, true},
		{udp, 54, false},
		{udp, 80, false},
		{udp, 8000, false},
		{sctp, 64999, false},
		{sctp, 65000, true},
		{sctp, 65535, true},
		{sctp, 65536, false},
		{sctp, 1, false},
		{"ICMP", 80, false},
		{"tcp", 80, false},
	} {
		if got := s.Contains(c.proto, c.port); got != c.want {
			t.Errorf("%s.Contains(%s, %d) = %v, want %v", s, c.proto, c.port, got, c.want)
		}
	}
	for _, p := range Protocols() {
		if (PortSet{}).Contains(p, 1) {
			t.Errorf("the zero PortSet contains %s/1", p)
		}
		for _, port := range []int32{1, 40000, 65535} {
			if !AllPorts().Contains(p, port) {
				t.Errorf("AllPorts() does not contain %s/%d", p, port)
			}
		}
	}
}

func TestPortSetString(t *testing.T) {
	for _, c := range []struct {
		set  PortSet
		want string
	}{
		{PortSet{}, "none"},
		{NewPortSet(), "none"},
		{NewPortSet(PortRange{tcp, 0, 0}), "none"},
		{AllPorts(), "all"},
		{NewPortSet(PortRange{sctp, 1, 65535}, PortRange{udp, 1, 65535}, PortRange{tcp, 1, 65535}), "all"},
		{NewPortSet(PortRange{tcp, 1, 40000}, PortRange{tcp, 40001, 65535}, PortRange{udp, 1, 65535}, PortRange{sctp, 1, 65535}), "all"},
		{NewPortSet(PortRange{tcp, 1, 65535}), "TCP/1-65535"},
		{NewPortSet(PortRange{tcp, 1, 65535}, PortRange{udp, 1, 65535}, PortRange{sctp, 1, 65534}), "TCP/1-65535,UDP/1-65535,SCTP/1-65534"},
		{NewPortSet(PortRange{udp, 53, 53}, PortRange{tcp, 8000, 8080}, PortRange{tcp, 80, 80}), "TCP/80,TCP/8000-8080,UDP/53"},
		{NewPortSet(PortRange{sctp, 9, 9}), "SCTP/9"},
	} {
		if diff := cmp.Diff(c.want, c.set.String()); diff != "" {
			t.Errorf("String() of %v (-want +got):\n%s", c.set.Ranges(), diff)
		}
	}
}

func TestPortSetIsAllIsEmptyEqual(t *testing.T) {
	type facts struct{ IsAll, IsEmpty, EqualAll, EqualZero bool }
	for _, c := range []struct {
		name string
		set  PortSet
		want facts
	}{
		{"zero", PortSet{}, facts{IsEmpty: true, EqualZero: true}},
		{"NewPortSet()", NewPortSet(), facts{IsEmpty: true, EqualZero: true}},
		{"AllPorts", AllPorts(), facts{IsAll: true, EqualAll: true}},
		{"all built from pieces", NewPortSet(PortRange{udp, 1, 65535}, PortRange{sctp, 1, 65535}, PortRange{tcp, 100, 65535}, PortRange{tcp, 1, 99}),
			facts{IsAll: true, EqualAll: true}},
		{"all but one port", NewPortSet(PortRange{udp, 1, 65535}, PortRange{sctp, 1, 65535}, PortRange{tcp, 1, 65534}), facts{}},
		{"all TCP only", NewPortSet(PortRange{tcp, 1, 65535}), facts{}},
		{"one port", NewPortSet(PortRange{tcp, 80, 80}), facts{}},
	} {
		got := facts{c.set.IsAll(), c.set.IsEmpty(), c.set.Equal(AllPorts()), c.set.Equal(PortSet{})}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}

	a := NewPortSet(PortRange{tcp, 80, 80}, PortRange{tcp, 81, 90}, PortRange{udp, 53, 53})
	b := NewPortSet(PortRange{udp, 53, 53}, PortRange{tcp, 80, 90})
	if !a.Equal(b) || !b.Equal(a) {
		t.Errorf("%s and %s built differently are not Equal", a, b)
	}
	for _, other := range []PortSet{
		NewPortSet(PortRange{tcp, 80, 90}),
		NewPortSet(PortRange{tcp, 80, 90}, PortRange{sctp, 53, 53}),
		NewPortSet(PortRange{tcp, 80, 91}, PortRange{udp, 53, 53}),
		NewPortSet(PortRange{tcp, 80, 80}, PortRange{tcp, 82, 90}, PortRange{udp, 53, 53}),
	} {
		if a.Equal(other) || other.Equal(a) {
			t.Errorf("%s Equal %s", a, other)
		}
	}
}

// FuzzParsePortSpec: ParsePortSpec never panics; what it accepts is a valid
// spec that reads back the same, both from String and from the form people
// type (PORT/PROTO).
func FuzzParsePortSpec(f *testing.F) {
	for _, s := range []string{"5432", "53/udp", "8000-8080/SCTP", "http", "dns/UDP", "0", "80-79", "a/b/c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParsePortSpec(s)
		if err != nil {
			if spec != (PortSpec{}) {
				t.Errorf("ParsePortSpec(%q) = %#v with error %v, want the zero PortSpec", s, spec, err)
			}
			return
		}
		if err := spec.validate(); err != nil {
			t.Fatalf("ParsePortSpec(%q) = %#v, which is invalid: %v", s, spec, err)
		}
		if spec.Name != "" && (spec.Start != 0 || spec.End != 0) {
			t.Fatalf("ParsePortSpec(%q) = %#v: a named spec with numbers", s, spec)
		}
		typed := fmt.Sprintf("%d-%d/%s", spec.Start, spec.End, spec.Protocol)
		if spec.Name != "" {
			typed = spec.Name + "/" + string(spec.Protocol)
		}
		for _, again := range []string{typed, spec.String()} {
			got, err := ParsePortSpec(again)
			if err != nil {
				t.Fatalf("ParsePortSpec(%q) = %#v, but ParsePortSpec(%q): %v", s, spec, again, err)
			}
			if diff := cmp.Diff(spec, got); diff != "" {
				t.Fatalf("ParsePortSpec(%q) then ParsePortSpec(%q) (-first +second):\n%s", s, again, diff)
			}
		}
	})
}

func TestProtocolsIsACopy(t *testing.T) {
	p := Protocols()
	want := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	if !slices.Equal(p, want) {
		t.Fatalf("Protocols() = %v, want %v", p, want)
	}
	p[0] = "ICMP"
	if got := Protocols(); !slices.Equal(got, want) {
		t.Errorf("after changing a result, Protocols() = %v, want %v", got, want)
	}
	if !AllPorts().Contains(corev1.ProtocolTCP, 80) {
		t.Error("after changing a result, AllPorts lost TCP")
	}
}
