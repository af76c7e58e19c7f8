package manifest

import (
	"errors"
	"io"
)

// ErrNotice is the Err of the problems that a strict load
// ([Options.Strict]) makes of its notices.
var ErrNotice = errors.New("manifest: a notice, which a strict load does not allow")

// ErrMaxBytes is the Err of the problem of a load whose input passes
// [Options.MaxBytes]; ErrMaxDocumentBytes that of a document or list item
// larger than [Options.MaxDocumentBytes].
var (
	ErrMaxBytes         = errors.New("manifest: input larger than Options.MaxBytes")
	ErrMaxDocumentBytes = errors.New("manifest: document larger than Options.MaxDocumentBytes")
)

// Limits that apply when the corresponding field of [Options] is zero.
const (
	// DefaultMaxPods is the most pods a load yields, bare and generated
	// from workloads together: the most pods a Kubernetes cluster
	// supports.
	DefaultMaxPods = 150_000

	// DefaultMaxDocumentBytes bounds one document, or one item of a list:
	// over five times the 3 MiB the API server accepts in one request.
	DefaultMaxDocumentBytes = 16 << 20

	// DefaultMaxBytes bounds the whole input of one load, all files
	// together.
	DefaultMaxBytes = 2 << 30
)

// Options are the settings of a load. The zero value is the default:
// notices are not problems, and the limits are the Default… constants.
// Methods on Options may be called concurrently.
type Options struct {
	// Strict turns every notice into a problem (whose Err is ErrNotice),
	// so that a load that would have skipped, converted or implied
	// anything fails instead.
	Strict bool

	// MaxPods bounds the pods of the result, those given as Pod objects
	// and those generated from workloads together. Zero means
	// DefaultMaxPods; a negative value, no pods at all.
	MaxPods int

	// MaxDocumentBytes bounds the size of one document, and of one item of
	// a list document. A list document itself is bounded only by
	// MaxBytes, since kubectl writes a whole dump as one. Zero means
	// DefaultMaxDocumentBytes.
	MaxDocumentBytes int64

	// MaxBytes bounds the input of one load, all files (and the output of
	// all kustomize builds) together. Input past it is not read. Zero means
	// DefaultMaxBytes.
	MaxBytes int64

	// DropText makes the load forget the input's text once it is
	// loaded, which saves about the input's size in memory. Source is
	// unchanged; FieldSource then gives the object's own line, as Source
	// does, rather than the line of the field asked for. Problems and
	// notices found by the load keep their fields' lines either way.
	DropText bool

	// Progress, when not nil, is told how far the load has read each
	// input: after every read of at most ProgressChunk bytes, and once
	// more with Done set when the input is read to its end or stopped by a
	// problem. It is called from the goroutine that called the load, one
	// call at a time, before the input's documents are decoded; it must
	// not block for long. Nil means no reports. Kustomizations report
	// nothing (their output is built in memory).
	Progress func(ReadProgress)
}

// ReadProgress says how far a load has read one input (see
// Options.Progress).
type ReadProgress struct {
	// Name is the input's name as problems give it: a path, or "-" (or
	// the name given to LoadReader) for a reader.
	Name string
	// Read is the number of bytes of the input read so far.
	Read int64
	// Total is the size of the input when known (a regular file), else -1.
	Total int64
	// Done is true on the last report of the input.
	Done bool
}

// ProgressChunk is the most bytes one read of an input takes, so that
// Options.Progress hears of a large file every ProgressChunk bytes.
const ProgressChunk = 4 << 20

func (o Options) maxPods() int {
	switch {
	case o.MaxPods == 0:
		return DefaultMaxPods
	case o.MaxPods < 0:
		return 0
	}
	return o.MaxPods
}

func (o Options) maxDocumentBytes() int64 {
	if o.MaxDocumentBytes <= 0 {
		return DefaultMaxDocumentBytes
	}
	return o.MaxDocumentBytes
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// LoadPaths is [LoadPaths] with the options o.
func (o Options) LoadPaths(paths ...string) (*Result, error) {
	l := newLoader(o)
	for _, p := range paths {
		l.path(p)
	}
	return l.result()
}

// LoadReader is [LoadReader] with the options o.
func (o Options) LoadReader(name string, r io.Reader) (*Result, error) {
	l := newLoader(o)
	l.reader(name, r, true)
	return l.result()
}
