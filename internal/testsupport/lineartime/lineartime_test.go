package lineartime

import (
	"testing"
	"time"
)

// TestThreadCPUCountsWorkNotWaiting: busy work moves the clock, sleeping does not.
func TestThreadCPUCountsWorkNotWaiting(t *testing.T) {
	start := threadCPU()
	time.Sleep(200 * time.Millisecond)
	if d := threadCPU() - start; d > 50*time.Millisecond {
		t.Errorf("a 200 ms sleep counted %v of CPU", d)
	}
	start = threadCPU()
	x := 0
	for deadline := time.Now().Add(100 * time.Millisecond); time.Now().Before(deadline); {
		x++
	}
	if d := threadCPU() - start; d < 20*time.Millisecond {
		t.Errorf("100 ms of busy work counted %v of CPU (%d loops)", d, x)
	}
}
