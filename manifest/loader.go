package manifest

import (
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/netpolsim/netpolsim/simulate"
)

// loader accumulates the input of one load, and then its objects, notices
// and problems.
type loader struct {
	opts      Options
	docs      []*doc
	bytesRead int64
	// filesRead are the regular files read so far, by size; stdinRead
	// says whether "-" was read. A path given twice is read once.
	filesRead map[int64][]os.FileInfo
	stdinRead bool
	// podsDecoded counts the Pod objects kept while decoding, on every
	// core, so that a load past MaxPods stops keeping them.
	podsDecoded atomic.Int64
	// stores hold the objects of the stored kinds as decoded, in input
	// order (decodeStored); the pods' is nil when there are none or too
	// many.
	stores stores
	// share lets equal parts of decoded objects share one copy (share.go).
	share *sharer
	// pipe prepares documents while the input is read (pipe.go); nil
	// until the first are handed over, and after decodeAll. The
	// documents from handFrom on are of the input read last, which are
	// handed over when the next is read (a load of one input hands over
	// only what it splits while it reads it).
	pipe     *pipe
	handFrom int

	// The merge's state.
	cluster  simulate.Cluster
	notices  []Notice
	problems []Problem
	seen     map[objKey]origin
	pods     int  // pods in the cluster so far, given and generated
	overPods bool // the pod limit was passed
	// fills say what goes at each place of the cluster's pods, when they
	// are not the store of pods compacted in place (see fillPods).
	fills []podFill
	// owned are the workloads that generate no pods (see size).
	owned map[ownerKey]bool
	// prefixes are the namespaces and prefixes of the names of the pods
	// generated so far (see generate).
	prefixes map[[2]string]bool
	// filler builds placed pods while the merge runs; built is the number
	// it built before it stopped (see fillPods).
	filler *filler
	built  int
}

// objKey identifies an object for duplicate detection.
type objKey struct{ kind, namespace, name string }

// origin is where an object came from.
type origin struct {
	o  *object
	by string // "Deployment web" for a generated pod, else empty
}

func newLoader(o Options) *loader {
	return &loader{opts: o, seen: make(map[objKey]origin), share: newSharer()}
}

func (l *loader) problem(p Problem) { l.problems = append(l.problems, p) }

// notice records a notice, or a problem when the load is strict. It
// returns a function that sets the message later.
func (l *loader) notice(n Notice) func(msg string) {
	if l.opts.Strict {
		l.problems = append(l.problems, Problem{Source: n.Source, Kind: n.Kind, Namespace: n.Namespace, Name: n.Name, Message: n.Message + " (strict)", Err: ErrNotice})
		i := len(l.problems) - 1
		return func(msg string) { l.problems[i].Message = msg + " (strict)" }
	}
	l.notices = append(l.notices, n)
	i := len(l.notices) - 1
	return func(msg string) { l.notices[i].Message = msg }
}

// result decodes what was read, merges it, and ends the load.
func (l *loader) result() (*Result, error) {
	l.decodeAll()
	l.share = nil // it holds members' text, and is for decoding only
	if l.opts.DropText {
		// Before the merge, which holds the cluster and the decoded
		// objects at once: the load's peak.
		l.dropText()
	}
	l.merge()
	// The events hold every decoded object a second time (the cluster
	// holds copies) and the units' members; the result keeps only the
	// documents' text and line tables, for FieldSource.
	for _, d := range l.docs {
		d.events, d.ev = nil, [1]event{}
	}
	if len(l.problems) > 0 {
		return nil, &Error{Problems: l.problems}
	}
	return &Result{Cluster: l.cluster, Notices: l.notices, origins: l.seen}, nil
}

// dropText gives every object its own line for good and forgets the
// documents' text and line tables: what the merge and the result say of
// an object is then its own line. The units no longer hold the text
// (process and decodePods let go of it).
func (l *loader) dropText() {
	l.each(func(e event) {
		if e.entry != nil {
			if o := e.entry.o; o.d != nil {
				o.src = o.source()
				o.d = nil
			}
		}
	})
	for _, d := range l.docs {
		d.text, d.lines, d.tree.root = nil, nil, nil
	}
}

// merge replays the events of every document in input order: it checks
// that objects are unique, generates the workloads' pods, applies the pod
// limit, and adds the notices that concern the whole load.
func (l *loader) merge() {
	if l.owned == nil {
		l.size(0)
	}
	owned := l.owned
	st := &l.stores
	// Without generated pods, every kept pod moves to a place at or before
	// its own in the store, so the cluster's pods are the store compacted
	// in place. Otherwise they were placed in a new array (size).
	inPlace := st.pods != nil && l.fills == nil
	if inPlace {
		l.cluster.Pods = st.pods[:0]
	}
	if l.fills != nil {
		l.startFilling()
	}
	c := &l.cluster
	c.Namespaces = st.namespaces[:0]
	c.Nodes = st.nodes[:0]
	c.Services = st.services[:0]
	c.Ingresses = st.ingresses[:0]
	c.NetworkPolicies = st.policies[:0]
	defer func() {
		// What was moved or left out goes; kinds that had nothing kept
		// (no objects, or only duplicates) stay nil.
		if inPlace {
			settle(&c.Pods, st.pods)
		}
		settle(&c.Namespaces, st.namespaces)
		settle(&c.Nodes, st.nodes)
		settle(&c.Services, st.services)
		settle(&c.Ingresses, st.ingresses)
		settle(&c.NetworkPolicies, st.policies)
		l.stores = stores{}
	}()
	var (
		finishedCount int
		finishedMsg   func(string)
	)
	l.each(func(e event) {
		switch {
		case e.problem != nil:
			l.problem(*e.problem)
		case e.notice != nil:
			l.notice(*e.notice)
		case e.entry != nil:
			x := e.entry
			if !l.unique(x.o, x.kind, x.namespace, x.name, "") {
				return
			}
			switch {
			case x.work != nil:
				if !owned[ownerKey{x.kind, x.namespace, x.name}] {
					l.generate(x)
				}
			case x.kind == "Pod":
				if x.dropped == finished {
					finishedCount++
					if finishedMsg == nil {
						finishedMsg = l.notice(Notice{Source: x.o.source(), Reason: Finished, APIVersion: "v1", Kind: "Pod", Namespace: x.namespace, Name: x.name})
					}
					return
				}
				if !l.countPods(x, 1, nil) {
					return
				}
				if !inPlace {
					l.placePod(podFill{x: x})
					return
				}
				l.cluster.Pods = appendInPlace(l.cluster.Pods, x.pod)
				x.pod = nil
			default:
				addTo(&l.cluster, x.obj)
				x.obj = nil // the cluster's now: let the decoded one go
			}
		}
	})
	l.fillPods()
	switch {
	case finishedCount == 1:
		finishedMsg("skipped: in phase Succeeded or Failed, the pod runs nothing, and its address may belong to a running pod by now")
	case finishedCount > 1:
		finishedMsg(fmt.Sprintf("skipped, with %d more pods in phase Succeeded or Failed: they run nothing, and their addresses may belong to running pods by now", finishedCount-1))
	}
	// Pods in a namespace that has no Namespace object.
	hasNamespace := make(map[string]bool, len(l.cluster.Namespaces))
	for _, ns := range l.cluster.Namespaces {
		hasNamespace[ns.Name] = true
	}
	for i := range l.cluster.Pods {
		p := &l.cluster.Pods[i]
		if i > 0 && p.Namespace == l.cluster.Pods[i-1].Namespace || hasNamespace[p.Namespace] || builtinNamespaces[p.Namespace] {
			continue // (the namespace of the pod before was seen)
		}
		hasNamespace[p.Namespace] = true
		l.notice(Notice{
			Source: l.seen[objKey{"Pod", p.Namespace, p.Name}].o.source(), Reason: ImpliedNamespace, APIVersion: "v1", Kind: "Pod", Namespace: p.Namespace, Name: p.Name,
			Message: impliedNamespaceMessage(p.Namespace),
		})
	}
}

// size sizes what the merge fills, once: the cluster's pods and the index
// of names (a Pod is too big to copy as the slice grows; the objects of
// the other stored kinds are in their stores, which the merge compacts in
// place), and finds the workloads whose pods (or ReplicaSets, or Jobs)
// are in the input, as in a dump of a cluster, which generate none. It is
// called before the merge when no Pod is still to be decoded, while the
// stored objects are (see decodeStored): the collection that making the
// array of pods may start then runs while objects are decoded, not while
// the merge writes pods. Then at most more entries are still to come, from
// the stored units, which it does not look into: being decoded, and of
// kinds that own nothing and generate no pods.
func (l *loader) size(more int) {
	each := l.each
	if more > 0 {
		each = l.eachButStored
	}
	l.owned = map[ownerKey]bool{}
	each(func(e event) {
		if e.entry != nil && e.entry.owner != nil {
			l.owned[*e.entry.owner] = true
		}
	})
	pods, entries, generated := 0, more, 0
	each(func(e event) {
		switch x := e.entry; {
		case x == nil:
		case x.pod != nil:
			pods++
		case x.work != nil && x.work.n > 0 && !l.owned[ownerKey{x.kind, x.namespace, x.name}]:
			pods += x.work.n
			generated += x.work.n
		}
		if e.entry != nil {
			entries++
		}
	})
	pods = min(pods, l.opts.maxPods())
	if generated > 0 || l.stores.pods == nil && pods > 0 {
		l.cluster.Pods = make([]corev1.Pod, 0, pods)
		l.fills = make([]podFill, 0, pods)
	}
	if len(l.seen) == 0 {
		l.seen = make(map[objKey]origin, entries+pods)
	}
}

// settle ends the compaction of store into *s: the objects past the end
// of *s, moved or left out, are cleared, and an empty *s is nil.
func settle[T any](s *[]T, store []T) {
	if len(*s) <= len(store) {
		clear(store[len(*s):])
	}
	if len(*s) == 0 {
		*s = nil
	}
}

// each calls f for every event of the input in order, those of a unit at
// its place.
func (l *loader) each(f func(e event)) {
	for _, d := range l.docs {
		eachEvent(d.events, f)
	}
}

func eachEvent(events []event, f func(e event)) {
	for _, e := range events {
		if e.unit != nil {
			eachEvent(e.unit.events, f)
			continue
		}
		f(e)
	}
}

// eachButStored is each, without the events of the units set aside for
// decodeStored.
func (l *loader) eachButStored(f func(e event)) {
	var walk func(events []event)
	walk = func(events []event) {
		for _, e := range events {
			switch {
			case e.unit == nil:
				f(e)
			case !e.unit.stored:
				walk(e.unit.events)
			}
		}
	}
	for _, d := range l.docs {
		walk(d.events)
	}
}

// countPods counts n more pods of x (at the field path, if any) and
// reports whether they stay within the pod limit; the first time they do
// not, it records a problem. The pod to blame is found here, in input
// order: which pods the parallel decoding dropped early (overLimit, to
// bound memory) depends on timing, but once it dropped one, the input has
// more pods than the limit, so this count passes the limit too.
func (l *loader) countPods(x *entry, n int, path *field.Path) bool {
	max := l.opts.maxPods()
	if l.pods+n > max {
		if !l.overPods {
			l.overPods = true
			p := Problem{Source: x.o.source(), Kind: x.kind, Namespace: x.namespace, Name: x.name, Message: limitMessage(max)}
			if path != nil {
				p.Field = path.String()
				p.Message = fmt.Sprintf("invalid value %d: %s", n, p.Message)
			}
			l.problem(p)
		}
		return false
	}
	l.pods += n
	return x.dropped != overLimit
}

// generate places the pods of the workload x (fillPods builds them):
// named <workload>-0, <workload>-1, …, in the workload's namespace, with
// the template's labels and annotations (plus, when extra is not nil, the
// labels it gives for pod i, which win), the template's spec, and a
// controller reference to the workload. The pods share the template's maps
// and the slices of its spec, and one owner reference, rather than copy
// them.
func (l *loader) generate(x *entry) {
	w := x.work
	if w.n <= 0 || !l.countPods(x, w.n, w.countPath) {
		return
	}
	by := x.kind + " " + x.name
	// Workloads of two kinds may share a name; their real pods do not
	// collide, so neither may ours: the later one's pods carry its kind.
	// Another workload's pod can have one of the names only if it was
	// generated with the same prefix in the namespace (its index has no
	// '-'), which is looked up first.
	prefix := x.name + "-"
	names := podNames(prefix, w.n)
	if l.prefixes[[2]string{x.namespace, prefix}] {
		for _, name := range names {
			if first, taken := l.seen[objKey{"Pod", x.namespace, name}]; taken && first.by != "" && first.by != by {
				prefix = x.name + "-" + strings.ToLower(x.kind) + "-"
				names = podNames(prefix, w.n)
				break
			}
		}
	}
	if l.prefixes == nil {
		l.prefixes = make(map[[2]string]bool)
	}
	l.prefixes[[2]string{x.namespace, prefix}] = true
	for i, name := range names {
		if l.unique(x.o, "Pod", x.namespace, name, by) {
			l.placePod(podFill{x: x, i: i, name: name})
		}
	}
}

// podNames returns prefix+"0", prefix+"1", …, prefix+(n-1) in decimal:
// parts of one string, not n strings.
func podNames(prefix string, n int) []string {
	size := 0
	for i := range n {
		size += len(prefix) + decimalDigits(i)
	}
	var b strings.Builder
	b.Grow(size)
	for i := range n {
		b.WriteString(prefix)
		var digits [20]byte
		b.Write(strconv.AppendInt(digits[:0], int64(i), 10))
	}
	all := b.String()
	names := make([]string, n)
	for i := range names {
		end := len(prefix) + decimalDigits(i)
		names[i], all = all[:end], all[end:]
	}
	return names
}

// decimalDigits returns the number of digits of i >= 0 in decimal.
func decimalDigits(i int) int {
	n := 1
	for ; i >= 10; i /= 10 {
		n++
	}
	return n
}

// podFill is what the merge put at one place of the cluster's pods: the
// decoded pod x.pod, or pod i, named name, of the workload x.
type podFill struct {
	x    *entry
	i    int
	name string
}

// placePod gives f the next place of the cluster's pods. The places were
// counted before (size), so the array does not grow. The filler, when
// there is one, builds the pods in batches as they are placed.
func (l *loader) placePod(f podFill) {
	if n := len(l.cluster.Pods); n < cap(l.cluster.Pods) {
		l.cluster.Pods = l.cluster.Pods[:n+1] // zero, as made
	} else {
		l.stopFilling() // it builds into the array it was given
		l.cluster.Pods = append(l.cluster.Pods, corev1.Pod{})
	}
	l.fills = append(l.fills, f)
	if l.filler != nil && len(l.fills)%fillBatch == 0 {
		l.filler.batches <- len(l.fills)
	}
}

// fillBatch is how many placed pods the merge hands to the filler at once.
const fillBatch = 64

// filler builds the pods that the merge places, while it places them: the
// replay is serial, and leaves a core free.
type filler struct {
	batches chan int // the places up to which to build
	built   int      // the places built, once stopped
	wg      sync.WaitGroup
}

// startFilling starts the filler of the pods the merge is to place.
func (l *loader) startFilling() {
	pods, fills := l.cluster.Pods[:cap(l.cluster.Pods)], l.fills[:cap(l.fills)]
	f := &filler{batches: make(chan int, cap(fills)/fillBatch+1)}
	f.wg.Go(func() {
		for end := range f.batches {
			for ; f.built < end; f.built++ {
				fillPod(&pods[f.built], fills[f.built])
			}
		}
	})
	l.filler = f
}

// stopFilling stops the filler, if any, and returns the number of places
// it built; the rest are built by fillPods.
func (l *loader) stopFilling() int {
	f := l.filler
	if f == nil {
		return l.built
	}
	close(f.batches)
	f.wg.Wait()
	l.filler, l.built = nil, f.built
	return f.built
}

// fillPods builds, on every core, the pods that the merge placed and the
// filler has not built: copies of decoded pods, and workloads' pods.
func (l *loader) fillPods() {
	built := l.stopFilling()
	rest := l.fills[built:]
	parallel(len(rest), func(k int) { fillPod(&l.cluster.Pods[built+k], rest[k]) })
	l.fills, l.built = nil, 0
}

// fillPod builds pod, which is zero, as f says.
func fillPod(pod *corev1.Pod, f podFill) {
	x := f.x
	if x.work == nil {
		*pod = *x.pod
		x.pod = nil // the copy is the cluster's: let the decoded one go
		return
	}
	w := x.work
	labels := w.tmpl.Labels
	if w.extra != nil {
		labels = maps.Clone(w.tmpl.Labels)
		if labels == nil {
			labels = make(map[string]string)
		}
		maps.Copy(labels, w.extra(f.i, f.name))
	}
	// Built in place: a Pod is too big to copy around.
	pod.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	pod.ObjectMeta = metav1.ObjectMeta{
		Name:            f.name,
		Namespace:       x.namespace,
		Labels:          labels,
		Annotations:     w.tmpl.Annotations,
		OwnerReferences: w.owners,
	}
	pod.Spec = w.tmpl.Spec
}

// unique records the object kind namespace/name found at o (generated by
// the workload by, if not empty) and reports whether it is new. A duplicate
// is a problem that names both places.
func (l *loader) unique(o *object, kind, namespace, name, by string) bool {
	k := objKey{kind, namespace, name}
	first, dup := l.seen[k]
	if !dup {
		l.seen[k] = origin{o: o, by: by}
		return true
	}
	msg := "duplicate object"
	if by != "" {
		msg += " generated by " + by
	}
	if first.by != "" {
		msg += ", first generated by " + first.by + " at " + first.o.source().String()
	} else {
		msg += ", first defined at " + first.o.source().String()
	}
	l.problem(Problem{Source: o.source(), Kind: kind, Namespace: namespace, Name: name, Message: msg})
	return false
}
