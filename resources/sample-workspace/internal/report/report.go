// Package report renders a stats.Summary as human-readable text or JSON.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"example.com/envbench/sample/internal/stats"
)

// Format selects an output representation.
type Format string

// Supported formats.
const (
	Text Format = "text"
	JSON Format = "json"
)

// ParseFormat validates a user-supplied format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text or json)", s)
}

// Render writes s to w in the requested format.
func Render(w io.Writer, s stats.Summary, f Format) error {
	switch f {
	case Text:
		return renderText(w, s)
	case JSON:
		return renderJSON(w, s)
	}
	return fmt.Errorf("unknown format %q", f)
}

type jsonLatency struct {
	Count int     `json:"count"`
	MinMS float64 `json:"min_ms"`
	MaxMS float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func renderJSON(w io.Writer, s stats.Summary) error {
	out := struct {
		stats.Summary
		Latency jsonLatency `json:"latency"`
	}{
		Summary: s,
		Latency: jsonLatency{
			Count: s.Latency.Count,
			MinMS: ms(s.Latency.Min),
			MaxMS: ms(s.Latency.Max),
			Mean:  ms(s.Latency.Mean),
			P50:   ms(s.Latency.P50),
			P90:   ms(s.Latency.P90),
			P99:   ms(s.Latency.P99),
		},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func renderText(w io.Writer, s stats.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("Requests:\t%d\n", s.Total)
	if s.Total == 0 {
		return tw.Flush()
	}
	p("Window:\t%s .. %s\n", s.First.UTC().Format(time.RFC3339), s.Last.UTC().Format(time.RFC3339))
	p("Throughput:\t%.2f req/s\n", s.Throughput)
	p("Error rate:\t%.1f%%\n", s.ErrorRate*100)
	p("Latency:\tp50=%v p90=%v p99=%v max=%v\n", s.Latency.P50, s.Latency.P90, s.Latency.P99, s.Latency.Max)

	section(tw, "By level", sortedCounts(s.ByLevel), s.Total)
	section(tw, "By status", sortedCounts(s.ByStatus), s.Total)
	section(tw, "By service", sortedCounts(s.ByService), s.Total)
	section(tw, "Top endpoints", s.TopPaths, s.Total)
	if len(s.TopErrors) > 0 {
		section(tw, "Top 5xx sources", s.TopErrors, s.Total)
	}
	return tw.Flush()
}

func section(w io.Writer, title string, counts []stats.Count, total int) {
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, c := range counts {
		fmt.Fprintf(w, "  %s\t%d\t%s\n", c.Key, c.N, Bar(c.N, total, 20))
	}
}

func sortedCounts(m map[string]int) []stats.Count {
	out := make([]stats.Count, 0, len(m))
	for k, v := range m {
		out = append(out, stats.Count{Key: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Bar draws a proportional bar of at most width cells for n out of total.
func Bar(n, total, width int) string {
	if total <= 0 || width <= 0 || n <= 0 {
		return ""
	}
	if n > total {
		n = total
	}
	cells := (n*width + total - 1) / total
	return strings.Repeat("#", cells)
}
