package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "access.log")
	content := "2024-05-01T12:00:00Z INFO api GET /a 200 5ms\n" +
		"2024-05-01T12:00:01Z ERROR api GET /a 500 50ms\n" +
		"bogus line\n"
	if err := os.WriteFile(logFile, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantErr    bool
		wantOut    []string
		wantStderr string
	}{
		{name: "embedded sample", args: nil, wantOut: []string{"Requests:", "Top endpoints:"}},
		{name: "embedded json", args: []string{"-format", "json"}, wantOut: []string{`"total"`, `"p99_ms"`}},
		{name: "single service", args: []string{"-service", "auth"}, wantOut: []string{"auth"}},
		{name: "file", args: []string{logFile}, wantOut: []string{"Requests:", "2", "50.0%"}, wantStderr: "line 3"},
		{name: "strict", args: []string{"-strict", logFile}, wantErr: true},
		{name: "stdin", args: []string{"-"}, stdin: "2024-05-01T12:00:00Z INFO web GET / 200 1ms\n", wantOut: []string{"web"}},
		{name: "bad format", args: []string{"-format", "xml"}, wantErr: true},
		{name: "missing file", args: []string{filepath.Join(dir, "nope.log")}, wantErr: true},
		{name: "too many args", args: []string{"a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v (stderr: %s)", err, tt.wantErr, stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout missing %q:\n%s", w, stdout.String())
				}
			}
			if tt.wantStderr != "" && !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr missing %q: %s", tt.wantStderr, stderr.String())
			}
		})
	}
}

func TestEmbeddedSampleIsClean(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-strict", "-format", "json"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("embedded sample should parse cleanly: %v\n%s", err, stderr.String())
	}
	var v map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if v["total"].(float64) == 0 {
		t.Fatal("embedded sample produced no entries")
	}
}
