package manifest

import (
	"encoding/json"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"
)

// This file reads Pods, which a dump of a cluster holds by the thousand,
// on a path that decodes only what the simulation reads of their status.

// podStatusFields are the fields of a Pod's status that are read; the
// rest of the status (conditions, container statuses, …) is skipped: it
// is the server's, and means nothing to the simulation.
var podStatusFields = map[string]bool{"phase": true, "podIP": true, "podIPs": true, "hostIP": true, "hostIPs": true}

// fastPod decodes the Pod raw, and reports false, having recorded
// nothing, when it has anything that typed should judge: a member of the
// pod other than apiVersion, kind, metadata, spec and status or one given
// twice, anything that strict decoding of metadata or spec objects to, a
// status that is not valid JSON or whose read fields do not decode
// strictly. Otherwise it gives what typed gives for podStatusRead(raw).
func (l *decoder) fastPod(o *object, raw []byte) (*corev1.Pod, bool) {
	var meta, spec, status []byte
	var seen [5]bool
	bad := false
	visit := func(f member) bool {
		i := 0
		switch f.key {
		case "apiVersion":
			i = 0
		case "kind":
			i = 1
		case "metadata":
			i, meta = 2, f.value
		case "spec":
			i, spec = 3, f.value
		case "status":
			i, status = 4, f.value
		default:
			bad = true
			return false
		}
		if seen[i] {
			bad = true
			return false
		}
		seen[i] = true
		return true
	}
	ok := true
	if l.fields != nil {
		// The members as object found them.
		for _, f := range l.fields {
			if !visit(f) {
				break
			}
		}
	} else {
		ok = members(raw, visit)
	}
	if !ok || bad {
		return nil, false
	}
	x, _ := l.into.(*corev1.Pod)
	if x == nil {
		x = new(corev1.Pod)
	} else {
		*x = corev1.Pod{}
	}
	if meta != nil && !l.l.share.members(meta, reflect.ValueOf(&x.ObjectMeta).Elem(), objectMetaFields) ||
		spec != nil && !l.l.share.members(spec, reflect.ValueOf(&x.Spec).Elem(), podSpecFields) {
		return nil, false
	}
	if status != nil && !isNull(status) {
		if !json.Valid(status) {
			return nil, false
		}
		good := true
		if !members(status, func(f member) bool {
			if podStatusFields[f.key] {
				// A field given twice takes its last value, as decoding
				// does.
				good = l.l.share.strictInto(f.value, podStatusField(&x.Status, f.key))
			}
			return good
		}) || !good {
			return nil, false
		}
	}
	return finishTyped(l, o, x), true
}

// podStatusField returns a pointer to the field of st named key, one of
// podStatusFields.
func podStatusField(st *corev1.PodStatus, key string) any {
	switch key {
	case "phase":
		return &st.Phase
	case "podIP":
		return &st.PodIP
	case "podIPs":
		st.PodIPs = nil
		return &st.PodIPs
	case "hostIP":
		return &st.HostIP
	}
	st.HostIPs = nil
	return &st.HostIPs
}

// strictInto decodes raw into v and reports whether strict decoding found
// nothing to object to.
func (s *sharer) strictInto(raw []byte, v any) bool {
	if fastPaths {
		if s.json.Decode(raw, v) {
			return true
		}
		reflect.ValueOf(v).Elem().SetZero()
	}
	errs, err := sigsjson.UnmarshalStrict(raw, v)
	return err == nil && len(errs) == 0
}

// podStatusRead returns the JSON object raw, a Pod, with only the fields
// of its status that are read (podStatusFields), or raw itself when it is
// not valid JSON or its status is not an object.
func podStatusRead(raw []byte) []byte {
	if !json.Valid(raw) {
		return raw
	}
	var out []byte
	changed := false
	members(raw, func(f member) bool {
		value := f.value
		if f.key == "status" {
			var st []byte
			if members(value, func(g member) bool {
				if !podStatusFields[g.key] {
					changed = true
					return true
				}
				st = appendMember(st, g.key, g.value)
				return true
			}) {
				value = closeObject(st)
			}
		}
		out = appendMember(out, f.key, value)
		return true
	})
	if !changed {
		return raw
	}
	return closeObject(out)
}

// appendMember appends "key":value to the members of an object being
// written in out ('{' and the members so far).
func appendMember(out []byte, key string, value []byte) []byte {
	if out == nil {
		out = append(out, '{')
	} else {
		out = append(out, ',')
	}
	k, _ := json.Marshal(key)
	out = append(out, k...)
	out = append(out, ':')
	return append(out, value...)
}

// closeObject ends an object that appendMember wrote.
func closeObject(out []byte) []byte {
	if out == nil {
		return []byte("{}")
	}
	return append(out, '}')
}
