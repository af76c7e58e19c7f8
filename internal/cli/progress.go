package cli

import (
	"fmt"
	"io"
	"os"
	"time"
)

// termProgress shows what a long run is doing on one line of standard
// error, rewritten in place, when standard error is a terminal; it writes
// nothing otherwise (a pipe, a file, a test's buffer), so that logs and
// machine-read stderr stay clean. Updates are throttled to a few a second.
type termProgress struct {
	w     io.Writer // nil: off
	last  time.Time
	shown bool
	now   func() time.Time
}

// progressInterval is the least time between two updates of the line.
const progressInterval = 100 * time.Millisecond

// newTermProgress returns the progress of a run whose standard error is w:
// on only when w is a terminal.
func newTermProgress(w io.Writer) *termProgress {
	if !isTerminal(w) {
		return &termProgress{}
	}
	return &termProgress{w: w, now: time.Now}
}

// isTerminal reports whether w is a character device other than the null
// device: a terminal. Pipes and regular files are not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}

// step shows msg, always (a new step is worth showing).
func (p *termProgress) step(msg string) {
	if p == nil || p.w == nil {
		return
	}
	p.show(msg)
}

// progress shows "msg i/n", at most every progressInterval.
func (p *termProgress) progress(msg string, i, n int) {
	if p == nil || p.w == nil || p.now().Sub(p.last) < progressInterval {
		return
	}
	p.show(fmt.Sprintf("%s %d/%d", msg, i, n))
}

func (p *termProgress) show(msg string) {
	p.last = p.now()
	fmt.Fprintf(p.w, "\r\x1b[K%s", msg)
	p.shown = true
}

// done clears the line, so that what follows starts on a clean one.
func (p *termProgress) done() {
	if p == nil || p.w == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
	p.shown = false
}
