// Command loganalyzer summarises an access log.
//
// Usage:
//
//	loganalyzer [-format text|json] [-workers N] [-top N] [-service NAME] [file]
//
// With no file argument it analyses a small embedded sample log. Use "-" to
// read standard input.
package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"example.com/envbench/sample/internal/report"
	"example.com/envbench/sample/internal/stats"
	"example.com/envbench/sample/internal/store"
)

//go:embed testdata/sample.log
var sampleLog string

type config struct {
	format  report.Format
	workers int
	top     int
	service string
	strict  bool
	input   string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("loganalyzer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	workers := fs.Int("workers", 0, "number of parser goroutines (0 = GOMAXPROCS)")
	top := fs.Int("top", 5, "number of endpoints to list")
	service := fs.String("service", "", "only analyse this service")
	strict := fs.Bool("strict", false, "exit non-zero if any line fails to parse")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return config{}, err
	}
	if fs.NArg() > 1 {
		return config{}, errors.New("at most one input file may be given")
	}
	return config{
		format:  f,
		workers: *workers,
		top:     *top,
		service: *service,
		strict:  *strict,
		input:   fs.Arg(0),
	}, nil
}

func readLines(path string, stdin io.Reader) ([]string, error) {
	var r io.Reader
	switch path {
	case "":
		r = strings.NewReader(sampleLog)
	case "-":
		r = stdin
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	lines, err := readLines(cfg.input, stdin)
	if err != nil {
		return err
	}

	st := store.New()
	res, err := store.Ingest(ctx, st, lines, cfg.workers)
	if err != nil {
		return err
	}
	for _, le := range res.Errors {
		fmt.Fprintf(stderr, "warning: line %d: %v\n", le.Line, le.Err)
	}
	if cfg.strict && len(res.Errors) > 0 {
		return fmt.Errorf("%d malformed line(s)", len(res.Errors))
	}

	var agg *stats.Aggregator
	if cfg.service != "" {
		agg = stats.New()
		for _, e := range st.Query(cfg.service, nil) {
			agg.Add(e)
		}
	} else {
		agg = st.Aggregate()
	}
	return report.Render(stdout, agg.Summary(cfg.top), cfg.format)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "loganalyzer:", err)
		os.Exit(1)
	}
}
