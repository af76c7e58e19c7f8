package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/netpolsim/netpolsim/live"
	"github.com/netpolsim/netpolsim/manifest"
)

// The input of a command is one of: manifests (-f), kustomizations (-k),
// or, when neither is given, the live cluster of a kubeconfig context, as
// kubectl would read it.

const inputFlags = `  -f PATH                 manifest file or directory, repeatable; - reads stdin
  -k DIR                  kustomization directory, built in process, repeatable
  Without -f and -k, the cluster of the current kubeconfig context is read:
  --kubeconfig FILE       kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME          kubeconfig context to use (default: the current context)
  -n, --namespace NS      the namespace to read (default: the context's);
                          namespaces, nodes and tiered cluster policies are
                          always read in full
  -A, --all-namespaces    read every namespace
  matrix, exposure, lint and diff show only the pods, pairs or findings of
  -n's namespace, for any input (with -A, after reading every namespace)
  --max-input-bytes SIZE  the most bytes -f and -k may read in all, such as
                          500Mi or 4Gi (default 2Gi)
  --max-document-bytes SIZE
                          the most bytes of one document or list item
                          (default 16Mi); a List dump is bounded by
                          --max-input-bytes only
`

// addInputFlags defines the input flags on fs.
func (co *common) addInputFlags(fs *flag.FlagSet) {
	fs.Var(&co.files, "f", "manifest file or directory (repeatable; - for stdin)")
	fs.Var(&co.kustomizations, "k", "kustomization directory (repeatable)")
	fs.StringVar(&co.kubeconfig, "kubeconfig", "", "kubeconfig file")
	fs.StringVar(&co.kubeContext, "context", "", "kubeconfig context")
	fs.StringVar(&co.namespace, "n", "", "namespace")
	fs.StringVar(&co.namespace, "namespace", "", "namespace")
	fs.BoolVar(&co.allNamespaces, "A", false, "all namespaces")
	fs.BoolVar(&co.allNamespaces, "all-namespaces", false, "all namespaces")
	co.maxBytes, co.maxDocumentBytes = manifest.DefaultMaxBytes, manifest.DefaultMaxDocumentBytes
	fs.Var(&co.maxBytes, "max-input-bytes", "the most bytes of input in all")
	fs.Var(&co.maxDocumentBytes, "max-document-bytes", "the most bytes of one document")
}

// byteSize is a flag holding a number of bytes, given as a count with an
// optional suffix: k, M, G, T (powers of 1000) or Ki, Mi, Gi, Ti (powers
// of 1024), as Kubernetes writes quantities.
type byteSize int64

var sizeSuffixes = []struct {
	suffix string
	factor int64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40},
	{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
}

func (b *byteSize) String() string {
	for i := len(sizeSuffixes[:4]) - 1; i >= 0; i-- {
		if f := sizeSuffixes[i].factor; *b >= byteSize(f) && int64(*b)%f == 0 {
			return strconv.FormatInt(int64(*b)/f, 10) + sizeSuffixes[i].suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

func (b *byteSize) Set(s string) error {
	num, factor := s, int64(1)
	for _, x := range sizeSuffixes {
		if n, ok := strings.CutSuffix(s, x.suffix); ok {
			num, factor = n, x.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/factor {
		return errors.New("want a size in bytes above 0, such as 1048576, 64Mi or 2Gi")
	}
	*b = byteSize(n * factor)
	return nil
}

// input reads the input the flags name; problems go to stderr.
func (co *common) input(e *env) (*manifest.Result, bool) {
	liveFlags := co.kubeconfig != "" || co.kubeContext != "" || co.allNamespaces
	switch {
	case len(co.files) > 0 && len(co.kustomizations) > 0:
		fmt.Fprintln(e.stderr, "netpolsim: give -f or -k, not both")
		return nil, false
	case (len(co.files) > 0 || len(co.kustomizations) > 0) && liveFlags:
		fmt.Fprintln(e.stderr, "netpolsim: --kubeconfig, --context and -A read a live cluster; they do not go with -f or -k")
		return nil, false
	case (len(co.files) > 0 || len(co.kustomizations) > 0) && co.namespace != "" && !co.namespaceFilter:
		fmt.Fprintln(e.stderr, "netpolsim: -n reads one namespace of a live cluster; with -f or -k only matrix, exposure, lint and diff take it, to show one namespace")
		return nil, false
	}
	if co.maxPods < 0 {
		fmt.Fprintf(e.stderr, "netpolsim: --max-pods %d: want a number of pods, 0 or more\n", co.maxPods)
		return nil, false
	}
	opts := manifest.Options{Strict: co.strict, MaxPods: co.maxPods, MaxBytes: int64(co.maxBytes), MaxDocumentBytes: int64(co.maxDocumentBytes), DropText: !co.fieldLines}
	if co.maxPods == 0 {
		opts.MaxPods = -1 // no pods at all
	}
	var res *manifest.Result
	var err error
	if isTerminal(e.stderr) {
		var done func()
		opts.Progress, done = readProgressLine(e.stderr, time.Now, time.Second)
		defer done()
	}
	switch {
	case len(co.files) > 0 && !slices.ContainsFunc(co.files, func(f string) bool { return f != "-" }):
		// Standard input alone, however often given: it is read once.
		res, err = opts.LoadReader("-", e.stdin)
	case len(co.files) > 0:
		res, err = opts.LoadPaths(co.files...)
	case len(co.kustomizations) > 0:
		res, err = opts.LoadKustomizations(co.kustomizations...)
	default:
		return co.readLive(e)
	}
	if opts.Progress != nil {
		opts.Progress(manifest.ReadProgress{}) // clears the line (below)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim:", clean(err))
		var merr *manifest.Error
		if errors.As(err, &merr) {
			strict := 0
			for _, p := range merr.Problems {
				if errors.Is(p.Err, manifest.ErrNotice) {
					strict++
				}
			}
			if strict > 0 {
				fmt.Fprintf(e.stderr, "netpolsim: %d %s, errors with --strict\n", strict, plural(strict, "notice", "notices"))
			}
		}
		if errors.Is(err, manifest.ErrMaxBytes) {
			fmt.Fprintf(e.stderr, "netpolsim: the input passes --max-input-bytes %s; raise it to read more\n", &co.maxBytes)
		}
		if errors.Is(err, manifest.ErrMaxDocumentBytes) {
			fmt.Fprintf(e.stderr, "netpolsim: a document passes --max-document-bytes %s; raise it to read larger ones\n", &co.maxDocumentBytes)
		}
		return nil, false
	}
	for _, n := range res.Notices {
		fmt.Fprintln(e.stderr, "netpolsim:", cleanText(n.String()))
	}
	if s := noticeSummary(res.Notices); s != "" {
		fmt.Fprintln(e.stderr, s)
	}
	return res, true
}

// readLive reads the cluster of the kubeconfig context.
func (co *common) readLive(e *env) (*manifest.Result, bool) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules() // honours $KUBECONFIG
	rules.ExplicitPath = co.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: co.kubeContext}
	overrides.Context.Namespace = co.namespace
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	config, err := cc.ClientConfig()
	if clientcmd.IsEmptyConfig(err) {
		fmt.Fprintln(e.stderr, "netpolsim: no input: give -f PATH, -k DIR, or a cluster to read (--kubeconfig, $KUBECONFIG or ~/.kube/config)")
		return nil, false
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim: kubeconfig:", err)
		return nil, false
	}
	opts := live.Options{}
	if !co.allNamespaces {
		ns, _, err := cc.Namespace()
		if err != nil {
			fmt.Fprintln(e.stderr, "netpolsim: kubeconfig:", err)
			return nil, false
		}
		opts.Namespace = ns
		co.liveNamespace = ns
	}
	var done func()
	if isTerminal(e.stderr) {
		opts.Progress, done = progressLine(e.stderr, time.Now, time.Second)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := live.Read(ctx, config, opts)
	if done != nil {
		done()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(e.stderr, "netpolsim: interrupted")
		} else {
			fmt.Fprintln(e.stderr, "netpolsim:", clean(err))
		}
		return nil, false
	}
	for _, n := range res.Notices {
		fmt.Fprintln(e.stderr, "netpolsim:", cleanText(n.String()))
	}
	if n := len(res.Notices); n > 0 {
		if co.strict {
			fmt.Fprintf(e.stderr, "netpolsim: %d %s, errors with --strict\n", n, plural(n, "notice", "notices"))
			return nil, false
		}
		fmt.Fprintf(e.stderr, "netpolsim: %d %s; --strict makes them errors\n", n, plural(n, "notice", "notices"))
	}
	return &manifest.Result{Cluster: res.Cluster}, true
}

// progressLine returns a progress callback that keeps one line on w up to
// date, "reading pods: 12000 (about 138000 more)", once the read has taken
// longer than after (a short read prints nothing), and a function that
// clears the line at the end.
func progressLine(w io.Writer, now func() time.Time, after time.Duration) (func(live.Progress), func()) {
	start := now()
	shown := false
	progress := func(p live.Progress) {
		if now().Sub(start) < after {
			return
		}
		where := ""
		if p.Namespace != "" {
			where = " in " + p.Namespace
		}
		more := ""
		if p.Remaining > 0 {
			more = fmt.Sprintf(" (about %d more)", p.Remaining)
		}
		fmt.Fprintf(w, "\r\033[Kreading %s%s: %d%s", p.Resource, where, p.Items, more)
		shown = true
	}
	done := func() {
		if shown {
			fmt.Fprint(w, "\r\033[K")
		}
	}
	return progress, done
}

// readProgressLine returns a manifest.Options.Progress callback that keeps
// one line on w up to date, "reading big.json: 120.0 of 450.0 MB" (or
// "reading -: 120.0 MB" when the size is not known), once the load has
// taken longer than after (a short load prints nothing) and at most every
// progressInterval; the zero ReadProgress, and the returned function,
// clear the line.
func readProgressLine(w io.Writer, now func() time.Time, after time.Duration) (func(manifest.ReadProgress), func()) {
	start := now()
	var last time.Time
	shown := false
	clear := func() {
		if shown {
			fmt.Fprint(w, "\r\033[K")
			shown = false
		}
	}
	progress := func(p manifest.ReadProgress) {
		t := now()
		if p == (manifest.ReadProgress{}) {
			clear()
			return
		}
		if t.Sub(start) < after || (t.Sub(last) < progressInterval && !p.Done) {
			return
		}
		last = t
		const mb = 1 << 20
		of := ""
		if p.Total >= 0 {
			of = fmt.Sprintf(" of %.1f", float64(p.Total)/mb)
		}
		fmt.Fprintf(w, "\r\033[Kreading %s: %.1f%s MB", p.Name, float64(p.Read)/mb, of)
		shown = true
	}
	return progress, clear
}
