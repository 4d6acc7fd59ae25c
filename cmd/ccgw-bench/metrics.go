package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// procStats are the bridge's own figures from its /metrics endpoint.
type procStats struct {
	At         time.Time
	RSS        float64 // process_resident_memory_bytes
	HeapInuse  float64 // go_memstats_heap_inuse_bytes
	StackInuse float64 // go_memstats_stack_inuse_bytes (goroutine stacks are not heap)
	CPUSeconds float64 // process_cpu_seconds_total
	Goroutines float64 // go_goroutines
	Pollers    float64 // ccgw_pollers
}

// scrape reads the bridge's /metrics with the Prometheus text parser.
func scrape(ctx context.Context, hc *http.Client, httpAddr string) (procStats, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/metrics", nil)
	if err != nil {
		return procStats{}, err
	}
	res, err := hc.Do(req)
	if err != nil {
		return procStats{}, err
	}
	defer res.Body.Close()
	at := time.Now()
	if res.StatusCode != http.StatusOK {
		return procStats{}, fmt.Errorf("/metrics answered %s", res.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		return procStats{}, fmt.Errorf("parsing /metrics: %w", err)
	}
	st := procStats{At: at}
	for _, f := range []struct {
		name string
		dst  *float64
	}{
		{"process_resident_memory_bytes", &st.RSS},
		{"go_memstats_heap_inuse_bytes", &st.HeapInuse},
		{"go_memstats_stack_inuse_bytes", &st.StackInuse},
		{"process_cpu_seconds_total", &st.CPUSeconds},
		{"go_goroutines", &st.Goroutines},
		{"ccgw_pollers", &st.Pollers},
	} {
		v, ok := single(fams[f.name])
		if !ok {
			return procStats{}, fmt.Errorf("/metrics has no %s", f.name)
		}
		*f.dst = v
	}
	return st, nil
}

// single is the value of an unlabelled gauge or counter.
func single(f *dto.MetricFamily) (float64, bool) {
	if f == nil || len(f.GetMetric()) != 1 {
		return 0, false
	}
	m := f.GetMetric()[0]
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue(), true
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue(), true
	case m.GetUntyped() != nil:
		return m.GetUntyped().GetValue(), true
	}
	return 0, false
}
