package stats

import (
	"reflect"
	"testing"
	"time"

	"example.com/envbench/sample/internal/parse"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	sorted := []time.Duration{ms(1), ms(2), ms(3), ms(4), ms(5), ms(6), ms(7), ms(8), ms(9), ms(10)}
	tests := []struct {
		p    float64
		want time.Duration
	}{
		{0, ms(1)}, {10, ms(1)}, {50, ms(5)}, {90, ms(9)}, {99, ms(10)}, {100, ms(10)}, {150, ms(10)},
	}
	for _, tt := range tests {
		if got := Percentile(sorted, tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []time.Duration
		want Latency
	}{
		{"empty", nil, Latency{}},
		{"single", []time.Duration{ms(7)}, Latency{Count: 1, Min: ms(7), Max: ms(7), Mean: ms(7), P50: ms(7), P90: ms(7), P99: ms(7)}},
		{"unsorted", []time.Duration{ms(30), ms(10), ms(20), ms(40)}, Latency{Count: 4, Min: ms(10), Max: ms(40), Mean: ms(25), P50: ms(20), P90: ms(40), P99: ms(40)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := Summarize(tt.in); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) && len(in) > 0 {
				t.Fatalf("input was modified: %v", tt.in)
			}
		})
	}
}

func TestTopN(t *testing.T) {
	m := map[string]int{"a": 3, "b": 5, "c": 3, "d": 1}
	tests := []struct {
		n    int
		want []Count
	}{
		{1, []Count{{"b", 5}}},
		{3, []Count{{"b", 5}, {"a", 3}, {"c", 3}}},
		{0, []Count{{"b", 5}, {"a", 3}, {"c", 3}, {"d", 1}}},
		{10, []Count{{"b", 5}, {"a", 3}, {"c", 3}, {"d", 1}}},
	}
	for _, tt := range tests {
		if got := TopN(m, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("TopN(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func entry(sec int, svc, method, path string, status int, lat time.Duration) parse.Entry {
	return parse.Entry{
		Time:    time.Date(2024, 5, 1, 12, 0, sec, 0, time.UTC),
		Level:   parse.LevelInfo,
		Service: svc, Method: method, Path: path, Status: status, Latency: lat,
	}
}

func TestAggregatorSummary(t *testing.T) {
	a := New()
	a.Add(entry(0, "api", "GET", "/users/1", 200, ms(10)))
	a.Add(entry(5, "api", "GET", "/users/2", 200, ms(20)))
	a.Add(entry(10, "api", "POST", "/users", 500, ms(300)))
	a.Add(entry(2, "auth", "POST", "/login", 401, ms(5)))

	s := a.Summary(2)
	if s.Total != 4 {
		t.Fatalf("Total = %d", s.Total)
	}
	if want := 0.25; s.ErrorRate != want {
		t.Errorf("ErrorRate = %v, want %v", s.ErrorRate, want)
	}
	if want := 0.4; s.Throughput != want {
		t.Errorf("Throughput = %v, want %v", s.Throughput, want)
	}
	if want := (map[string]int{"2xx": 2, "4xx": 1, "5xx": 1}); !reflect.DeepEqual(s.ByStatus, want) {
		t.Errorf("ByStatus = %v, want %v", s.ByStatus, want)
	}
	if want := []Count{{"GET /users/:id", 2}, {"POST /login", 1}}; !reflect.DeepEqual(s.TopPaths, want) {
		t.Errorf("TopPaths = %v, want %v", s.TopPaths, want)
	}
	if want := []Count{{"api /users", 1}}; !reflect.DeepEqual(s.TopErrors, want) {
		t.Errorf("TopErrors = %v, want %v", s.TopErrors, want)
	}
	if s.Latency.Max != ms(300) || s.Latency.Min != ms(5) {
		t.Errorf("Latency = %+v", s.Latency)
	}

	// The summary must be a snapshot, not a view.
	s.ByStatus["2xx"] = 99
	if a.Summary(2).ByStatus["2xx"] != 2 {
		t.Error("Summary shares maps with the aggregator")
	}
}

func TestMerge(t *testing.T) {
	all, left, right := New(), New(), New()
	entries := []parse.Entry{
		entry(3, "api", "GET", "/a", 200, ms(1)),
		entry(1, "api", "GET", "/b", 503, ms(2)),
		entry(9, "web", "GET", "/a", 200, ms(3)),
		entry(4, "web", "PUT", "/c/9", 404, ms(4)),
	}
	for i, e := range entries {
		all.Add(e)
		if i%2 == 0 {
			left.Add(e)
		} else {
			right.Add(e)
		}
	}
	left.Merge(right)
	if got, want := left.Summary(0), all.Summary(0); !reflect.DeepEqual(got, want) {
		t.Fatalf("merged summary differs:\n got %+v\nwant %+v", got, want)
	}
	empty := New()
	empty.Merge(New())
	if s := empty.Summary(0); s.Total != 0 || !s.First.IsZero() {
		t.Fatalf("empty merge = %+v", s)
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	e := entry(0, "api", "GET", "/users/42", 200, ms(12))
	a := New()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		a.Add(e)
	}
}
