package manifest

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/netpolsim/netpolsim/simulate"
)

// Result is what a successful load produced.
type Result struct {
	// Cluster holds every supported object of the input, and the pods that
	// the workloads generate, in input order: documents in the order they
	// were read, the items of a list in list order, and the pods of a
	// workload in replica order at the workload's place. Namespaced objects
	// without a namespace are in "default"; every object has its apiVersion
	// and kind set.
	//
	// Objects share the maps and slices in which the input gives them equal
	// values (the labels, owner and containers of a ReplicaSet's pods, the
	// selectors of policies, a workload's template in its pods), so the
	// Cluster is to be read, not changed: copy an object to change it.
	Cluster simulate.Cluster

	// Notices lists what the load did that the input did not say in so
	// many words (see [Notice]), in input order; the notices about
	// namespaces come last. Nil when there are none.
	Notices []Notice

	// origins is where each object came from, for Source and FieldSource.
	origins map[objKey]origin
}

// Source says where in the input an object or a problem is.
type Source struct {
	// File is the path of the file as given or as found by walking a
	// directory, "-" for standard input, or the name given to [LoadReader].
	File string

	// Document is the 0-based index of the document in File. Documents that
	// hold nothing (only comments, blank lines or null) are not counted; a
	// document that cannot be parsed is. It is -1 when the problem concerns
	// the whole file, such as a file that cannot be read.
	Document int

	// Line is the 1-based line of the field a problem is about, when it
	// can be found; else of the list item concerned; else of the document's
	// first line that is neither blank nor a comment. It is 0 when not
	// known.
	Line int

	// Item locates an object inside a list document, as a field path such as
	// "items[2]" or, in a list of lists, "items[0].items[3]". It is empty for
	// the object that makes up the document itself.
	Item string
}

// String renders s as "file: document 2 (line 14): items[1]", leaving out
// the parts that are not known or empty. A file name with line breaks or
// other control characters is quoted.
func (s Source) String() string {
	var b strings.Builder
	b.WriteString(quoteControl(s.File))
	if s.Document >= 0 {
		fmt.Fprintf(&b, ": document %d", s.Document)
		if s.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", s.Line)
		}
	}
	if s.Item != "" {
		b.WriteString(": ")
		b.WriteString(s.Item)
	}
	return b.String()
}

// Notice reports something a load did that its input did not say in so
// many words: an object or document left out, an object converted from an
// older version, a namespace implied. A strict load ([Options.Strict])
// reports each as a problem instead.
type Notice struct {
	Source Source
	// Reason says what kind of notice it is.
	Reason NoticeReason
	// APIVersion, Kind, Namespace and Name are the object's as written
	// (no namespace defaulting: the scope of an unknown kind is not known).
	// Any of them may be empty.
	APIVersion, Kind, Namespace, Name string
	// Message says what happened, in lowercase.
	Message string
}

// NoticeReason classifies notices.
type NoticeReason string

// The reasons of notices.
const (
	// Skipped: an object of a kind that is not simulated, or, in a
	// directory walk, a document that is not a Kubernetes object.
	Skipped NoticeReason = "skipped"
	// Converted: an object in an older version of its kind, read as the
	// version the cluster holds.
	Converted NoticeReason = "converted"
	// Finished: pods in phase Succeeded or Failed, left out. One notice
	// counts them all.
	Finished NoticeReason = "finished"
	// ImpliedNamespace: pods in a namespace that has no Namespace object,
	// which is taken to have no labels but kubernetes.io/metadata.name. One
	// notice per namespace, except for the namespaces every cluster has
	// (default, kube-system, kube-public, kube-node-lease).
	ImpliedNamespace NoticeReason = "implied-namespace"
	// StatusIgnored: an object whose status could not be read, read
	// without it.
	StatusIgnored NoticeReason = "status-ignored"
)

// String renders n on one line in the form
//
//	manifest: deploy/app.yaml: document 3 (line 20): ConfigMap shop/settings: skipped: v1 ConfigMap is not simulated
func (n Notice) String() string {
	return line(n.Source, n.Kind, n.Namespace, n.Name, "", n.Message)
}

// LoadPaths loads the manifests in the given files and directories, in the
// order given, and returns the cluster they describe, with the default
// [Options].
//
// A directory is walked recursively in lexical order and every file in it
// whose name ends in .yaml, .yml or .json is loaded; other files are
// ignored, and so are the documents in them that are not Kubernetes
// objects (no apiVersion or kind, or not an object at all), with a notice.
// A file named explicitly is loaded whatever its name, and every document
// in it must be an object. The path "-" reads standard input. A file is
// read once however often it is reached (the same path given twice, under
// two names or links, or alone and inside a directory also given), and so
// is standard input. With no paths, the result is an empty cluster.
//
// Every file is read in full, even after a problem; on any problem LoadPaths
// returns a nil Result and an *[Error] that lists all of them.
func LoadPaths(paths ...string) (*Result, error) {
	return Options{}.LoadPaths(paths...)
}

// LoadReader loads the manifests read from r until end of input and returns
// the cluster they describe, with the default [Options]. The name is used
// as [Source.File] in notices and problems; "-" is the convention for
// standard input.
//
// On any problem LoadReader returns a nil Result and an *[Error] that lists
// all of them.
func LoadReader(name string, r io.Reader) (*Result, error) {
	return Options{}.LoadReader(name, r)
}

// manifestExt reports whether a file found by walking a directory is loaded.
func manifestExt(name string) bool {
	switch filepath.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}
