package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/simulate"
)

// templatePath is where a controller of each kind keeps its pod template,
// so that a finding on the workload names the field to fix.
var templatePath = map[string]string{
	"Deployment": "spec.template.", "StatefulSet": "spec.template.", "DaemonSet": "spec.template.",
	"ReplicaSet": "spec.template.", "ReplicationController": "spec.template.", "Job": "spec.template.",
	"CronJob": "spec.jobTemplate.spec.template.",
}

// portNamesRepeated reports port names that two containers of a pod both
// use (simulate.Model.PortNameRepeats), one finding per workload and name:
// the pods of a workload share their containers.
func (l *linter) portNamesRepeated() []Finding {
	type key struct {
		obj  Object
		name string
	}
	byKey := map[key]*Finding{}
	var order []key
	for _, r := range l.m.PortNameRepeats() {
		i := l.podIdx[r.Pod]
		obj, field := l.podObject(i), r.Ports[1].Field
		if kind, name, ok := simulate.WorkloadOf(l.objs[i]); ok {
			obj = Object{Kind: kind, Namespace: r.Pod.Namespace, Name: name}
			field = ""
			if prefix, known := templatePath[kind]; known {
				field = prefix + r.Ports[1].Field
			}
		}
		k := key{obj, r.Name}
		if f := byKey[k]; f != nil {
			f.Related = append(f.Related, l.podObject(i))
			continue
		}
		uses := make([]string, len(r.Ports))
		for j, p := range r.Ports {
			uses[j] = fmt.Sprintf("%s (%s/%d)", p.Container, p.Protocol, p.Number)
		}
		f := &Finding{Rule: "port-name-repeated", Severity: Info, Object: obj, Field: field,
			Message: fmt.Sprintf("port name %q is used by containers %s", r.Name, strings.Join(uses, ", ")),
			Hint:    "give each container port its own name (the API server warns when containers repeat one)"}
		if r.Conflicting() {
			f.Severity = Warning
			f.Message += fmt.Sprintf(": policy rules naming %q open every one of these ports, while Services, probes and questions by name reach only the first of each protocol", r.Name)
		} else {
			f.Message += "; the names resolve alike today, but a change to one container would split them"
		}
		if obj.Kind != "Pod" {
			f.Related = []Object{l.podObject(i)}
		}
		byKey[k] = f
		order = append(order, k)
	}
	out := make([]Finding, len(order))
	for j, k := range order {
		out[j] = *byKey[k]
		slices.SortFunc(out[j].Related, compareObjects)
	}
	return out
}
