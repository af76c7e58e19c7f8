package cli

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
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
		{"diff", "compare who may reach whom in two clusters: manifests, kustomizations or live (exit 0 same, 1 different, 2 error)", diffUsage, diffExamples, runDiff},
		{"exposure", "show how each pod may be reached from outside the cluster, and what it may reach outside", exposureUsage, exposureExamples, runExposure},
		{"lint", "find mistakes and gaps in the network policies (exit 1 at or above --fail-on)", lintUsage, lintExamples, runLint},
		{"report", "write one self-contained HTML page: heat map, lint findings, exposure and graph", reportUsage, reportExamples, runReport},
	}
}

// Run runs the command line args (without the program name) and returns the
// exit status: 0 success (or allowed, for check), 1 denied (check only),
// 2 usage error or bad input. A command that cannot write all its output
// (a full disk, a closed pipe) fails with status 2 whatever it found.
//
// Standard output is buffered and flushed before Run returns: a command
// prints thousands of short lines.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	bw := bufio.NewWriterSize(stdout, 64<<10)
	e := &env{stdin: stdin, stdout: bw, stderr: stderr}
	code := runArgs(e, args)
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "netpolsim: writing the output: %v\n", err)
		return exitError
	}
	return code
}

// runArgs is Run before the output is flushed.
func runArgs(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, topUsage())
		return exitError
	}
	switch args[0] {
	case "--version", "-version", "version":
		if len(args) > 1 {
			fmt.Fprintf(e.stderr, "netpolsim: %s takes no arguments\n", args[0])
			return exitError
		}
		bi, ok := debug.ReadBuildInfo()
		fmt.Fprintln(e.stdout, versionLine(bi, ok))
		return exitOK
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			for _, c := range commands {
				if c.name == args[1] {
					fmt.Fprint(e.stdout, commandHelp(c))
					return exitOK
				}
			}
			fmt.Fprintf(e.stderr, "netpolsim: unknown command %q\n\n%s", args[1], topUsage())
			return exitError
		}
		fmt.Fprint(e.stdout, topUsage())
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "netpolsim: unknown command %q\n\n%s", args[0], topUsage())
	return exitError
}

// versionLine renders the build information as "netpolsim VERSION
// (revision REV, modified, TIME) GOVERSION": the main module's version,
// "(devel)" for a build from a work tree, and the VCS settings the go
// command stamps, each left out when absent.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "netpolsim (no build information)"
	}
	version := cmp.Or(bi.Main.Version, "(devel)")
	var vcs []string
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if r := settings["vcs.revision"]; r != "" {
		vcs = append(vcs, "revision "+r)
	}
	if settings["vcs.modified"] == "true" {
		vcs = append(vcs, "modified")
	}
	if t := settings["vcs.time"]; t != "" {
		vcs = append(vcs, t)
	}
	line := "netpolsim " + version
	if len(vcs) > 0 {
		line += " (" + strings.Join(vcs, ", ") + ")"
	}
	if bi.GoVersion != "" {
		line += " " + bi.GoVersion
	}
	return line
}

// packagePrefixes are the prefixes of the library's errors, which name Go
// packages and mean nothing to a user of the command.
var packagePrefixes = []string{"simulate: ", "manifest: ", "graph: ", "policy: ", "selector: ", "lint: ", "live: "}

// clean renders err for a user: without the Go package prefixes at the
// start of the message, of a line, or after a ": " that ends a context.
func clean(err error) string { return cleanText(err.Error()) }

// cleanText is clean for a message of any kind (a loader's notice).
func cleanText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		for changed := true; changed; {
			changed = false
			indent := len(l) - len(strings.TrimLeft(l, " \t"))
			for _, p := range packagePrefixes {
				if strings.HasPrefix(l[indent:], p) {
					l = l[:indent] + l[indent+len(p):]
					changed = true
				}
				if strings.Contains(l, ": "+p) {
					l = strings.ReplaceAll(l, ": "+p, ": ")
					changed = true
				}
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func topUsage() string {
	var b strings.Builder
	b.WriteString("netpolsim simulates Kubernetes NetworkPolicy from manifests: which pods can\ntalk to which, on which ports, and why.\n\nUsage:\n  netpolsim COMMAND -f PATH... [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-13s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'netpolsim COMMAND --help' for a command's flags and examples,\n'netpolsim --version' for the version and VCS revision of the build.\n")
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
	// Input (input.go).
	files, kustomizations paths
	kubeconfig            string
	kubeContext           string
	namespace             string
	allNamespaces         bool
	namespaceFilter       bool // the command shows only -n's namespace, whatever the input
	// liveNamespace is the namespace a live read read, set by input; empty
	// for all namespaces and for manifests.
	liveNamespace string

	ipBlockPods bool
	selfTraffic bool
	nodeTraffic bool
	hostPods    string
	strict      bool
	maxPods     int
	// The byte limits of -f and -k (input.go).
	maxBytes, maxDocumentBytes byteSize
	// fieldLines is set by a command that asks the result for fields'
	// lines (FieldSource); other commands let the load drop the input's
	// text.
	fieldLines bool
}

func newFlagSet(c command, e *env, co *common) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by usageError
	fs.Usage = func() {}
	co.addInputFlags(fs)
	fs.BoolVar(&co.ipBlockPods, "ipblock-pods", true, "ipBlock peers also match pod IPs")
	fs.BoolVar(&co.selfTraffic, "self-traffic", true, "a pod may always reach itself")
	fs.BoolVar(&co.nodeTraffic, "node-traffic", true, "a node may always reach its own pods")
	fs.StringVar(&co.hostPods, "hostnetwork-pods", string(simulate.HostNetworkAsNode), "hostNetwork pods are their node (node) or pods like any (pod)")
	fs.BoolVar(&co.strict, "strict", false, "every notice of the loader is an error")
	fs.IntVar(&co.maxPods, "max-pods", manifest.DefaultMaxPods, "the most pods the manifests may hold, given and generated")
	return fs
}

const commonFlags = inputFlags + `  --ipblock-pods=BOOL     ipBlock peers also match pod IPs (default true)
  --self-traffic=BOOL     a pod may always reach itself (default true)
  --node-traffic=BOOL     a node may always reach its own pods (default true)
  --hostnetwork-pods=MODE hostNetwork pods are their node: no policy subject,
                          matched by no selector, node traffic to the pods of
                          their node (node, the default); or pods like any,
                          as some plugins treat them (pod)
  --strict                every notice of the loader or of a live read (an
                          object skipped or converted, finished pods left
                          out, a namespace implied, nodes that may not be
                          listed) is an error: exit status 2
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

// load reads the input and compiles the model; problems go to stderr.
func (co *common) load(e *env) (*simulate.Model, *manifest.Result, bool) {
	if co.hostPods != string(simulate.HostNetworkAsNode) && co.hostPods != string(simulate.HostNetworkAsPod) {
		fmt.Fprintf(e.stderr, "netpolsim: --hostnetwork-pods %q: want node or pod\n", co.hostPods)
		return nil, nil, false
	}
	res, ok := co.input(e)
	if !ok {
		return nil, nil, false
	}
	m, err := simulate.Compile(res.Cluster,
		simulate.IPBlockMatchesPods(co.ipBlockPods),
		simulate.SelfTraffic(co.selfTraffic),
		simulate.NodeTraffic(co.nodeTraffic),
		simulate.HostNetworkPods(simulate.HostNetworkMode(co.hostPods)))
	if err != nil {
		fmt.Fprintln(e.stderr, "netpolsim:", clean(err))
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
	fmt.Fprintf(e.stderr, "netpolsim %s: %s\nRun 'netpolsim %s --help' for usage.\n", c, clean(err), c)
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
