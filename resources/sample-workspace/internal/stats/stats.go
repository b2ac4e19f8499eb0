// Package stats aggregates parsed log entries into summary statistics.
package stats

import (
	"math"
	"sort"
	"time"

	"example.com/envbench/sample/internal/parse"
)

// Latency summarises a set of latency observations.
type Latency struct {
	Count int
	Min   time.Duration
	Max   time.Duration
	Mean  time.Duration
	P50   time.Duration
	P90   time.Duration
	P99   time.Duration
}

// Summarize computes a Latency summary. The input slice is not modified.
func Summarize(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	sorted := make([]time.Duration, len(samples))
	copy(sorted, samples)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })

	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	return Latency{
		Count: len(sorted),
		Min:   sorted[0],
		Max:   sorted[len(sorted)-1],
		Mean:  sum / time.Duration(len(sorted)),
		P50:   Percentile(sorted, 50),
		P90:   Percentile(sorted, 90),
		P99:   Percentile(sorted, 99),
	}
}

// Percentile returns the p-th percentile (0..100) of an already sorted slice
// using the nearest-rank method. It returns 0 for an empty slice.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 100 {
		return sorted[n-1]
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// Count is a key with its number of occurrences.
type Count struct {
	Key string
	N   int
}

// TopN returns the n keys with the highest counts, ties broken by key.
// If n <= 0 all keys are returned.
func TopN(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Key: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// Aggregator accumulates entries. The zero value is not ready to use; call New.
// An Aggregator is not safe for concurrent use; see package store for that.
type Aggregator struct {
	total     int
	byLevel   map[string]int
	byStatus  map[string]int
	byPath    map[string]int
	byService map[string]int
	errors    map[string]int
	latencies []time.Duration
	first     time.Time
	last      time.Time
}

// New returns an empty Aggregator.
func New() *Aggregator {
	return &Aggregator{
		byLevel:   make(map[string]int),
		byStatus:  make(map[string]int),
		byPath:    make(map[string]int),
		byService: make(map[string]int),
		errors:    make(map[string]int),
	}
}

// Add records one entry.
func (a *Aggregator) Add(e parse.Entry) {
	a.total++
	a.byLevel[e.Level.String()]++
	a.byStatus[e.StatusClass()]++
	a.byService[e.Service]++
	path := parse.NormalizePath(e.Path)
	a.byPath[e.Method+" "+path]++
	if e.Status >= 500 {
		a.errors[e.Service+" "+path]++
	}
	a.latencies = append(a.latencies, e.Latency)
	if a.first.IsZero() || e.Time.Before(a.first) {
		a.first = e.Time
	}
	if e.Time.After(a.last) {
		a.last = e.Time
	}
}

// Merge folds the contents of b into a.
func (a *Aggregator) Merge(b *Aggregator) {
	a.total += b.total
	mergeCounts(a.byLevel, b.byLevel)
	mergeCounts(a.byStatus, b.byStatus)
	mergeCounts(a.byPath, b.byPath)
	mergeCounts(a.byService, b.byService)
	mergeCounts(a.errors, b.errors)
	a.latencies = append(a.latencies, b.latencies...)
	if !b.first.IsZero() && (a.first.IsZero() || b.first.Before(a.first)) {
		a.first = b.first
	}
	if b.last.After(a.last) {
		a.last = b.last
	}
}

func mergeCounts(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// Summary is an immutable snapshot of aggregated statistics.
type Summary struct {
	Total      int            `json:"total"`
	First      time.Time      `json:"first"`
	Last       time.Time      `json:"last"`
	ErrorRate  float64        `json:"error_rate"`
	ByLevel    map[string]int `json:"by_level"`
	ByStatus   map[string]int `json:"by_status"`
	ByService  map[string]int `json:"by_service"`
	TopPaths   []Count        `json:"top_paths"`
	TopErrors  []Count        `json:"top_errors"`
	Latency    Latency        `json:"latency"`
	Throughput float64        `json:"requests_per_second"`
}

// Summary computes a snapshot, keeping the top n paths and error sources.
func (a *Aggregator) Summary(n int) Summary {
	s := Summary{
		Total:     a.total,
		First:     a.first,
		Last:      a.last,
		ByLevel:   copyCounts(a.byLevel),
		ByStatus:  copyCounts(a.byStatus),
		ByService: copyCounts(a.byService),
		TopPaths:  TopN(a.byPath, n),
		TopErrors: TopN(a.errors, n),
		Latency:   Summarize(a.latencies),
	}
	if a.total > 0 {
		s.ErrorRate = float64(a.byStatus["5xx"]) / float64(a.total)
	}
	if span := a.last.Sub(a.first); span > 0 {
		s.Throughput = float64(a.total) / span.Seconds()
	}
	return s
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
