package main

import (
	"fmt"
	"slices"
	"time"
)

// latency summarises one set of measured durations.
type latency struct {
	N        int
	P50, P99 time.Duration
	Max      time.Duration
}

// summarize merges per-worker samples (each worker fills its own slice, so the measuring loop
// takes no lock) and reads nearest-rank percentiles.
func summarize(parts ...[]time.Duration) latency {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	all := make([]time.Duration, 0, n)
	for _, p := range parts {
		all = append(all, p...)
	}
	if len(all) == 0 {
		return latency{}
	}
	slices.Sort(all)
	return latency{N: len(all), P50: rank(all, 0.50), P99: rank(all, 0.99), Max: all[len(all)-1]}
}

// rank is the nearest-rank percentile of sorted samples: the smallest sample with at least
// q of all samples at or below it.
func rank(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// ms formats a duration in milliseconds with three decimals (microsecond resolution).
func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

// ratio formats a/b, or "n/a" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}
