// Package store provides an in-memory, concurrency-safe store of log entries
// partitioned by service, plus a worker pool that parses lines in parallel.
package store

import (
	"sort"
	"sync"
	"time"

	"example.com/envbench/sample/internal/parse"
	"example.com/envbench/sample/internal/stats"
)

// Store holds entries grouped by service. All methods are safe for
// concurrent use.
type Store struct {
	mu        sync.RWMutex
	byService map[string][]parse.Entry
	total     int
	maxPer    int
}

// Option configures a Store.
type Option func(*Store)

// WithRetention caps the number of entries kept per service; the oldest
// inserted entries are dropped first. n <= 0 means unlimited.
func WithRetention(n int) Option {
	return func(s *Store) { s.maxPer = n }
}

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{byService: make(map[string][]parse.Entry)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Add inserts entries.
func (s *Store) Add(entries ...parse.Entry) {
	if len(entries) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		list := append(s.byService[e.Service], e)
		if s.maxPer > 0 && len(list) > s.maxPer {
			drop := len(list) - s.maxPer
			s.total -= drop
			list = append(list[:0:0], list[drop:]...)
		}
		s.byService[e.Service] = list
		s.total++
	}
}

// Len returns the number of stored entries.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.total
}

// Services returns the sorted list of known services.
func (s *Store) Services() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.byService))
	for k := range s.byService {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Query returns a copy of the entries of one service that match the filter.
// A nil filter matches everything.
func (s *Store) Query(service string, filter func(parse.Entry) bool) []parse.Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []parse.Entry
	for _, e := range s.byService[service] {
		if filter == nil || filter(e) {
			out = append(out, e)
		}
	}
	return out
}

// Between returns a filter matching entries with from <= Time < to.
func Between(from, to time.Time) func(parse.Entry) bool {
	return func(e parse.Entry) bool {
		return !e.Time.Before(from) && e.Time.Before(to)
	}
}

// Aggregate builds an aggregator over every stored entry.
func (s *Store) Aggregate() *stats.Aggregator {
	s.mu.RLock()
	defer s.mu.RUnlock()
	agg := stats.New()
	for _, list := range s.byService {
		for _, e := range list {
			agg.Add(e)
		}
	}
	return agg
}

// Reset removes all entries.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byService = make(map[string][]parse.Entry)
	s.total = 0
}
