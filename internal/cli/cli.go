package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

// Exit statuses.
const (
	exitOK     = 0
	exitDenied = 1 // check: the connection is denied
	exitError  = 2
)

// env is what a command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, summary, usage, examples string
	run                            func(e *env, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"matrix", "print which pods may reach which, on which ports", matrixUsage, matrixExamples, runMatrix},
		{"check", "answer one question and explain it (exit 0 allowed, 1 denied, 2 error)", checkUsage, checkExamples, runCheck},
		{"explain", "show which policies select a pod and what it may send and receive", explainUsage, explainExamples, runExplain},
		{"graph", "draw the reachability graph (Graphviz DOT or SVG)", graphUsage, graphExamples, runGraph},
		{"paths", "list the multi-hop paths from one pod or workload to another", pathsUsage, pathsExamples, runPaths},
		{"blast-radius", "show what a compromised pod or workload may reach, hop by hop", blastUsage, blastExamples, runBlastRadius},
		{"diff", "compare who may reach whom in two sets of manifests (exit 0 same, 1 different, 2 error)", diffUsage, diffExamples, runDiff},
		{"exposure", "show how each pod may be reached from outside the cluster, and what it may reach outside", exposureUsage, exposureExamples, runExposure},
		{"lint", "find mistakes and gaps in the network policies (exit 1 at or above --fail-on)", lintUsage, lintExamples, runLint},
	}
}

// Run runs the command line args (without the program name) and returns the
// exit status: 0 success (or allowed, for check), 1 denied (check only),
// 2 usage error or bad input.
//
// Standard output is buffered and flushed before Run returns: a command
// prints thousands of short lines.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	bw := bufio.NewWriterSize(stdout, 64<<10)
	defer bw.Flush()
	stdout = bw
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			for _, c := range commands {
				if c.name == args[1] {
					fmt.Fprint(stdout, commandHelp(c))
					return exitOK
				}
			}
		}
		fmt.Fprint(stdout, topUsage())
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "netpolsim: unknown command %q\n\n%s", args[0], topUsage())
	return exitError
}

func topUsage() string {
	var b strings.Builder
	b.WriteString("netpolsim simulates Kubernetes NetworkPolicy from manifests: which pods can\ntalk to which, on which ports, and why.\n\nUsage:\n  netpolsim COMMAND -f PATH... [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-13s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'netpolsim COMMAND --help' for a command's flags and examples.\n")
	return b.String()
}

func commandHelp(c command) string {
	return fmt.Sprintf("%s\nExamples:\n%s", c.usage, c.examples)
}

// paths is the repeatable -f flag.
type paths []string

func (p *paths) String() string     { return strings.Join(*p, ",") }
func (p *paths) Set(v string) error { *p = append(*p, v); return nil }

// common holds the flags every command has.
type common struct {
	files       paths
	ipBlockPods bool
	selfTraffic bool
	nodeTraffic bool
	hostPods    string
	strict      bool
	maxPods     int
}

func newFlagSet(c command, e *env, co *common) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by usageError
	fs.Usage = func() {}
	fs.Var(&co.files, "f", "manifest file or directory (repeatable; - for stdin)")
	fs.BoolVar(&co.ipBlockPods, "ipblock-pods", true, "ipBlock peers also match pod IPs")
	fs.BoolVar(&co.selfTraffic, "self-traffic", true, "a pod may always reach itself")
	fs.BoolVar(&co.nodeTraffic, "node-traffic", true, "a node may always reach its own pods")
	fs.StringVar(&co.hostPods, "hostnetwork-pods", string(simulate.HostNetworkAsNode), "hostNetwork pods are their node (node) or pods like any (pod)")
	fs.BoolVar(&co.strict, "strict", false, "every notice of the loader is an error")
	fs.IntVar(&co.maxPods, "max-pods", manifest.DefaultMaxPods, "the most pods the manifests may hold, given and generated")
	return fs
}

const commonFlags = `  -f PATH                 manifest file or directory, repeatable; - reads stdin
  --ipblock-pods=BOOL     ipBlock peers also match pod IPs (default true)
  --self-traffic=BOOL     a pod may always reach itself (default true)
  --node-traffic=BOOL     a node may always reach its own pods (default true)
  --hostnetwork-pods=MODE hostNetwork pods are their node: no policy subject,
                          matched by no selector, node traffic to the pods of
                          their node (node, the default); or pods like any,
                          as some plugins treat them (pod)
  --strict                every notice of the loader (an object skipped or
                          converted, finished pods left out, a namespace
                          implied) is an error: exit status 2
  --max-pods N            the most pods the manifests may hold, given and
                          generated from workloads (default 150000)
`

// parse parses flags that may stand before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// load reads the manifests and compiles the model; problems go to stderr.
func (co *common) load(e *env) (*simulate.Model, *manifest.Result, bool) {
	if len(co.files) == 0 {
		fmt.Fprintln(e.stderr, "netpolsim: no manifests: give at least one -f PATH (- for stdin)")
		return nil, nil, false
	}
	if co.hostPods != string(simulate.HostNetworkAsNode) && co.hostPods != string(simulate.HostNetworkAsPod) {
		fmt.Fprintf(e.stderr, "netpolsim: --hostnetwork-pods %q: want node or pod\n", co.hostPods)
		return nil, nil, false
	}
	if co.maxPods < 0 {
		fmt.Fprintf(e.stderr, "netpolsim: --max-pods %d: want a number of pods, 0 or more\n", co.maxPods)
		return nil, nil, false
	}
	opts := manifest.Options{Strict: co.strict, MaxPods: co.maxPods}
	if co.maxPods == 0 {
		opts.MaxPods = -1 // no pods at all
	}
	var res *manifest.Result
	var err error
	if len(co.files) == 1 && co.files[0] == "-" {
		res, err = opts.LoadReader("-", e.stdin)
	} else {
		res, err = opts.LoadPaths(co.files...)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, err)
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
		return nil, nil, false
	}
	for _, n := range res.Notices {
		fmt.Fprintln(e.stderr, n)
	}
	if s := noticeSummary(res.Notices); s != "" {
		fmt.Fprintln(e.stderr, s)
	}
	m, err := simulate.Compile(res.Cluster,
		simulate.IPBlockMatchesPods(co.ipBlockPods),
		simulate.SelfTraffic(co.selfTraffic),
		simulate.NodeTraffic(co.nodeTraffic),
		simulate.HostNetworkPods(simulate.HostNetworkMode(co.hostPods)))
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return nil, nil, false
	}
	return m, res, true
}

// noticeSummary counts notices by reason in one line, or returns "" when
// there are none.
func noticeSummary(notices []manifest.Notice) string {
	if len(notices) == 0 {
		return ""
	}
	count := map[manifest.NoticeReason]int{}
	var reasons []manifest.NoticeReason
	for _, n := range notices {
		if count[n.Reason] == 0 {
			reasons = append(reasons, n.Reason)
		}
		count[n.Reason]++
	}
	slices.Sort(reasons)
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s", count[r], r)
	}
	return fmt.Sprintf("netpolsim: %d %s (%s); --strict makes them errors", len(notices), plural(len(notices), "notice", "notices"), strings.Join(parts, ", "))
}

// usageError prints the help of c for -h and --help (status 0), or else
// reports a usage problem (status 2).
func usageError(e *env, c string, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		for _, cmd := range commands {
			if cmd.name == c {
				fmt.Fprint(e.stdout, commandHelp(cmd))
			}
		}
		return exitOK
	}
	fmt.Fprintf(e.stderr, "netpolsim %s: %v\nRun 'netpolsim %s --help' for usage.\n", c, err, c)
	return exitError
}

func lookup(name string) command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	panic("cli: no command " + name)
}
