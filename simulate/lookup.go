package simulate

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNotFound is wrapped by every error about an endpoint or object the
// model does not hold: an unknown pod, workload, Service, namespace,
// NetworkPolicy or tiered policy, or a selector that matches no pod (see
// [Model.Resolve]). Use errors.As with *[NotFoundError] for the name and the
// suggestions.
var ErrNotFound = errors.New("not found")

// NotFoundError says which endpoint the model does not hold and which of
// its names are nearest to it.
type NotFoundError struct {
	// What is "pod", "workload or pod", "service", "namespace",
	// "NetworkPolicy", "tiered policy" or "pod matching".
	What string
	// Name is the name asked for, as the endpoint or ID renders it
	// ("svc/shop/db" for a Service endpoint, "shop/db" for an [ObjectID],
	// "AdminNetworkPolicy/x" for a [TieredPolicyID]).
	Name string
	// Suggestions are up to three names of the model nearest to Name (by
	// prefix, then edit distance), nearest first; nil when none is near.
	Suggestions []string
}

// Error renders "simulate: no pod shop/db; did you mean shop/db-0?".
func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("simulate: ")
	if e.What == "pod matching" {
		ns, sel, _ := strings.Cut(e.Name, "/")
		if sel == "*" {
			fmt.Fprintf(&b, "namespace %s has no pods", ns)
		} else {
			fmt.Fprintf(&b, "no pod of namespace %s matches %s", ns, sel)
		}
	} else {
		fmt.Fprintf(&b, "no %s %s", e.What, e.Name)
	}
	if len(e.Suggestions) > 0 {
		fmt.Fprintf(&b, "; did you mean %s?", orList(e.Suggestions))
	}
	return b.String()
}

// Unwrap returns [ErrNotFound].
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Resolve returns the pods an endpoint stands for, sorted, and refuses an
// endpoint that names nothing of the model, so that a typo is an error
// rather than an empty answer:
//
//   - NAMESPACE/NAME: the pod of that name, or else every pod of the
//     workload with ID NAMESPACE/NAME (see [Model.Workloads]);
//   - a selector: the pods of the namespace it matches; an unknown
//     namespace, and a selector matching no pod, are errors;
//   - a Service: its backend pods, none for a Service without backends;
//   - an address: the pod that has it, or none (outside the cluster);
//   - a CIDR: the pods whose addresses it holds (not hostNetwork pods,
//     whose addresses are their nodes'), sorted, none when it holds no
//     pod's address (it is still addresses outside the cluster);
//   - Outside: none.
//
// Every error about a missing name wraps [ErrNotFound] as a
// *[NotFoundError] with the nearest names of the model. It costs O(pods)
// for sets and, on error, O(pods × name length) for the suggestions.
func (m *Model) Resolve(e Endpoint) ([]PodID, error) {
	switch e.kind {
	case kindPod:
		if i, ok := m.podByID[PodID{e.namespace, e.name}]; ok {
			return []PodID{m.pods[i].id}, nil
		}
		if w, ok := m.workloadNamed(e.namespace + "/" + e.name); ok {
			return w, nil
		}
		return nil, m.notFoundPod(e)
	case kindPods:
		if err := m.LookupNamespace(e.namespace); err != nil {
			return nil, err
		}
		ends, err := m.resolveSet(e)
		if err != nil {
			return nil, err
		}
		if len(ends) == 0 {
			return nil, &NotFoundError{What: "pod matching", Name: e.String()}
		}
		return endpointPods(ends), nil
	case kindService:
		i, ok := m.svcByID[PodID{e.namespace, e.name}]
		if !ok {
			var names []string
			for _, s := range m.services {
				names = append(names, "svc/"+s.Namespace+"/"+s.Name)
			}
			return nil, &NotFoundError{What: "service", Name: e.String(), Suggestions: suggest(e.String(), names)}
		}
		all, _ := m.serviceIndex()
		out := make([]PodID, 0, len(all[i]))
		for _, pi := range all[i] {
			out = append(out, m.pods[pi].id)
		}
		slices.SortFunc(out, cmpID)
		return out, nil
	case kindIP:
		i, err := m.resolveOne(e)
		if err != nil || i < 0 {
			return nil, err
		}
		return []PodID{m.pods[i].id}, nil
	case kindBlock, kindOutside:
		set, ok := m.outsideOf(e)
		if !ok {
			return nil, fmt.Errorf("simulate: invalid CIDR endpoint")
		}
		if e.kind == kindOutside {
			return nil, nil
		}
		return m.podsIn(set), nil
	}
	return nil, fmt.Errorf("simulate: empty endpoint")
}

// LookupNamespace returns nil when the model has the namespace name (a
// Namespace object, or one its pods or policies imply), and otherwise a
// *[NotFoundError] wrapping [ErrNotFound] with the nearest namespaces.
func (m *Model) LookupNamespace(name string) error {
	if _, ok := m.nsByName[name]; ok {
		return nil
	}
	return &NotFoundError{What: "namespace", Name: name, Suggestions: suggest(name, m.Namespaces())}
}

// endpointPods returns the pods among resolved endpoints.
func endpointPods(ends []Endpoint) []PodID {
	var out []PodID
	for _, e := range ends {
		if e.kind == kindPod {
			out = append(out, PodID{e.namespace, e.name})
		}
	}
	return out
}

// workloadNamed returns the members of the workload with ID id.
func (m *Model) workloadNamed(id string) ([]PodID, bool) {
	ix := m.workloads()
	for i, w := range ix.list {
		if w.ID == id {
			out := make([]PodID, len(ix.pods[i]))
			for j, p := range ix.pods[i] {
				out[j] = m.pods[p].id
			}
			return out, true
		}
	}
	return nil, false
}

// notFoundPod is the error for a NAMESPACE/NAME that is neither a pod nor a
// workload, with the nearest pod and workload names.
func (m *Model) notFoundPod(e Endpoint) error {
	seen := map[string]bool{}
	var names []string
	for i := range m.pods {
		if s := m.pods[i].id.String(); !seen[s] {
			seen[s] = true
			names = append(names, s)
		}
	}
	for _, w := range m.workloads().list {
		if !seen[w.ID] {
			seen[w.ID] = true
			names = append(names, w.ID)
		}
	}
	return &NotFoundError{What: "pod", Name: e.String(), Suggestions: suggest(e.String(), names)}
}

// suggest returns up to three of names near name: those name is a prefix
// of or that are a prefix of name, then those within an edit distance
// (insertions, deletions, substitutions and swaps of neighbours) of a third
// of the length of name's last "/"-separated part, at least 1 and at most
// 2; nearest first, then by name.
func suggest(name string, names []string) []string {
	type cand struct {
		s    string
		dist int
	}
	last := name[strings.LastIndex(name, "/")+1:]
	limit := min(max(len(last)/3, 1), 2)
	var cs []cand
	for _, n := range names {
		if n == name {
			continue
		}
		switch {
		case strings.HasPrefix(n, name) || strings.HasPrefix(name, n):
			cs = append(cs, cand{n, 0})
		default:
			if d := editDistance(name, n, limit); d <= limit {
				cs = append(cs, cand{n, d})
			}
		}
	}
	slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.s, b.s)) })
	var out []string
	for _, c := range cs[:min(len(cs), 3)] {
		out = append(out, c.s)
	}
	return out
}

// editDistance returns the optimal string alignment distance of a and b in
// bytes (Levenshtein plus swaps of two neighbours), or limit+1 when it
// exceeds limit. It costs O(len(a) × len(b)).
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		pp, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, pp
	}
	if d := rows[1][len(b)]; d <= limit {
		return d
	}
	return limit + 1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
