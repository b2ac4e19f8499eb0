package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"example.com/envbench/sample/internal/parse"
)

func genLines(n int) []string {
	lines := make([]string, 0, n)
	svcs := []string{"api", "auth", "billing"}
	for i := 0; i < n; i++ {
		switch {
		case i%50 == 49:
			lines = append(lines, "not a log line")
		case i%25 == 0:
			lines = append(lines, "")
		default:
			lines = append(lines, fmt.Sprintf("2024-05-01T12:%02d:%02dZ INFO %s GET /items/%d 200 %dms",
				(i/60)%60, i%60, svcs[i%len(svcs)], i, i%97+1))
		}
	}
	return lines
}

func TestIngest(t *testing.T) {
	lines := genLines(1000)
	var wantParsed, wantSkipped, wantErrs int
	for _, l := range lines {
		_, err := parse.Line(l)
		switch {
		case errors.Is(err, parse.ErrEmpty):
			wantSkipped++
		case err != nil:
			wantErrs++
		default:
			wantParsed++
		}
	}

	for _, workers := range []int{0, 1, 2, 8, 32} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			s := New()
			res, err := Ingest(context.Background(), s, lines, workers)
			if err != nil {
				t.Fatal(err)
			}
			if res.Parsed != wantParsed || res.Skipped != wantSkipped || len(res.Errors) != wantErrs {
				t.Fatalf("got parsed=%d skipped=%d errors=%d, want %d/%d/%d",
					res.Parsed, res.Skipped, len(res.Errors), wantParsed, wantSkipped, wantErrs)
			}
			if s.Len() != wantParsed {
				t.Fatalf("store has %d entries, want %d", s.Len(), wantParsed)
			}
			for i, le := range res.Errors {
				if i > 0 && res.Errors[i-1].Line >= le.Line {
					t.Fatalf("errors not sorted: %d then %d", res.Errors[i-1].Line, le.Line)
				}
				if le.Line%50 != 0 {
					t.Fatalf("unexpected error line %d: %v", le.Line, le)
				}
				var se *parse.SyntaxError
				if !errors.As(le, &se) {
					t.Fatalf("error %v does not unwrap to *parse.SyntaxError", le)
				}
			}
		})
	}
}

// TestIngestConcurrent runs several worker pools against one shared store.
func TestIngestConcurrent(t *testing.T) {
	const pools = 6
	lines := genLines(500)
	s := New()
	var wg sync.WaitGroup
	parsed := make([]int, pools)
	for p := 0; p < pools; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			res, err := Ingest(context.Background(), s, lines, 4)
			if err != nil {
				t.Error(err)
				return
			}
			parsed[p] = res.Parsed
		}(p)
	}
	wg.Wait()
	total := 0
	for _, n := range parsed {
		total += n
	}
	if s.Len() != total || total == 0 {
		t.Fatalf("store len %d, parsed %d", s.Len(), total)
	}
}

func TestIngestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := New()
	_, err := Ingest(ctx, s, genLines(10000), 4)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func BenchmarkIngest(b *testing.B) {
	lines := genLines(2000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Ingest(context.Background(), New(), lines, 0); err != nil {
			b.Fatal(err)
		}
	}
}
