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

// endpointFlag is an ENDPOINT of --from or --to of matrix or diff being
// resolved against the models (both sides of a diff), one model at a time
// with add, so that a diff can let its first model go before it loads the
// second: the selection is the union of the pods it stands for in each
// model (with simulate.Model.Resolve), and the workloads holding one of
// them. An endpoint no model resolves is an error (the first model's, with
// its suggestions), and so is one that stands for no pod: outside, an
// address or CIDR outside the cluster, a Service without backends, as the
// matrix has rows and columns of pods and workloads only. Each add costs
// O(pods) of its model.
type endpointFlag struct {
	flag, s  string
	ep       simulate.Endpoint
	err      error // a parse error, or the first model's
	sel      *selection
	resolved bool
}

// newEndpointFlag parses ENDPOINT s of flag; an empty s selects
// everything. A parse error is reported by selection.
func newEndpointFlag(flag, s string) *endpointFlag {
	f := &endpointFlag{flag: flag, s: s}
	if s == "" {
		return f
	}
	ep, err := simulate.ParseEndpoint(s)
	switch {
	case err != nil:
		f.err = fmt.Errorf("%s %s: %w", flag, s, err)
	case ep.Kind() == simulate.OutsideEndpoint:
		f.err = fmt.Errorf("%s outside: the matrix has rows and columns of pods only; see exposure, or check --from outside", flag)
	default:
		f.ep = ep
		f.sel = &selection{pods: map[simulate.PodID]bool{}, workloads: map[string]bool{}}
	}
	return f
}

// add resolves f against m.
func (f *endpointFlag) add(m *simulate.Model) {
	if f.sel == nil {
		return
	}
	pods, err := m.Resolve(f.ep)
	if err != nil {
		if f.err == nil {
			f.err = fmt.Errorf("%s %s: %w", f.flag, f.s, err)
		}
		return
	}
	f.resolved = true
	for _, p := range pods {
		f.sel.pods[p] = true
	}
	for _, w := range m.Workloads() {
		for _, p := range w.Pods {
			if f.sel.pods[p] {
				f.sel.workloads[w.ID] = true
				break
			}
		}
	}
}

// selection returns what f selects over the models added: nil for
// everything.
func (f *endpointFlag) selection() (*selection, error) {
	switch {
	case f.s == "":
		return nil, nil
	case f.sel == nil || !f.resolved:
		return nil, f.err
	case len(f.sel.pods) == 0:
		return nil, fmt.Errorf("%s %s: %w", f.flag, f.s, errors.New("stands for no pod (an address outside the cluster, or a Service without backends): the matrix has rows and columns of pods only"))
	}
	return f.sel, nil
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

// pod reports whether pod p is a row or a column, as endpoint does for
// its ID.
func (f pairFilter) pod(p simulate.PodID) bool { return f.from.hasPod(p) || f.to.hasPod(p) }

// endpoint reports whether an endpoint is a row or a column: every
// endpoint when either flag is not given (its side is every endpoint).
func (f pairFilter) endpoint(id string, byWorkload bool) bool {
	return f.from.has(id, byWorkload) || f.to.has(id, byWorkload)
}

// pairFilterFlags resolves --from and --to against the models.
func pairFilterFlags(from, to string, models ...*simulate.Model) (pairFilter, error) {
	fromF, toF := newEndpointFlag("--from", from), newEndpointFlag("--to", to)
	for _, m := range models {
		fromF.add(m)
		toF.add(m)
	}
	return fromF.pairFilter(toF)
}

// pairFilter returns the pair filter of from (f) and to, resolved against
// the same models.
func (f *endpointFlag) pairFilter(to *endpointFlag) (pairFilter, error) {
	var pf pairFilter
	var err error
	if pf.from, err = f.selection(); err != nil {
		return pf, err
	}
	pf.to, err = to.selection()
	return pf, err
}

// pairFilterUsage documents --from and --to of matrix and diff.
const pairFilterUsage = `  --from ENDPOINT         only the rows (sources) of ENDPOINT: its pods, or with
                          --group workload the workloads holding one of them
                          (see ENDPOINT in 'netpolsim check --help'; outside
                          and addresses of no pod are no rows)
  --to ENDPOINT           only the columns (destinations) of ENDPOINT
`
