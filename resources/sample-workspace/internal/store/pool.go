package store

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"example.com/envbench/sample/internal/parse"
)

// LineError is a parse failure with the 1-based line number it occurred on.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return e.Err.Error() }

// Unwrap exposes the underlying parse error.
func (e LineError) Unwrap() error { return e.Err }

// IngestResult reports what a call to Ingest did.
type IngestResult struct {
	Parsed  int
	Skipped int
	Errors  []LineError
}

type job struct {
	line int
	text string
}

type result struct {
	line  int
	entry parse.Entry
	err   error
}

// Ingest parses lines with a pool of workers and adds the resulting entries
// to s in batches. workers <= 0 means runtime.GOMAXPROCS(0). Errors are
// returned sorted by line number. Ingest stops early, returning ctx.Err(),
// if ctx is cancelled.
func Ingest(ctx context.Context, s *Store, lines []string, workers int) (IngestResult, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan job)
	results := make(chan result, workers*4)

	// Fan out: workers parse lines concurrently.
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				e, err := parse.Line(j.text)
				select {
				case results <- result{line: j.line, entry: e, err: err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	// Producer.
	go func() {
		defer close(jobs)
		for i, l := range lines {
			select {
			case jobs <- job{line: i + 1, text: l}:
			case <-ctx.Done():
				return
			}
		}
	}()

	go func() {
		wg.Wait()
		close(results)
	}()

	// Fan in: a single collector batches entries into the store.
	const batchSize = 64
	var res IngestResult
	batch := make([]parse.Entry, 0, batchSize)
	for r := range results {
		switch {
		case errors.Is(r.err, parse.ErrEmpty):
			res.Skipped++
		case r.err != nil:
			res.Errors = append(res.Errors, LineError{Line: r.line, Err: r.err})
		default:
			res.Parsed++
			batch = append(batch, r.entry)
			if len(batch) == batchSize {
				s.Add(batch...)
				batch = batch[:0]
			}
		}
	}
	s.Add(batch...)
	sortLineErrors(res.Errors)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

func sortLineErrors(errs []LineError) {
	// Insertion sort: error lists are short and usually nearly sorted.
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Line < errs[j-1].Line; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
