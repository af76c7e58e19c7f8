// Command memprobe loads manifests and compiles them, as the CLI does, and
// says how much heap is live after each step and how the runtime's memory
// is made up at the end, for the memory figures in BENCHMARKS.md:
//
//	go run ./internal/scale/gencluster -pods 150000 -policies 300000 -o /tmp/limits
//	go build -o /tmp/memprobe ./internal/scale/memprobe
//	/usr/bin/time -f '%M KB' /tmp/memprobe [-keep-text] [-snapshot] /tmp/limits
//
// "peak live" is the largest live heap the collector found, sampled every
// 10 ms; the live heap after a step is measured after a forced collection.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func main() {
	heapProfile := flag.String("heapprofile", "", "write a heap profile of the model (and the pods it holds) to this file")
	against := flag.String("against", "", "with -snapshot: then load and compile this path too and diff it against the Snapshot, as diff does")
	snapshot := flag.Bool("snapshot", false, "then make the model's Snapshot, let the model go and say what the Snapshot holds, as diff does with its first side")
	keepText := flag.Bool("keep-text", false, "keep the input's text for FieldSource, as a library load does by default (the CLI drops it)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: memprobe [-keep-text] [-snapshot] [-heapprofile FILE] PATH...")
		os.Exit(2)
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := read("/gc/heap/live:bytes"); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	start := time.Now()
	res, err := manifest.Options{DropText: !*keepText}.LoadPaths(flag.Args()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("load      %6.2f s  peak live %5d MB  live after %5d MB\n", time.Since(start).Seconds(), peak.Load()>>20, liveAfterGC()>>20)
	start = time.Now()
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("compile   %6.2f s  peak live %5d MB  live after %5d MB (cluster and model)\n", time.Since(start).Seconds(), peak.Load()>>20, liveAfterGC()>>20)
	res = nil
	fmt.Printf("model and the pods it holds: live %d MB\n", liveAfterGC()>>20)
	if *heapProfile != "" {
		f, err := os.Create(*heapProfile)
		if err == nil {
			err = pprof.WriteHeapProfile(f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if *snapshot {
		peak.Store(0)
		start = time.Now()
		base := m.Snapshot()
		m = nil
		fmt.Printf("snapshot  %6.2f s  peak live %5d MB  live after %5d MB (the Snapshot alone)\n", time.Since(start).Seconds(), peak.Load()>>20, liveAfterGC()>>20)
		if *against != "" {
			peak.Store(0)
			start = time.Now()
			res, err := manifest.Options{DropText: !*keepText}.LoadPaths(*against)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			b, err := simulate.Compile(res.Cluster)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			res = nil
			fmt.Printf("against   %6.2f s  peak live %5d MB  live after %5d MB (Snapshot and the second model)\n", time.Since(start).Seconds(), peak.Load()>>20, liveAfterGC()>>20)
			peak.Store(0)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			allocated := ms.TotalAlloc
			start = time.Now()
			d := base.Diff(b)
			runtime.ReadMemStats(&ms)
			fmt.Printf("diff      %6.2f s  peak live %5d MB  allocated %5d MB  live after %5d MB (and the Delta: %d pairs)\n", time.Since(start).Seconds(), peak.Load()>>20, (ms.TotalAlloc-allocated)>>20, liveAfterGC()>>20, len(d.Added)+len(d.Removed)+len(d.Changed))
			runtime.KeepAlive(b)
		}
		runtime.KeepAlive(base)
	}
	close(stop)
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/memory/classes/") {
			fmt.Printf("%-48s %6d MB\n", d.Name, read(d.Name)>>20)
		}
	}
	runtime.KeepAlive(m)
}

// read reads one uint64 runtime metric.
func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveAfterGC collects and returns the live heap.
func liveAfterGC() uint64 {
	runtime.GC()
	return read("/gc/heap/live:bytes")
}
