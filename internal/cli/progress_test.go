package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for name, w := range map[string]any{"buffer": &bytes.Buffer{}, "pipe": w, "file": file, "null": null} {
		if isTerminal(w.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
	// A pseudo-terminal's master side is a character device like a
	// terminal.
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer pty.Close()
	if !isTerminal(pty) {
		t.Error("a pseudo-terminal is not taken for a terminal")
	}
}

func TestTermProgress(t *testing.T) {
	// Off: nothing is written, and a nil progress is safe.
	var buf bytes.Buffer
	off := newTermProgress(&buf)
	off.step("a")
	off.progress("b", 1, 2)
	off.done()
	var none *termProgress
	none.step("a")
	none.done()
	if buf.Len() != 0 {
		t.Errorf("progress written to a buffer: %q", buf.String())
	}

	// On: steps always, counts at most every progressInterval, and done
	// clears the line.
	now := time.Unix(0, 0)
	p := &termProgress{w: &buf, now: func() time.Time { return now }}
	p.step("loading")
	p.progress("cells", 1, 10) // too soon after the step
	now = now.Add(progressInterval)
	p.progress("cells", 2, 10)
	now = now.Add(progressInterval / 2)
	p.progress("cells", 3, 10) // too soon
	p.step("writing")
	p.done()
	p.done() // once is enough
	want := "\r\x1b[Kloading\r\x1b[Kcells 2/10\r\x1b[Kwriting\r\x1b[K"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
