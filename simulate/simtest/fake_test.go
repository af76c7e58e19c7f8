package simtest_test

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeT is a testing.TB that records what an assertion reports instead of
// failing the test. The embedded testing.TB (the real test) satisfies the
// interface's private method and serves TempDir and Cleanup; every method
// that reports is overridden.
//
// It also checks the use of Helper as the testing package relies on it: each
// report records the first function on the stack, from the reporting call
// outwards, that did not call Helper. That is where a real test would say
// the failure happened; it must be the test itself, never simtest.
type fakeT struct {
	testing.TB

	mu       sync.Mutex
	helpers  map[string]bool // functions that called Helper
	errors   []string        // Error, Errorf, Fatal and Fatalf, in order
	logs     []string
	fatal    bool
	reporter []string // for each report, the function it is attributed to
}

// run calls f with a fresh fakeT on its own goroutine, as the testing
// package runs a test, so that Fatal can end f with runtime.Goexit.
func run(t *testing.T, f func(tb testing.TB)) *fakeT {
	t.Helper()
	ft := &fakeT{TB: t, helpers: map[string]bool{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(ft)
	}()
	<-done
	return ft
}

func (f *fakeT) Helper() {
	f.mu.Lock()
	defer f.mu.Unlock()
	pc, _, _, _ := runtime.Caller(1)
	f.helpers[runtime.FuncForPC(pc).Name()] = true
}

// report records msg and the function the report is attributed to.
func (f *fakeT) report(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, msg)
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	for {
		fr, more := frames.Next()
		if !strings.Contains(fr.Function, ".(*fakeT).") && !f.helpers[fr.Function] {
			f.reporter = append(f.reporter, fr.Function)
			return
		}
		if !more {
			f.reporter = append(f.reporter, "")
			return
		}
	}
}

func (f *fakeT) Error(args ...any) { f.report(strings.TrimSuffix(fmt.Sprintln(args...), "\n")) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.report(fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatal(args ...any) {
	f.report(strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
	f.FailNow()
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.report(fmt.Sprintf(format, args...))
	f.FailNow()
}
func (f *fakeT) Fail() { f.report("Fail called") }
func (f *fakeT) FailNow() {
	f.mu.Lock()
	f.fatal = true
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeT) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors) > 0
}
func (f *fakeT) Log(args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
}
func (f *fakeT) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Name() string                     { return "TestFake" }
func (f *fakeT) Skip(args ...any)                 { panic("simtest called Skip") }
func (f *fakeT) Skipf(format string, args ...any) { panic("simtest called Skipf") }
func (f *fakeT) SkipNow()                         { panic("simtest called SkipNow") }
func (f *fakeT) Skipped() bool                    { return false }
func (f *fakeT) Setenv(key, value string)         { panic("simtest called Setenv") }
func (f *fakeT) Chdir(dir string)                 { panic("simtest called Chdir") }
func (f *fakeT) Attr(key, value string)           {}
func (f *fakeT) Output() io.Writer                { panic("simtest called Output") }
func (f *fakeT) ArtifactDir() string              { panic("simtest called ArtifactDir") }

// check compares what the fake recorded with the wanted outcome: the exact
// messages reported, and whether the assertion stopped the test. Every
// report must be attributed to the test's own code.
func (f *fakeT) check(t *testing.T, wantFatal bool, want ...string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fatal != wantFatal {
		t.Errorf("stopped the test: %v, want %v", f.fatal, wantFatal)
	}
	if len(f.errors) != len(want) {
		t.Errorf("reported %d errors, want %d:\n%s", len(f.errors), len(want), strings.Join(f.errors, "\n---\n"))
	}
	for i := range min(len(f.errors), len(want)) {
		if f.errors[i] != want[i] {
			t.Errorf("error %d:\ngot:\n%s\nwant:\n%s", i, f.errors[i], want[i])
		}
	}
	for i, fn := range f.reporter {
		if !strings.HasPrefix(fn, "github.com/netpolsim/netpolsim/simulate/simtest_test.") {
			t.Errorf("error %d is attributed to %q, not to the test: a helper does not call t.Helper", i, fn)
		}
	}
	if len(f.helpers) == 0 {
		t.Error("the assertion never called t.Helper")
	}
}
