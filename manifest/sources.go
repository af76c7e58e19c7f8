package manifest

// Source returns where the object kind namespace/name was found: its
// document's first content line, or its own line inside a list document.
// A pod generated from a workload is found at its workload. kind is the
// object's kind as written ("NetworkPolicy", "Service", "Pod", ...) and
// namespace is "default" for a namespaced object written without one and
// empty for a cluster-scoped object. ok is false for an object the input
// does not hold (such as an implied Namespace), and on a nil Result or one
// not made by a load.
//
// A Result keeps the text it was loaded from for Source and FieldSource.
// The first call on an object inside a YAML list parses that document again
// (once per document); other calls cost a map lookup.
func (r *Result) Source(kind, namespace, name string) (src Source, ok bool) {
	return r.FieldSource(kind, namespace, name, "")
}

// FieldSource is Source with the line of the field at path inside the
// object, such as "spec.ingress[1].from[0]" (the syntax of field errors),
// or of the nearest enclosing field that can be found; path "" is the
// object itself. For a pod generated from a workload the path is looked up
// in the workload.
func (r *Result) FieldSource(kind, namespace, name, path string) (src Source, ok bool) {
	if r == nil {
		return Source{}, false
	}
	at, ok := r.origins[objKey{kind, namespace, name}]
	if !ok || at.o == nil {
		return Source{}, false
	}
	o := at.o
	src = o.source()
	if path != "" {
		if line := o.d.fieldLine(o, path); line > 0 {
			src.Line = line
		}
	}
	return src, true
}
