package securityhub

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbaudit/scanner/internal/securityhub/shfake"
)

// BenchmarkPush10k pushes 10,000 findings to the wire fake enforcing 10 BatchImportFindings
// requests per second (burst 10, stricter than AWS's 30) and 3 GetFindings per second.
// The ceiling is 10 req/s × 100 findings = 1,000 findings/s, i.e. 10 s; the target is ≥ 90%
// of it (≤ ≈ 11 s) with zero findings lost. Run it with
//
//	go test ./internal/securityhub -run '^$' -bench BenchmarkPush10k -benchtime 1x -benchmem
func BenchmarkPush10k(b *testing.B) {
	const n = 10_000
	findings := manyFindings(b, n, t0)
	b.ReportAllocs()
	var (
		elapsed            time.Duration
		reqs, throttled    int
		lost               int
		peakHeap, baseHeap uint64
	)
	for i := 0; i < b.N; i++ {
		fake := shfake.New(shfake.Config{ImportRate: 10, ImportBurst: 10, GetRate: 3, GetBurst: 6, Discard: true})
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		baseHeap = ms.HeapInuse
		var peak atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // sample the heap while pushing
			defer wg.Done()
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		res, err := New(factoryFor(fake.URL), Options{}).Push(context.Background(), findings, Scope{})
		elapsed = time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatalf("push: %v (%d failed)", err, len(res.Failed))
		}
		lost = n - fake.DeliveredIDs()
		reqs, throttled = res.Requests, res.Throttled
		peakHeap = peak.Load()
		fake.Close()
	}
	ceiling := float64(n) / (float64(n) / 100 / MaxImportRate) // findings/s at 10 req/s × 100
	rate := float64(n) / elapsed.Seconds()
	b.ReportMetric(elapsed.Seconds(), "s/push")
	b.ReportMetric(rate, "findings/s")
	b.ReportMetric(100*rate/ceiling, "%ceiling")
	b.ReportMetric(float64(reqs), "requests")
	b.ReportMetric(float64(throttled), "throttled")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakHeap-min(baseHeap, peakHeap))/(1<<20), "push-heap-MiB")
	if lost != 0 {
		b.Errorf("%d findings lost", lost)
	}
	if rate < 0.9*ceiling {
		b.Errorf("%.0f findings/s is below 90%% of the %.0f/s ceiling", rate, ceiling)
	}
}
