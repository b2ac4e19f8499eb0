package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"example.com/envbench/sample/internal/parse"
	"example.com/envbench/sample/internal/stats"
)

func sampleSummary() stats.Summary {
	a := stats.New()
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	add := func(sec int, svc, path string, status int, lat time.Duration, lvl parse.Level) {
		a.Add(parse.Entry{Time: t0.Add(time.Duration(sec) * time.Second), Level: lvl, Service: svc,
			Method: "GET", Path: path, Status: status, Latency: lat})
	}
	add(0, "api", "/users/1", 200, 10*time.Millisecond, parse.LevelInfo)
	add(1, "api", "/users/2", 200, 20*time.Millisecond, parse.LevelInfo)
	add(2, "auth", "/login", 503, 900*time.Millisecond, parse.LevelError)
	add(4, "api", "/health", 200, time.Millisecond, parse.LevelDebug)
	return a.Summary(3)
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"text", Text, false},
		{"JSON", JSON, false},
		{"yaml", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		n, total, width int
		want            string
	}{
		{0, 10, 10, ""},
		{5, 10, 10, "#####"},
		{1, 100, 10, "#"},
		{10, 10, 4, "####"},
		{20, 10, 4, "####"},
		{3, 0, 4, ""},
	}
	for _, tt := range tests {
		if got := Bar(tt.n, tt.total, tt.width); got != tt.want {
			t.Errorf("Bar(%d,%d,%d) = %q, want %q", tt.n, tt.total, tt.width, got, tt.want)
		}
	}
}

func TestRenderText(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, sampleSummary(), Text); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Requests:", "4",
		"Error rate:", "25.0%",
		"GET /users/:id", "auth /login",
		"By service:", "api", "By level:", "ERROR",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output missing %q:\n%s", want, out)
		}
	}
}

func TestRenderTextEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, stats.New().Summary(5), Text); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != "Requests:  0" {
		t.Fatalf("empty output = %q", got)
	}
}

func TestRenderJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, sampleSummary(), JSON); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Total     int            `json:"total"`
		ErrorRate float64        `json:"error_rate"`
		ByService map[string]int `json:"by_service"`
		Latency   struct {
			Count int     `json:"count"`
			MaxMS float64 `json:"max_ms"`
			P50   float64 `json:"p50_ms"`
		} `json:"latency"`
		TopPaths []struct {
			Key string
			N   int
		} `json:"top_paths"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	if got.Total != 4 || got.ErrorRate != 0.25 || got.ByService["api"] != 3 {
		t.Errorf("unexpected JSON summary: %+v", got)
	}
	if got.Latency.Count != 4 || got.Latency.MaxMS != 900 || got.Latency.P50 != 10 {
		t.Errorf("unexpected latency: %+v", got.Latency)
	}
	if len(got.TopPaths) == 0 || got.TopPaths[0].Key != "GET /users/:id" {
		t.Errorf("unexpected top paths: %+v", got.TopPaths)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if err := Render(&bytes.Buffer{}, stats.Summary{}, Format("xml")); err == nil {
		t.Fatal("expected error for unknown format")
	}
}
