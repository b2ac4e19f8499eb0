// Package parse turns raw access-log lines into structured entries.
//
// The expected line format is:
//
//	2024-05-01T12:00:00Z INFO api GET /users/42 200 12ms user=alice region=eu
//
// i.e. an RFC 3339 timestamp, a level, a service name, an HTTP method, a
// request path, a status code, a latency with a unit and any number of
// trailing key=value attributes.
package parse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Level is the severity of a log entry.
type Level int

// Known levels, ordered by severity.
const (
	LevelDebug Level = iota
	LevelInfo
	LevelWarn
	LevelError
)

var levelNames = [...]string{"DEBUG", "INFO", "WARN", "ERROR"}

// String returns the canonical upper-case name of the level.
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel parses a level name case-insensitively. "WARNING" and "ERR" are
// accepted as aliases.
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(s) {
	case "DEBUG":
		return LevelDebug, nil
	case "INFO":
		return LevelInfo, nil
	case "WARN", "WARNING":
		return LevelWarn, nil
	case "ERROR", "ERR":
		return LevelError, nil
	}
	return 0, fmt.Errorf("unknown level %q", s)
}

// Entry is one parsed log line.
type Entry struct {
	Time    time.Time
	Level   Level
	Service string
	Method  string
	Path    string
	Status  int
	Latency time.Duration
	Attrs   map[string]string
}

// StatusClass returns the status class such as "2xx" or "5xx".
func (e Entry) StatusClass() string {
	if e.Status < 100 || e.Status > 599 {
		return "other"
	}
	return strconv.Itoa(e.Status/100) + "xx"
}

// ErrEmpty is returned for blank lines and comment lines starting with '#'.
var ErrEmpty = errors.New("empty line")

// SyntaxError describes a line that could not be parsed.
type SyntaxError struct {
	Line   int    // 1-based line number, 0 if unknown
	Field  string // name of the offending field
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: field %s: %s", e.Line, e.Field, e.Reason)
	}
	return fmt.Sprintf("field %s: %s", e.Field, e.Reason)
}

var validMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "HEAD": true, "OPTIONS": true,
}

// Line parses a single log line. Blank lines and comments yield ErrEmpty.
func Line(s string) (Entry, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "#") {
		return Entry{}, ErrEmpty
	}
	fields := strings.Fields(s)
	if len(fields) < 7 {
		return Entry{}, &SyntaxError{Field: "line", Reason: fmt.Sprintf("want at least 7 fields, got %d", len(fields))}
	}

	var e Entry
	var err error
	if e.Time, err = time.Parse(time.RFC3339, fields[0]); err != nil {
		return Entry{}, &SyntaxError{Field: "time", Reason: err.Error()}
	}
	if e.Level, err = ParseLevel(fields[1]); err != nil {
		return Entry{}, &SyntaxError{Field: "level", Reason: err.Error()}
	}
	e.Service = fields[2]
	e.Method = strings.ToUpper(fields[3])
	if !validMethods[e.Method] {
		return Entry{}, &SyntaxError{Field: "method", Reason: fmt.Sprintf("unsupported method %q", fields[3])}
	}
	e.Path = fields[4]
	if !strings.HasPrefix(e.Path, "/") {
		return Entry{}, &SyntaxError{Field: "path", Reason: "must start with /"}
	}
	if e.Status, err = strconv.Atoi(fields[5]); err != nil || e.Status < 100 || e.Status > 599 {
		return Entry{}, &SyntaxError{Field: "status", Reason: fmt.Sprintf("invalid status %q", fields[5])}
	}
	if e.Latency, err = time.ParseDuration(fields[6]); err != nil || e.Latency < 0 {
		return Entry{}, &SyntaxError{Field: "latency", Reason: fmt.Sprintf("invalid latency %q", fields[6])}
	}
	for _, kv := range fields[7:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return Entry{}, &SyntaxError{Field: "attr", Reason: fmt.Sprintf("malformed attribute %q", kv)}
		}
		if e.Attrs == nil {
			e.Attrs = make(map[string]string, len(fields)-7)
		}
		e.Attrs[k] = v
	}
	return e, nil
}

// NormalizePath replaces purely numeric path segments with ":id" so that
// /users/42 and /users/7 aggregate together, and strips any query string.
func NormalizePath(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s == "" {
			continue
		}
		if _, err := strconv.ParseUint(s, 10, 64); err == nil {
			segs[i] = ":id"
		}
	}
	out := strings.Join(segs, "/")
	if len(out) > 1 {
		out = strings.TrimSuffix(out, "/")
	}
	return out
}

// Result is the outcome of reading a whole stream.
type Result struct {
	Entries []Entry
	Errors  []error
	Lines   int
}

// Reader reads every line from r, collecting entries and per-line errors.
// Blank and comment lines are skipped silently. Only I/O errors are returned.
func Reader(r io.Reader) (Result, error) {
	var res Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		res.Lines++
		e, err := Line(sc.Text())
		switch {
		case errors.Is(err, ErrEmpty):
			continue
		case err != nil:
			var se *SyntaxError
			if errors.As(err, &se) {
				se.Line = res.Lines
			}
			res.Errors = append(res.Errors, err)
			continue
		}
		res.Entries = append(res.Entries, e)
	}
	return res, sc.Err()
}
