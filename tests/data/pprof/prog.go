// prog.go - writes real Go profiles for flamepipe's pprof2events tests
// (tests/check.d/pprof-go.sh builds it offline with Debian's golang-go:
// GO111MODULE=off go build prog.go).
//
//	prog cpu FILE      CPU profile of two labelled workers (pprof.Do labels
//	                   worker=alpha / worker=beta) and an unlabelled one
//	prog heap FILE     heap profile (alloc_objects, alloc_space, inuse_*)
//	                   after allocations in three functions
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink [][]byte

// step is inlined into spin: its samples have two lines in one location.
func step(x uint64) uint64 {
	return x*6364136223846793005 + 1442695040888963407
}

//go:noinline
func spin(n int) uint64 {
	var x uint64 = 1
	for i := 0; i < n; i++ {
		x = step(x)
	}
	return x
}

//go:noinline
func alpha(d time.Duration) uint64 {
	var s uint64
	for end := time.Now().Add(d); time.Now().Before(end); {
		s += spin(20000)
	}
	return s
}

//go:noinline
func beta(d time.Duration) uint64 {
	var s uint64
	for end := time.Now().Add(d); time.Now().Before(end); {
		s += spin(50000)
	}
	return s
}

func cpu(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	var wg sync.WaitGroup
	var total uint64
	var mu sync.Mutex
	add := func(v uint64) { mu.Lock(); total += v; mu.Unlock() }
	wg.Add(3)
	go pprof.Do(context.Background(), pprof.Labels("worker", "alpha"), func(context.Context) {
		defer wg.Done()
		add(alpha(400 * time.Millisecond))
	})
	go pprof.Do(context.Background(), pprof.Labels("worker", "beta", "phase", "one"), func(context.Context) {
		defer wg.Done()
		add(beta(300 * time.Millisecond))
	})
	go func() {
		defer wg.Done()
		add(alpha(200 * time.Millisecond))
	}()
	wg.Wait()
	pprof.StopCPUProfile()
	fmt.Fprintln(os.Stderr, "cpu: total", total)
	return nil
}

//go:noinline
func small() { sink = append(sink, make([]byte, 64)) }

//go:noinline
func medium() { sink = append(sink, make([]byte, 4096)) }

//go:noinline
func large() { sink = append(sink, make([]byte, 1<<20)) }

func heap(path string) error {
	runtime.MemProfileRate = 1
	for i := 0; i < 2000; i++ {
		small()
		if i%10 == 0 {
			medium()
		}
		if i%500 == 0 {
			large()
		}
	}
	sink = sink[:len(sink)/2]
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: prog cpu|heap FILE")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "cpu":
		err = cpu(os.Args[2])
	case "heap":
		err = heap(os.Args[2])
	default:
		err = fmt.Errorf("unknown profile %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
