package manifest

import (
	"runtime"
	"sync"
)

// This file prepares documents (decode.go's first step: the header, and
// the objects decoded with their document) on the other cores while the
// input is still read: the reader hands them over in batches, those of an
// input of known size as it splits them (readBounded), the rest of an
// input's as the next input is read (read). The documents of an input
// that turns out to have a problem (a NUL byte, a limit passed) are
// dropped, prepared or not. What a load gives does not depend on it: with
// fastPaths off, nothing is handed over, and the tests compare.

// pipe is the goroutines that prepare the documents handed over, and the
// batches still to prepare.
type pipe struct {
	batches chan []*doc
	wg      sync.WaitGroup
}

const (
	// pipeStep is how much of an input is scanned before what ends in it
	// is split and handed over (a variable for the tests).
	pipeStepDefault = 32 << 10
	// pipeBatch is the number of documents in a batch.
	pipeBatch = 32
	// pipeDepth is the number of batches the pipe holds; the reader keeps
	// the documents that do not fit, for decodeAll.
	pipeDepth = 256
)

var pipeStep = pipeStepDefault

// pipelines reports whether documents are prepared while the input is
// read: with the fast paths, on more than one core.
func pipelines() bool { return fastPaths && runtime.GOMAXPROCS(0) > 1 }

// splitRead splits, while the input is read, the JSON documents that the
// tracker saw end within data (the input so far), and hands them over. sp
// is the split so far, nil before the first; the one to go on with is
// returned.
func (l *loader) splitRead(sp *jsonSplit, name string, walked bool, data []byte, tr *docTracker) *jsonSplit {
	if !tr.decided || !tr.json || tr.broken || len(tr.spans) == 0 {
		return sp
	}
	if sp == nil {
		sp = newJSONSplit(name, walked, &lineTable{ready: make(chan struct{})})
	}
	before := len(l.docs)
	sp.step(l, data, tr.spans, false)
	l.handOff(l.docs[before:])
	return sp
}

// handOff hands the documents ds over to the pipe, starting it on first
// use, in batches, as many as it holds.
func (l *loader) handOff(ds []*doc) {
	if len(ds) == 0 || !pipelines() {
		return
	}
	if l.pipe == nil {
		p := &pipe{batches: make(chan []*doc, pipeDepth)}
		l.pipe = p
		for range runtime.GOMAXPROCS(0) - 1 {
			p.wg.Go(func() {
				for b := range p.batches {
					for _, d := range b {
						l.prepare(d)
					}
				}
			})
		}
	}
	for len(ds) > 0 {
		// A new slice (the loader's slice of documents may change under
		// it) of the documents not handed over before.
		b := make([]*doc, 0, min(pipeBatch, len(ds)))
		for len(ds) > 0 && len(b) < cap(b) {
			if !ds[0].handed {
				b = append(b, ds[0])
			}
			ds = ds[1:]
		}
		if len(b) == 0 {
			continue
		}
		select {
		case l.pipe.batches <- b:
		default:
			return // full: decodeAll prepares the rest
		}
		for _, d := range b {
			d.handed = true
		}
	}
}

// drainPipe prepares what the pipe still holds, alongside its goroutines,
// and returns once every document handed over is prepared; then it returns
// the documents that were not handed over, which are still to prepare.
func (l *loader) drainPipe() []*doc {
	p := l.pipe
	if p == nil {
		return l.docs
	}
	l.pipe = nil
	close(p.batches)
	for b := range p.batches {
		for _, d := range b {
			l.prepare(d)
		}
	}
	p.wg.Wait()
	var rest []*doc
	for _, d := range l.docs {
		if !d.handed {
			rest = append(rest, d)
		}
	}
	return rest
}
