package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/netpolsim/netpolsim/simulate"
)

// selection is the pods and workloads one --from or --to of matrix or diff
// stands for; the nil selection holds everything.
type selection struct {
	pods      map[simulate.PodID]bool
	workloads map[string]bool
}

// selectEndpoint resolves an ENDPOINT of --from or --to against the models
// (both sides of a diff), with simulate.Model.Resolve: the union of the
// pods it stands for in each, and the workloads holding one of them. An
// endpoint no model resolves is an error (the first model's, with its
// suggestions), and so is one that stands for no pod: outside, an address
// or CIDR outside the cluster, a Service without backends, as the matrix
// has rows and columns of pods and workloads only. It costs O(pods) per
// model.
func selectEndpoint(flag, s string, models ...*simulate.Model) (*selection, error) {
	if s == "" {
		return nil, nil
	}
	ep, err := simulate.ParseEndpoint(s)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, s, err)
	}
	if ep.Kind() == simulate.OutsideEndpoint {
		return nil, fmt.Errorf("%s outside: the matrix has rows and columns of pods only; see exposure, or check --from outside", flag)
	}
	sel := &selection{pods: map[simulate.PodID]bool{}, workloads: map[string]bool{}}
	var first error
	resolved := false
	for _, m := range models {
		pods, err := m.Resolve(ep)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		resolved = true
		for _, p := range pods {
			sel.pods[p] = true
		}
		for _, w := range m.Workloads() {
			for _, p := range w.Pods {
				if sel.pods[p] {
					sel.workloads[w.ID] = true
					break
				}
			}
		}
	}
	if !resolved {
		return nil, fmt.Errorf("%s %s: %w", flag, s, first)
	}
	if len(sel.pods) == 0 {
		return nil, fmt.Errorf("%s %s: %w", flag, s, errors.New("stands for no pod (an address outside the cluster, or a Service without backends): the matrix has rows and columns of pods only"))
	}
	return sel, nil
}

// hasPod reports whether s holds pod p (the nil selection holds all).
func (s *selection) hasPod(p simulate.PodID) bool { return s == nil || s.pods[p] }

// has reports whether s holds the endpoint of a matrix or diff: a pod's
// "NAMESPACE/NAME" when byWorkload is false, else a workload's ID.
func (s *selection) has(id string, byWorkload bool) bool {
	if s == nil {
		return true
	}
	if byWorkload {
		return s.workloads[id]
	}
	ns, name, _ := strings.Cut(id, "/")
	return s.pods[simulate.PodID{Namespace: ns, Name: name}]
}

// pairFilter is what --from and --to keep of a matrix or diff: the pairs
// whose source is in from and destination in to (nil: any).
type pairFilter struct{ from, to *selection }

// keep reports whether the pair of endpoint IDs is kept.
func (f pairFilter) keep(from, to string, byWorkload bool) bool {
	return f.from.has(from, byWorkload) && f.to.has(to, byWorkload)
}

// endpoint reports whether an endpoint is a row or a column: every
// endpoint when either flag is not given (its side is every endpoint).
func (f pairFilter) endpoint(id string, byWorkload bool) bool {
	return f.from.has(id, byWorkload) || f.to.has(id, byWorkload)
}

// pairFilterFlags resolves --from and --to against the models.
func pairFilterFlags(from, to string, models ...*simulate.Model) (pairFilter, error) {
	var f pairFilter
	var err error
	if f.from, err = selectEndpoint("--from", from, models...); err != nil {
		return f, err
	}
	f.to, err = selectEndpoint("--to", to, models...)
	return f, err
}

// pairFilterUsage documents --from and --to of matrix and diff.
const pairFilterUsage = `  --from ENDPOINT         only the rows (sources) of ENDPOINT: its pods, or with
                          --group workload the workloads holding one of them
                          (see ENDPOINT in 'netpolsim check --help'; outside
                          and addresses of no pod are no rows)
  --to ENDPOINT           only the columns (destinations) of ENDPOINT
`
