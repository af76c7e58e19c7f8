package manifest

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"
)

// TestValidNamesMatchAPIMachinery: the checks that run before
// apimachinery's accept exactly what apimachinery accepts.
func TestValidNamesMatchAPIMachinery(t *testing.T) {
	edges := []string{"", "a", "-", "a-", "-a", "a.b", "a..b", ".a", "a.", "a/b", "a/b/c", "/a", "a/", "A", "9a", "a_b", "a.b-c_d",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab",
		"x/" + strings.Repeat("a", 63), "x/" + strings.Repeat("a", 64), strings.Repeat("a", 254) + "/b"}
	gen := rapid.OneOf(
		rapid.StringMatching(`[a-z0-9.\-/_A-Z]{0,12}`),
		rapid.StringMatching(`[a-z0-9]([a-z0-9\-]{0,70}[a-z0-9])?(\.[a-z0-9\-]{1,70}){0,4}`),
		rapid.StringMatching(`([a-z0-9.\-]{1,20}/)?[A-Za-z0-9._\-]{0,70}`),
	)
	for _, s := range edges {
		checkNames(t, s)
	}
	rapid.Check(t, func(t *rapid.T) { checkNames(t, gen.Draw(t, "s")) })
}

func checkNames(t fataler, s string) {
	for kind, check := range nameChecks {
		if want := len(check(s, false)) == 0; validName(kind, s) != want {
			t.Fatalf("validName(%s, %q) = %v, apimachinery says %v", kind, s, !want, want)
		}
	}
	for _, labels := range []map[string]string{{s: "v"}, {"k": s}} {
		if want := len(metav1validation.ValidateLabels(labels, field.NewPath("l"))) == 0; validLabels(labels) != want {
			t.Fatalf("validLabels(%q) = %v, apimachinery says %v", labels, !want, want)
		}
	}
}

// TestValidPortsMatchProblems: the fast checks of ports accept exactly
// what the checks that word the problems find no problem with.
func TestValidPortsMatchProblems(t *testing.T) {
	num := rapid.SampledFrom([]int32{80, 1, 65535, 0, 65536, -1})
	optional := rapid.SampledFrom([]int32{0, 8080, 65536, -1})
	name := rapid.SampledFrom([]string{"http", "", "metrics", "a--b", "80", "Http", "abcdefghijklmnop", "-a"})
	proto := rapid.SampledFrom([]corev1.Protocol{"", "TCP", "UDP", "SCTP", "tcp", "ICMP"})
	// One bad field each, and the whole.
	edges := []corev1.ContainerPort{{Name: "http", ContainerPort: 80, HostPort: 8080, Protocol: "UDP"},
		{ContainerPort: 0}, {ContainerPort: 65536}, {ContainerPort: 80, HostPort: 65536}, {ContainerPort: 80, HostPort: -1},
		{ContainerPort: 80, Name: "a--b"}, {ContainerPort: 80, Protocol: "tcp"}}
	for _, p := range edges {
		spec := corev1.PodSpec{Containers: []corev1.Container{{Ports: []corev1.ContainerPort{p}}}}
		if got, want := validPodPorts(spec.Containers), len(podPortProblems(&spec, field.NewPath("spec"))) == 0; got != want {
			t.Fatalf("validPodPorts(%+v) = %v, want %v", p, got, want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		var spec corev1.PodSpec
		for range rapid.IntRange(0, 2).Draw(t, "containers") {
			var c corev1.Container
			for range rapid.IntRange(0, 20).Draw(t, "ports") {
				c.Ports = append(c.Ports, corev1.ContainerPort{
					Name: name.Draw(t, "name"), ContainerPort: num.Draw(t, "containerPort"),
					HostPort: optional.Draw(t, "hostPort"), Protocol: proto.Draw(t, "protocol"),
				})
			}
			if rapid.Bool().Draw(t, "init") {
				spec.InitContainers = append(spec.InitContainers, c)
			} else {
				spec.Containers = append(spec.Containers, c)
			}
		}
		want := len(podPortProblems(&spec, field.NewPath("spec"))) == 0
		if got := validPodPorts(spec.InitContainers) && validPodPorts(spec.Containers); got != want {
			t.Fatalf("validPodPorts = %v, podPortProblems finds problems = %v: %+v", got, !want, spec)
		}
		var svc corev1.ServiceSpec
		for range rapid.IntRange(0, 3).Draw(t, "servicePorts") {
			target := intstr.FromInt32(num.Draw(t, "targetPort"))
			if rapid.Bool().Draw(t, "named") {
				target = intstr.FromString(name.Draw(t, "targetName"))
			}
			svc.Ports = append(svc.Ports, corev1.ServicePort{
				Port: num.Draw(t, "port"), NodePort: optional.Draw(t, "nodePort"), TargetPort: target, Protocol: proto.Draw(t, "protocol"),
			})
		}
		if got, want := validServicePorts(svc.Ports), len(servicePortProblems(&svc)) == 0; got != want {
			t.Fatalf("validServicePorts = %v, servicePortProblems finds problems = %v: %+v", got, !want, svc)
		}
	})
}
