// Package lineartime holds the parsers' "no input takes more than 1 s per MB" tests to
// their bound without failing on a busy machine: it counts the CPU time of the thread that
// runs the parser, not the wall time, so waiting for a core shared with other tests does
// not count, while a super-linear path still does. Tests import it; the scanner does not.
package lineartime

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// MB is the input size the bound is stated for.
const MB = 1 << 20

// Check runs fn (which parses size bytes) up to three times and fails t when the best run
// took more than 1 s per MB of CPU time (at least 1 s).
func Check(t testing.TB, what string, size int, fn func()) {
	t.Helper()
	limit := time.Duration(float64(time.Second) * float64(size) / MB)
	limit = max(limit, time.Second)
	// The thread's CPU time is the goroutine's only while it stays on that thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var took time.Duration
	for try := 0; try < 3 && (try == 0 || took > limit); try++ {
		start := threadCPU()
		fn()
		if d := threadCPU() - start; try == 0 || d < took {
			took = d
		}
	}
	t.Logf("%s: %d bytes in %v of CPU", what, size, took)
	if took > limit {
		t.Errorf("%s: %d bytes took %v of CPU (limit %v: 1 s per MB)", what, size, took, limit)
	}
}

// Repeat builds an adversarial input of at least n bytes: head, then unit repeated with sep
// between copies ("#" in unit replaced by the copy's index), then tail.
func Repeat(n int, head, unit, sep, tail string) []byte {
	var b bytes.Buffer
	b.WriteString(head)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strings.ReplaceAll(unit, "#", strconv.Itoa(i)))
	}
	b.WriteString(tail)
	return b.Bytes()
}
