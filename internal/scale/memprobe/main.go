package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/netpolsim/netpolsim/manifest"
	"github.com/netpolsim/netpolsim/simulate"
)

func live() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func main() {
	var peak uint64
	done := make(chan bool)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				if v := live(); v > peak {
					peak = v
				}
			}
		}
	}()
	t := time.Now()
	res, err := manifest.LoadPaths(os.Args[1])
	if err != nil {
		panic(err)
	}
	fmt.Printf("load %v peak live %d MB\n", time.Since(t), peak>>20)
	runtime.GC()
	fmt.Printf("after load live %d MB\n", live()>>20)
	f, _ := os.Create("/tmp/heap.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	m, err := simulate.Compile(res.Cluster)
	if err != nil {
		panic(err)
	}
	runtime.GC()
	fmt.Printf("after compile live %d MB peak %d MB\n", live()>>20, peak>>20)
	runtime.KeepAlive(res)
	runtime.KeepAlive(m)
	close(done)
}
