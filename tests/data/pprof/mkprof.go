// mkprof.go - writes labels.pprof, a small profile with what Go's runtime
// does not write: numeric labels (Datadog-style end_timestamp_ns, thread
// id, span id), a thread name label, samples out of time order, an
// unsymbolized location and a kernel mapping. It uses Google's own pprof
// profile package (Debian golang-github-google-pprof-dev), built offline:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run mkprof.go OUT [-raw]
//
// -raw writes the protobuf uncompressed.
package main

import (
	"fmt"
	"os"

	"github.com/google/pprof/profile"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: mkprof OUT [-raw]")
		os.Exit(2)
	}
	app := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x500000, File: "/usr/bin/app",
		HasFunctions: true}
	libc := &profile.Mapping{ID: 2, Start: 0x7f0000000000, Limit: 0x7f0000100000,
		File: "/lib/x86_64-linux-gnu/libc.so.6"}
	kern := &profile.Mapping{ID: 3, Start: 0xffffffff81000000, Limit: 0xffffffff82000000,
		File: "[kernel.kallsyms]", HasFunctions: true}
	fMain := &profile.Function{ID: 1, Name: "main", SystemName: "main", Filename: "app.c"}
	fWork := &profile.Function{ID: 2, Name: "work", SystemName: "_Z4workv", Filename: "app.c"}
	fHash := &profile.Function{ID: 3, Name: "hash;mix", SystemName: "hash", Filename: "hash.h"}
	fRead := &profile.Function{ID: 4, Name: "ksys_read", Filename: ""}
	lMain := &profile.Location{ID: 1, Mapping: app, Address: 0x401000,
		Line: []profile.Line{{Function: fMain, Line: 10}}}
	// hash inlined into work: line[0] is the innermost function
	lWork := &profile.Location{ID: 2, Mapping: app, Address: 0x402000,
		Line: []profile.Line{{Function: fHash, Line: 3}, {Function: fWork, Line: 22}}}
	lLibc := &profile.Location{ID: 3, Mapping: libc, Address: 0x7f0000012345}
	lKern := &profile.Location{ID: 4, Mapping: kern, Address: 0xffffffff81234567,
		Line: []profile.Line{{Function: fRead, Line: 0}}}
	const t0 = 1700000000000000000
	sample := func(loc []*profile.Location, n, ns int64, tid int64, thread string, t int64, extra map[string][]string) *profile.Sample {
		s := &profile.Sample{Location: loc, Value: []int64{n, ns},
			NumLabel: map[string][]int64{"thread id": {tid}, "end_timestamp_ns": {t0 + t},
				"span id": {4242}},
			Label: map[string][]string{"thread name": {thread}}}
		for k, v := range extra {
			s.Label[k] = v
		}
		return s
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"},
			{Type: "wall", Unit: "nanoseconds"}},
		DefaultSampleType: "wall",
		PeriodType:        &profile.ValueType{Type: "wall", Unit: "nanoseconds"},
		Period:            10000000,
		TimeNanos:         t0,
		DurationNanos:     2000000000,
		Comments:          []string{"made by tests/data/pprof/mkprof.go"},
		Mapping:           []*profile.Mapping{app, libc, kern},
		Function:          []*profile.Function{fMain, fWork, fHash, fRead},
		Location:          []*profile.Location{lMain, lWork, lLibc, lKern},
		Sample: []*profile.Sample{
			// leaf first; times deliberately out of order
			sample([]*profile.Location{lWork, lMain}, 1, 10000000, 101, "main", 1500000000,
				map[string][]string{"trace endpoint": {"GET /a"}}),
			sample([]*profile.Location{lLibc, lWork, lMain}, 2, 20000000, 101, "main", 500000000, nil),
			sample([]*profile.Location{lKern, lLibc, lMain}, 1, 10000000, 102, "worker 1", 1000000000, nil),
			sample([]*profile.Location{lMain}, 3, 30000000, 102, "worker 1", 1000000000,
				map[string][]string{"trace endpoint": {"GET /b"}}),
			sample([]*profile.Location{lWork, lMain}, 0, 0, 101, "main", 1700000000, nil),
		},
	}
	if err := p.CheckValid(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(os.Args) > 2 && os.Args[2] == "-raw" {
		err = p.WriteUncompressed(f)
	} else {
		err = p.Write(f)
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
