package store

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"example.com/envbench/sample/internal/parse"
)

var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func mk(svc string, sec, status int) parse.Entry {
	return parse.Entry{
		Time: base.Add(time.Duration(sec) * time.Second), Level: parse.LevelInfo,
		Service: svc, Method: "GET", Path: fmt.Sprintf("/item/%d", sec), Status: status, Latency: time.Millisecond,
	}
}

func TestStoreAddAndQuery(t *testing.T) {
	tests := []struct {
		name      string
		retention int
		add       []parse.Entry
		service   string
		filter    func(parse.Entry) bool
		wantLen   int
		wantSecs  []int
		wantSvcs  []string
	}{
		{
			name:     "empty",
			service:  "api",
			wantSvcs: []string{},
		},
		{
			name:     "all of one service",
			add:      []parse.Entry{mk("api", 1, 200), mk("web", 2, 200), mk("api", 3, 500)},
			service:  "api",
			wantLen:  3,
			wantSecs: []int{1, 3},
			wantSvcs: []string{"api", "web"},
		},
		{
			name:     "filtered by time",
			add:      []parse.Entry{mk("api", 1, 200), mk("api", 5, 200), mk("api", 10, 200)},
			service:  "api",
			filter:   Between(base.Add(2*time.Second), base.Add(10*time.Second)),
			wantLen:  3,
			wantSecs: []int{5},
			wantSvcs: []string{"api"},
		},
		{
			name:      "retention drops oldest",
			retention: 2,
			add:       []parse.Entry{mk("api", 1, 200), mk("api", 2, 200), mk("api", 3, 200), mk("web", 4, 200)},
			service:   "api",
			wantLen:   3,
			wantSecs:  []int{2, 3},
			wantSvcs:  []string{"api", "web"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(WithRetention(tt.retention))
			s.Add(tt.add...)
			if got := s.Len(); got != tt.wantLen {
				t.Errorf("Len = %d, want %d", got, tt.wantLen)
			}
			if got := s.Services(); !reflect.DeepEqual(got, tt.wantSvcs) {
				t.Errorf("Services = %v, want %v", got, tt.wantSvcs)
			}
			var secs []int
			for _, e := range s.Query(tt.service, tt.filter) {
				secs = append(secs, int(e.Time.Sub(base)/time.Second))
			}
			if !reflect.DeepEqual(secs, tt.wantSecs) {
				t.Errorf("Query secs = %v, want %v", secs, tt.wantSecs)
			}
		})
	}
}

func TestStoreReset(t *testing.T) {
	s := New()
	s.Add(mk("api", 1, 200))
	s.Reset()
	if s.Len() != 0 || len(s.Services()) != 0 {
		t.Fatalf("after Reset: len=%d services=%v", s.Len(), s.Services())
	}
}

// TestStoreConcurrent hammers the store from many writers and readers at
// once. It is most useful under -race.
func TestStoreConcurrent(t *testing.T) {
	const (
		writers   = 16
		readers   = 8
		perWriter = 200
		reads     = 200
	)
	services := []string{"api", "auth", "billing", "search"}
	s := New()

	var wg sync.WaitGroup
	start := make(chan struct{}) // released at once so readers and writers overlap

	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			<-start
			for i := 0; i < reads; i++ {
				svc := services[(r+i)%len(services)]
				got := s.Query(svc, func(e parse.Entry) bool { return e.Status >= 500 })
				if n := s.Len(); len(got) > n {
					t.Errorf("query returned %d entries but store has %d", len(got), n)
					return
				}
				_ = s.Services()
				if i%50 == 0 {
					_ = s.Aggregate().Summary(3)
				}
			}
		}(r)
	}

	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			<-start
			for i := 0; i < perWriter; i++ {
				status := 200
				if i%10 == 0 {
					status = 503
				}
				s.Add(mk(services[(w+i)%len(services)], i, status))
			}
		}(w)
	}

	close(start)
	wg.Wait()

	if got, want := s.Len(), writers*perWriter; got != want {
		t.Fatalf("Len = %d, want %d", got, want)
	}
	sum := s.Aggregate().Summary(0)
	if sum.Total != writers*perWriter {
		t.Fatalf("aggregate total = %d", sum.Total)
	}
	if got, want := sum.ByStatus["5xx"], writers*perWriter/10; got != want {
		t.Fatalf("5xx = %d, want %d", got, want)
	}
}
